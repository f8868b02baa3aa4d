#!/usr/bin/env python3
"""websockets client of websocket-duplex (peers/duplex_server.py, which describes the
traffic): from fixed port --local-port, with SO_RCVBUF 4096 set before connecting, it sends
its COUNT large messages at t0 + 100 ms while it reads the server's slowly; once both are
done it closes with 1000. Writes its log to --log."""
import argparse
import asyncio
import json
import socket
import time
from urllib.parse import urlsplit

from websockets.asyncio.client import connect

from duplex_server import RCVBUF, WS_OPTIONS, duplex


async def main(a):
    log = {"sent": [], "received": []}
    url = urlsplit(a.uri)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)  # before the SYN: sets the window
    sock.bind(("127.0.0.1", a.local_port))
    sock.connect((url.hostname, url.port))
    sock.setblocking(False)
    t0 = time.monotonic() + 0.05
    async with connect(f"{a.uri}?t0={t0!r}", sock=sock, **WS_OPTIONS) as ws:
        await duplex(ws, "client", t0, log)
        await ws.close(1000)
        log["close_code"] = ws.close_code
    with open(a.log, "w") as f:
        json.dump(log, f, indent=2)
        f.write("\n")
    print(f"duplex: sent {len(log['sent'])}, received {len(log['received'])}")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--uri", required=True)
    p.add_argument("--local-port", type=int, required=True)
    p.add_argument("--log", required=True)
    asyncio.run(main(p.parse_args()))
