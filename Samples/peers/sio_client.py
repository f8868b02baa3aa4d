#!/usr/bin/env python3
"""Socket.IO client (python-socketio AsyncClient) for socketio-upgrade.

transports=["polling", "websocket"]: the Engine.IO handshake is an HTTP GET
(long-polling transport), then the client upgrades to WebSocket (probe
"2probe"/"3probe", then "5"). Everything after the upgrade goes over the
WebSocket connection; the polling requests use a separate TCP connection.

Sequence (lock-step, so the order on the wire is fixed):
  connect to namespace "/"
  emit "chat" ("hello", {"n": 1}) with an ack callback   -> server acks "ok"
  wait for the server's "news" event
  emit "upload" b"\\x01\\x02\\x03" with an ack (binary attachment) -> ack 3
  disconnect

The events as this client saw them go to --log (JSON).
"""
import argparse
import asyncio
import json
import sys

import socketio


async def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--log", required=True)
    args = p.parse_args()

    log = []
    news = asyncio.Event()
    sio = socketio.AsyncClient(reconnection=False)

    @sio.on("news")
    async def on_news(data):
        log.append({"event": "news", "from": "server", "args": [data]})
        news.set()

    await sio.connect(args.url, transports=["polling", "websocket"], wait_timeout=5)
    log.append({"event": "connect", "transport": sio.transport(), "namespace": "/"})
    if sio.transport() != "websocket":
        sys.exit(f"upgrade to websocket did not happen (transport={sio.transport()})")

    # call() = emit with an ack callback, waiting for the ack; a tuple is sent
    # as several event arguments.
    ack = await sio.call("chat", ("hello", {"n": 1}), timeout=5)
    log.append({"event": "chat", "from": "client", "args": ["hello", {"n": 1}], "ack": [ack]})

    await asyncio.wait_for(news.wait(), 5)

    blob = b"\x01\x02\x03"
    ack = await sio.call("upload", blob, timeout=5)
    log.append({"event": "upload", "from": "client", "args_hex": [blob.hex()], "ack": [ack]})

    await sio.disconnect()
    log.append({"event": "disconnect"})
    with open(args.log, "w") as f:
        json.dump(log, f, indent=2)
        f.write("\n")
    print(f"sio_client: {len(log)} events")


if __name__ == "__main__":
    asyncio.run(main())
