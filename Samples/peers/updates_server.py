#!/usr/bin/env python3
"""aiohttp server of the four update-* samples: the same 5 updates, four ways.

The updates are JSON texts {"n":N,"price":P}, N = 1..5. The clock starts at the
first request the server receives (the WebSocket handshake for /ws): update 1
exists at once, update N at 200*(N-1) ms after that.

  GET /page          (update-reload) an HTML page of ~1.2 KB holding the latest update
  GET /poll          (update-short-polling) the latest update as JSON, 200, even when unchanged
  GET /long?after=N  (update-long-polling) held until update N+1 exists, then that update as JSON
  GET /ws            (update-websocket) WebSocket; each update pushed as a text message when it
                     exists; the client closes with 1000 after the 5th

Every request is logged (method, uri, status, body length, the update it carried) and the
log is written to --log on shutdown (SIGINT/SIGTERM).
"""
import argparse
import asyncio
import json
import time

from aiohttp import web, WSMsgType

from aiohttp_serve import serve_until_signalled

PRICES = [101.25, 101.75, 100.85, 102.15, 102.45]
UPDATES = [json.dumps({"n": n, "price": p}, separators=(",", ":")) for n, p in enumerate(PRICES, 1)]
PERIOD = 0.2

log = []
state = {"t0": None}


def clock():
    if state["t0"] is None:
        state["t0"] = time.monotonic()
    return time.monotonic() - state["t0"]


def latest():
    """The number of the latest update that exists now (1..5)."""
    return min(len(UPDATES), int(clock() / PERIOD) + 1)


async def until(n):
    """Wait until update n exists."""
    clock()
    delay = state["t0"] + PERIOD * (n - 1) - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>osiscope: latest price (reload)</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #999; padding: 0.3em 0.8em; }}
pre {{ background: #eee; padding: 0.5em; }}
</style>
</head>
<body>
<h1>Latest price</h1>
<p>This page is fetched again every 200 ms, the way a browser reloads a page:
every fetch carries the whole document, its head, its style and its text,
although only one line of it changes between two updates.</p>
<table>
<tr><th>update</th><td id="n">{n}</td></tr>
<tr><th>price</th><td id="price">{price:.2f}</td></tr>
</table>
<p>The update as JSON:</p>
<pre id="update">{update}</pre>
<p>The same five updates are delivered by short polling (GET /poll),
long polling (GET /long?after=N) and a WebSocket (/ws) in the other
update samples; compare the bytes each way puts on the wire.</p>
<footer>osiscope sample server, aiohttp</footer>
</body>
</html>
"""


def entry(request, status, body, n):
    e = {"t": round(clock(), 3), "method": request.method, "uri": request.path_qs,
         "status": status, "body_length": len(body), "update": n}
    log.append(e)


async def page(request):
    n = latest()
    body = PAGE.format(n=n, price=PRICES[n - 1], update=UPDATES[n - 1]).encode()
    entry(request, 200, body, n)
    return web.Response(body=body, content_type="text/html", charset="utf-8")


async def poll(request):
    n = latest()
    body = UPDATES[n - 1].encode()
    entry(request, 200, body, n)
    return web.Response(body=body, content_type="application/json")


async def long_poll(request):
    after = int(request.query.get("after", "0"))
    n = min(after + 1, len(UPDATES))
    await until(n)
    body = UPDATES[n - 1].encode()
    entry(request, 200, body, n)
    return web.Response(body=body, content_type="application/json")


async def websocket(request):
    clock()
    ws = web.WebSocketResponse(autoping=True)
    await ws.prepare(request)
    e = {"t": round(clock(), 3), "method": request.method, "uri": request.path_qs, "status": 101,
         "body_length": 0, "update": None, "sent": [], "received": []}
    log.append(e)
    for n in range(1, len(UPDATES) + 1):
        await until(n)
        await ws.send_str(UPDATES[n - 1])
        e["sent"].append({"t": round(clock(), 3), "text": UPDATES[n - 1]})
    async for msg in ws:
        e["received"].append({"type": str(msg.type), "data": str(msg.data)})
    e["close_code"] = ws.close_code
    return ws


async def main(args):
    app = web.Application()
    app.router.add_get("/page", page)
    app.router.add_get("/poll", poll)
    app.router.add_get("/long", long_poll)
    app.router.add_get("/ws", websocket)
    await serve_until_signalled(app, "127.0.0.1", args.port)
    with open(args.log, "w") as f:
        json.dump({"updates": UPDATES, "requests": log}, f, indent=2)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    asyncio.run(main(p.parse_args()))
