#!/usr/bin/env python3
"""Socket.IO server (python-socketio 5.x AsyncServer on aiohttp) for socketio-polling,
socketio-websocket and socketio-broadcast (Engine.IO v4 / Socket.IO v5).

Why: real sessions of the current protocol that exercise what a decoder must
follow: several namespaces, an auth payload, acks in both directions, binary
attachments (in an event and in an ack), a refused namespace (CONNECT_ERROR),
Engine.IO heartbeats, and one event broadcast to a room.

Engine.IO heartbeats: ping_interval=1, ping_timeout=2 (seconds), so that a
session of about 2.5 s carries two server pings "2" and the client's pongs "3".

--mode session (socketio-polling and socketio-websocket; the client chooses the transport):
  namespace "/"        connect(auth) accepted
                       "chat" (text, obj)      -> ack ("ok", {"len": len(text)});
                                                  0.2 s later: a background task emits
                                                  "news" on "/", then asks "question" on
                                                  "/admin" with an ack (the client answers)
  namespace "/admin"   connect(auth) accepted
                       "upload" (bytes, meta)  -> ack ({"size": n}, reversed bytes): a BINARY_ACK
  namespace "/private" connect refused: ConnectionRefusedError("not allowed") -> CONNECT_ERROR
--mode broadcast (socketio-broadcast): namespace "/" only
                       "join" ({"room": r})    -> enters room r, ack ("joined", r)
                       when three clients have joined "lobby": 0.2 s later ONE
                       emit("announce", ..., room="lobby"), 0.2 s after it
                       "whisper" to the client named "c2" alone

The log (--log, written on SIGINT/SIGTERM) has the Socket.IO packets the
server received and sent, in the order its handlers saw them, each with "from"
(the sender), "namespace", "type" (CONNECT, CONNECT_ERROR, EVENT, ACK: the
BINARY_ variants and ack ids are read off the wire by verify.py), "event",
"args" (bytes as {"_binary_hex": ...}), "sid" (Socket.IO sid of the
namespace), "eio_sid" (Engine.IO sid, sio.manager.eio_sid_from_sid) and
"client" (the name in the client's auth payload); the room broadcast has "room"
and "to" (its members). Entries with "handler": "disconnect" and no "type" are
disconnect handler calls with the library's reason ("client disconnect" after
a DISCONNECT packet, "transport close" when the connection went first).
record.sh hands the log to verify.py socketio-truth.
"""
import argparse
import asyncio

import socketio
from aiohttp import web

from aiohttp_serve import serve_until_signalled, write_log

NEWS = {"headline": "osiscope decodes Socket.IO", "id": 7}
QUESTION = {"q": "ready?"}
ANNOUNCE = {"text": "welcome to the lobby", "n": 3}
WHISPER = {"text": "only for c2"}


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
    p.add_argument("--mode", choices=["session", "broadcast"], required=True)
    p.add_argument("--log", required=True)
    args = p.parse_args()

    log = []
    names = {}   # Socket.IO sid -> client name (from the auth payload)
    sio = socketio.AsyncServer(async_mode="aiohttp", ping_interval=1, ping_timeout=2)
    app = web.Application()
    sio.attach(app)

    def note(sender, namespace, type_, sid, event=None, args=None, **extra):
        """A Socket.IO packet sent (from "server") or received (from "client")."""
        entry = {"from": sender, "namespace": namespace, "type": type_, "event": event,
                 "args": jsonable(args) if args is not None else None, "sid": sid,
                 "eio_sid": sio.manager.eio_sid_from_sid(sid, namespace) if sid else None,
                 "client": names.get(sid)}
        entry.update(extra)
        log.append(entry)
        return entry

    def on_connect(namespace):
        async def connect(sid, environ, auth):
            names[sid] = (auth or {}).get("client")
            note("client", namespace, "CONNECT", sid, args=auth)
            # The CONNECT answer ({"sid": ...}) is sent by the library after this returns.
            note("server", namespace, "CONNECT", sid, args={"sid": sid})
        sio.on("connect", connect, namespace=namespace)

    def on_disconnect(namespace):
        async def disconnect(sid, reason):
            # A handler call, not a packet ("type" absent): the reason tells whether a
            # DISCONNECT packet came ("client disconnect") or the transport closed first.
            log.append({"handler": "disconnect", "namespace": namespace, "reason": str(reason), "sid": sid,
                        "eio_sid": sio.manager.eio_sid_from_sid(sid, namespace), "client": names.get(sid)})
        sio.on("disconnect", disconnect, namespace=namespace)

    if args.mode == "session":
        for ns in ("/", "/admin"):
            on_connect(ns)
            on_disconnect(ns)

        @sio.on("connect", namespace="/private")
        async def private_connect(sid, environ, auth):
            names[sid] = (auth or {}).get("client")
            note("client", "/private", "CONNECT", sid, args=auth)
            # The library answers with CONNECT_ERROR {"message": "not allowed"}.
            refused = note("server", "/private", "CONNECT_ERROR", sid, args={"message": "not allowed"})
            refused["sid"] = None   # the refused namespace gets no Socket.IO sid
            raise socketio.exceptions.ConnectionRefusedError("not allowed")

        @sio.on("chat")
        async def chat(sid, text, obj):
            reply = ("ok", {"len": len(text)})
            note("client", "/", "EVENT", sid, "chat", [text, obj], ack=True)
            note("server", "/", "ACK", sid, args=list(reply), ack_of="chat")

            async def push():
                await sio.sleep(0.2)
                note("server", "/", "EVENT", sid, "news", [NEWS], ack=False)
                await sio.emit("news", NEWS, to=sid)
                # The same client's sid on /admin (one Socket.IO sid per namespace).
                eio_sid = sio.manager.eio_sid_from_sid(sid, "/")
                admin_sid = sio.manager.sid_from_eio_sid(eio_sid, "/admin")
                note("server", "/admin", "EVENT", admin_sid, "question", [QUESTION], ack=True)
                answer = await sio.call("question", QUESTION, to=admin_sid, namespace="/admin", timeout=5)
                if not isinstance(answer, tuple):
                    answer = (answer,)
                note("client", "/admin", "ACK", admin_sid, args=list(answer), ack_of="question")

            sio.start_background_task(push)
            return reply

        @sio.on("upload", namespace="/admin")
        async def upload(sid, data, meta):
            reply = ({"size": len(data)}, bytes(reversed(data)))
            note("client", "/admin", "EVENT", sid, "upload", [bytes(data), meta], ack=True)
            note("server", "/admin", "ACK", sid, args=list(reply), ack_of="upload")
            return reply

    else:
        on_connect("/")
        on_disconnect("/")
        joined = []

        @sio.on("join")
        async def join(sid, data):
            room = data["room"]
            await sio.enter_room(sid, room)
            note("client", "/", "EVENT", sid, "join", [data], ack=True)
            note("server", "/", "ACK", sid, args=["joined", room], ack_of="join")
            joined.append(sid)
            if len(joined) == 3:
                sio.start_background_task(announce)
            return "joined", room

        async def announce():
            await sio.sleep(0.2)
            members = sorted(s for s, _ in sio.manager.get_participants("/", "lobby"))
            # ONE emit to the room: the library encodes the packet once and
            # writes it to every member's Engine.IO session.
            log.append({"from": "server", "namespace": "/", "type": "EVENT", "event": "announce",
                        "args": [ANNOUNCE], "room": "lobby", "ack": False,
                        "to": [{"sid": s, "eio_sid": sio.manager.eio_sid_from_sid(s, "/"),
                                "client": names.get(s)} for s in members]})
            await sio.emit("announce", ANNOUNCE, room="lobby")
            await sio.sleep(0.2)
            c2 = next(s for s in joined if names.get(s) == "c2")
            note("server", "/", "EVENT", c2, "whisper", [WHISPER], ack=False)
            await sio.emit("whisper", WHISPER, to=c2)

    await serve_until_signalled(app, args.host, args.port)
    write_log(args.log, log)


if __name__ == "__main__":
    asyncio.run(main())
