#!/usr/bin/env python3
"""Socket.IO server of the older protocol for socketio-v3: python-socketio 4.x
AsyncServer on aiohttp, that is Engine.IO v3 / Socket.IO protocol v4
(python-engineio 3.x). Run from the separate environment of
peers/requirements-v3.txt (record.sh does).

Why: captures of the previous protocol generation still in use: client-sent
pings, the Engine.IO v3 polling payload framing, binary attachments with the
Engine.IO MESSAGE type in front, and no Socket.IO CONNECT payload (no auth:
the token travels in the query string).

always_connect=True: the library sends the "/" CONNECT ("40") before it runs
the connect handler, so the "welcome" event the handler emits follows it. All
three go out in the answer to the Engine.IO handshake GET, in one polling
payload, and "welcome" carries bytes: the sample shows how python-engineio 3
frames a payload with a binary packet.

Heartbeats: ping_interval=1, ping_timeout=2 (seconds); in Engine.IO v3 the
CLIENT sends the ping "2" every interval and the server answers "3".

  namespace "/"       connect: token from the query string; emits "welcome"
                      ({"motd": "hi"}, b"\\xca\\xfe") (BINARY_EVENT)
                      "chat" (text, obj) -> ack ("ok", {"len": len(text)}); 0.2 s later a
                      background task emits "news" on "/", then asks "question" on
                      "/admin" with an ack (the client answers)
  namespace "/admin"  connect accepted
                      "upload" (bytes, meta) -> ack ({"size": n}, reversed bytes): a BINARY_ACK

The log (--log, written on SIGINT/SIGTERM) has the same form as
sio5_server.py's (disconnect handler calls have no reason in 4.x). In
python-socketio 4.x the Socket.IO sid of every namespace is the Engine.IO sid.
"""
import argparse
import asyncio
from urllib.parse import parse_qs

import socketio
from aiohttp import web

from aiohttp_serve import serve_until_signalled, write_log


# python-socketio 4.6.1 and python-engineio 3.14.2 (2020, the last of their
# lines) hand coroutines to asyncio.wait(), which Python 3.11 refuses
# ("Passing coroutines is forbidden, use tasks explicitly"). Wrap them in
# tasks, which is what Python 3.10 and older did inside asyncio.wait() itself;
# nothing on the wire changes.
_asyncio_wait = asyncio.wait


async def _wait_accepting_coroutines(fs, *args, **kwargs):
    return await _asyncio_wait([asyncio.ensure_future(f) for f in fs], *args, **kwargs)


asyncio.wait = _wait_accepting_coroutines

NEWS = {"headline": "osiscope decodes Socket.IO", "id": 7}
QUESTION = {"q": "ready?"}
WELCOME = ({"motd": "hi"}, b"\xca\xfe")


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
    p.add_argument("--log", required=True)
    args = p.parse_args()

    log = []
    sio = socketio.AsyncServer(async_mode="aiohttp", ping_interval=1, ping_timeout=2, always_connect=True)
    app = web.Application()
    sio.attach(app)

    def note(sender, namespace, type_, sid, event=None, args=None, **extra):
        entry = {"from": sender, "namespace": namespace, "type": type_, "event": event,
                 "args": jsonable(args) if args is not None else None, "sid": sid, "eio_sid": sid,
                 "client": "c1"}
        entry.update(extra)
        log.append(entry)

    @sio.on("connect")
    async def connect(sid, environ):
        token = parse_qs(environ.get("QUERY_STRING", "")).get("token", [None])[0]
        # "/" is connected by the server itself in protocol v4: the client sends no CONNECT.
        note("server", "/", "CONNECT", sid, query={"token": token})
        note("server", "/", "EVENT", sid, "welcome", list(WELCOME), ack=False)
        await sio.emit("welcome", WELCOME, to=sid)

    @sio.on("connect", namespace="/admin")
    async def admin_connect(sid, environ):
        note("client", "/admin", "CONNECT", sid)
        note("server", "/admin", "CONNECT", sid)

    for ns in ("/", "/admin"):
        def handler(ns):
            async def disconnect(sid):
                # A handler call, not a packet ("type" absent): python-socketio 4 runs it
                # for a DISCONNECT packet and when the transport closes alike.
                log.append({"handler": "disconnect", "namespace": ns, "sid": sid, "eio_sid": sid, "client": "c1"})
            return disconnect
        sio.on("disconnect", handler(ns), namespace=ns)

    @sio.on("chat")
    async def chat(sid, text, obj):
        reply = ("ok", {"len": len(text)})
        note("client", "/", "EVENT", sid, "chat", [text, obj], ack=True)
        note("server", "/", "ACK", sid, args=list(reply), ack_of="chat")

        async def push():
            await sio.sleep(0.2)
            note("server", "/", "EVENT", sid, "news", [NEWS], ack=False)
            await sio.emit("news", NEWS, to=sid)
            note("server", "/admin", "EVENT", sid, "question", [QUESTION], ack=True)
            answer = await sio.call("question", QUESTION, to=sid, namespace="/admin", timeout=5)
            if not isinstance(answer, tuple):
                answer = (answer,)
            note("client", "/admin", "ACK", sid, args=list(answer), ack_of="question")

        sio.start_background_task(push)
        return reply

    @sio.on("upload", namespace="/admin")
    async def upload(sid, data, meta):
        reply = ({"size": len(data)}, bytes(reversed(data)))
        note("client", "/admin", "EVENT", sid, "upload", [bytes(data), meta], ack=True)
        note("server", "/admin", "ACK", sid, args=list(reply), ack_of="upload")
        return reply

    await serve_until_signalled(app, args.host, args.port)
    write_log(args.log, log)


if __name__ == "__main__":
    asyncio.run(main())
