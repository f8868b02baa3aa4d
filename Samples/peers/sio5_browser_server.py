#!/usr/bin/env python3
"""Socket.IO server (python-socketio 5.x AsyncServer on aiohttp) of socketio-browser, whose
client is a real browser: headless Chromium loading browser_page.html, which uses the
official socket.io JavaScript client (peers/sio5_browser.py runs Chromium).

Besides Engine.IO at /socket.io/, the same aiohttp application serves over HTTP:
  GET /                  peers/browser_page.html (text/html)
  GET /socket.io.min.js  the socket.io client script named by --client-js
                         (application/javascript; record.sh takes it from the nicegui
                         wheel at recording time; it is not part of the repository)
  anything else          404 (the page names its icon as data:, so no /favicon.ico is asked)
Both files are sent as they are: no Content-Encoding, no Last-Modified/ETag (plain
web.Response), so that the capture shows one plain 200 per file.

Engine.IO heartbeats: ping_interval=1, ping_timeout=2 (seconds), as in sio5_server.py.

Namespace "/" only:
  connect(auth)          accepted (auth {"token": "browser", "client": "b1"})
  "chat" (text, obj)     -> ack ("ok", {"len": len(text)}); 0.2 s later a background task
                            emits "news", then asks "question" with an ack (sio.call; the
                            page answers ("yes", 42))
  "upload" (bytes, meta) -> ack ({"size": n}, reversed bytes): a BINARY_ACK

The log (--log, written on SIGINT/SIGTERM) has the form of sio5_server.py's: every
Socket.IO packet the server received and sent, in the order its handlers saw them ("from",
"namespace", "type", "event", "args" with bytes as {"_binary_hex": ...}, "sid", "eio_sid",
"client"), plus disconnect handler calls ("handler": "disconnect", no "type") and, with
"http", every request outside /socket.io/ (method, path, status, body length and sha256).
record.sh hands it to verify.py socketio-truth.
"""
import argparse
import asyncio
import hashlib
import os

import socketio
from aiohttp import web

from aiohttp_serve import serve_until_signalled, write_log

NEWS = {"headline": "osiscope decodes Socket.IO", "id": 7}
QUESTION = {"q": "ready?"}
PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser_page.html")


def jsonable(value):
    """Log form of event arguments: bytes become {"_binary_hex": "..."}."""
    if isinstance(value, (bytes, bytearray)):
        return {"_binary_hex": bytes(value).hex()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


async def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--client-js", required=True, help="the socket.io client script to serve")
    p.add_argument("--log", required=True)
    args = p.parse_args()

    with open(PAGE, "rb") as f:
        page = f.read()
    with open(args.client_js, "rb") as f:
        script = f.read()

    log = []
    names = {}   # Socket.IO sid -> client name (from the auth payload)
    sio = socketio.AsyncServer(async_mode="aiohttp", ping_interval=1, ping_timeout=2)
    app = web.Application()
    sio.attach(app)

    def served(request, response, body):
        log.append({"http": "served", "method": request.method, "path": request.path_qs,
                    "status": response.status, "body_length": len(body),
                    "body_sha256": hashlib.sha256(body).hexdigest()})
        return response

    async def index(request):
        return served(request, web.Response(body=page, content_type="text/html", charset="utf-8"), page)

    async def client_js(request):
        return served(request, web.Response(body=script, content_type="application/javascript",
                                            charset="utf-8"), script)

    app.router.add_get("/", index)
    app.router.add_get("/socket.io.min.js", client_js)

    def note(sender, namespace, type_, sid, event=None, args=None, **extra):
        """A Socket.IO packet sent (from "server") or received (from "client")."""
        entry = {"from": sender, "namespace": namespace, "type": type_, "event": event,
                 "args": jsonable(args) if args is not None else None, "sid": sid,
                 "eio_sid": sio.manager.eio_sid_from_sid(sid, namespace) if sid else None,
                 "client": names.get(sid)}
        entry.update(extra)
        log.append(entry)
        return entry

    @sio.on("connect")
    async def connect(sid, environ, auth):
        names[sid] = (auth or {}).get("client")
        note("client", "/", "CONNECT", sid, args=auth)
        # The CONNECT answer ({"sid": ...}) is sent by the library after this returns.
        note("server", "/", "CONNECT", sid, args={"sid": sid})

    @sio.on("disconnect")
    async def disconnect(sid, reason):
        # A handler call, not a packet ("type" absent): "client disconnect" after a
        # DISCONNECT packet, "transport close" when the connection went first.
        log.append({"handler": "disconnect", "namespace": "/", "reason": str(reason), "sid": sid,
                    "eio_sid": sio.manager.eio_sid_from_sid(sid, "/"), "client": names.get(sid)})

    @sio.on("chat")
    async def chat(sid, text, obj):
        reply = ("ok", {"len": len(text)})
        note("client", "/", "EVENT", sid, "chat", [text, obj], ack=True)
        note("server", "/", "ACK", sid, args=list(reply), ack_of="chat")

        async def push():
            await sio.sleep(0.2)
            note("server", "/", "EVENT", sid, "news", [NEWS], ack=False)
            await sio.emit("news", NEWS, to=sid)
            note("server", "/", "EVENT", sid, "question", [QUESTION], ack=True)
            answer = await sio.call("question", QUESTION, to=sid, timeout=5)
            if not isinstance(answer, tuple):
                answer = (answer,)
            note("client", "/", "ACK", sid, args=list(answer), ack_of="question")

        sio.start_background_task(push)
        return reply

    @sio.on("upload")
    async def upload(sid, data, meta):
        reply = ({"size": len(data)}, bytes(reversed(data)))
        note("client", "/", "EVENT", sid, "upload", [bytes(data), meta], ack=True)
        note("server", "/", "ACK", sid, args=list(reply), ack_of="upload")
        return reply

    await serve_until_signalled(app, args.host, args.port)
    write_log(args.log, log)


if __name__ == "__main__":
    asyncio.run(main())
