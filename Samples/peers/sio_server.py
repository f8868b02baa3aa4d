#!/usr/bin/env python3
"""Socket.IO server (python-socketio AsyncServer on aiohttp) for socketio-upgrade.

Why: a real Engine.IO v4 / Socket.IO v5 session that starts on HTTP
long-polling and upgrades to WebSocket, carrying an event with an ack, a
server-pushed event and an event with a binary attachment.

Handlers:
  "chat"   (text, obj) -> ack "ok"; 0.2 s later the server emits "news" to
           that client (the delay puts the ack strictly before "news")
  "upload" (bytes)     -> ack len(bytes)

The events the server saw/sent are written as JSON to --log on shutdown
(SIGINT/SIGTERM); record.sh uses it to cross-check the capture.
"""
import argparse
import asyncio

import socketio
from aiohttp import web

from aiohttp_serve import serve_until_signalled, write_log

NEWS = {"headline": "osiscope decodes Socket.IO", "id": 7}


async def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    args = p.parse_args()

    log = []
    # Default ping interval (25 s) is far longer than the session: no engine.io
    # pings appear, which keeps the message list deterministic.
    sio = socketio.AsyncServer(async_mode="aiohttp")
    app = web.Application()
    sio.attach(app)

    @sio.event
    async def connect(sid, environ, auth):
        log.append({"event": "connect", "namespace": "/"})

    @sio.on("chat")
    async def chat(sid, text, obj):
        log.append({"event": "chat", "from": "client", "args": [text, obj], "ack": ["ok"]})

        async def send_news():
            await sio.sleep(0.2)
            await sio.emit("news", NEWS, to=sid)
            log.append({"event": "news", "from": "server", "args": [NEWS]})

        sio.start_background_task(send_news)
        return "ok"

    @sio.on("upload")
    async def upload(sid, data):
        log.append({"event": "upload", "from": "client", "args_hex": [bytes(data).hex()], "ack": [len(data)]})
        return len(data)

    @sio.event
    async def disconnect(sid, reason):
        log.append({"event": "disconnect", "reason": str(reason)})

    await serve_until_signalled(app, args.host, args.port)
    write_log(args.log, log)


if __name__ == "__main__":
    asyncio.run(main())
