#!/usr/bin/env python3
"""aiohttp clients of the four update-* samples (peers/updates_server.py): --mode
  reload  GET /page, a new TCP connection per request (Connection: close), 200 ms
          between the end of one response and the next request, until the page shows update 5
  short   GET /poll every 100 ms on one kept-alive connection until it has seen update 5
  long    GET /long?after=N on one kept-alive connection, asking again as soon as the
          answer is in, until update 5
  ws      one WebSocket connection to /ws; closes with 1000 after the 5th message
The keep-alive modes use the fixed client port --local-port. Writes its log to --log.
"""
import argparse
import asyncio
import json
import re
import time

import aiohttp

t0 = time.monotonic()
log = []


def now():
    return round(time.monotonic() - t0, 3)


async def main(a):
    base = a.url.rstrip("/")
    seen = set()
    if a.mode == "reload":
        # force_close: every request on its own connection (the header says Connection: close).
        conn = aiohttp.TCPConnector(force_close=True)
        async with aiohttp.ClientSession(connector=conn, auto_decompress=False) as s:
            while 5 not in seen:
                async with s.get(base + "/page") as r:
                    body = await r.read()
                m = re.search(rb'<pre id="update">(.*?)</pre>', body)
                n = json.loads(m.group(1))["n"]
                seen.add(n)
                log.append({"t": now(), "uri": "/page", "status": r.status, "body_length": len(body), "update": n})
                if 5 not in seen:
                    await asyncio.sleep(0.2)
    elif a.mode in ("short", "long"):
        conn = aiohttp.TCPConnector(limit=1, local_addr=("127.0.0.1", a.local_port))
        async with aiohttp.ClientSession(connector=conn, auto_decompress=False) as s:
            after = 0
            while 5 not in seen:
                uri = "/poll" if a.mode == "short" else f"/long?after={after}"
                started = time.monotonic()
                async with s.get(base + uri) as r:
                    body = await r.read()
                n = json.loads(body)["n"]
                seen.add(n)
                after = n
                log.append({"t": now(), "uri": uri, "status": r.status, "body_length": len(body),
                            "body": body.decode(), "update": n})
                if a.mode == "short" and 5 not in seen:
                    await asyncio.sleep(max(0.0, 0.1 - (time.monotonic() - started)))
    else:
        conn = aiohttp.TCPConnector(local_addr=("127.0.0.1", a.local_port))
        async with aiohttp.ClientSession(connector=conn) as s:
            async with s.ws_connect(base.replace("http", "ws", 1) + "/ws", autoping=True,
                                    compress=0) as ws:
                log.append({"t": now(), "uri": "/ws", "status": 101})
                while len(seen) < 5:
                    msg = await ws.receive()
                    if msg.type != aiohttp.WSMsgType.TEXT:
                        raise SystemExit(f"unexpected {msg.type}")
                    seen.add(json.loads(msg.data)["n"])
                    log.append({"t": now(), "message": msg.data})
                await ws.close(code=1000)
                log.append({"t": now(), "closed": ws.close_code})
    if seen != {1, 2, 3, 4, 5}:
        raise SystemExit(f"saw updates {sorted(seen)}")
    with open(a.log, "w") as f:
        json.dump({"mode": a.mode, "log": log}, f, indent=2)
    print(f"{a.mode}: {len(log)} entries, updates {sorted(seen)}")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--mode", choices=["reload", "short", "long", "ws"], required=True)
    p.add_argument("--local-port", type=int, default=0)
    p.add_argument("--log", required=True)
    asyncio.run(main(p.parse_args()))
