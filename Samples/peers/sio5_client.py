#!/usr/bin/env python3
"""Socket.IO clients (python-socketio 5.x AsyncClient) for socketio-polling,
socketio-websocket and socketio-broadcast; the server is sio5_server.py.

--mode polling | websocket (one client "c1", transports=["polling"] or ["websocket"]):
  connect with auth {"token": "s3cret", "client": "c1"} to "/", "/admin" and
      "/private" at once (wait=False: connect() would give up the whole session
      when a namespace is refused; the server refuses "/private" with
      CONNECT_ERROR and the other two stay connected)
  wait until "/" and "/admin" are connected and "/private" has failed
  emit "chat" ("hello", {"n": 1}) on "/" with an ack      -> ack ("ok", {"len": 5})
  wait for the server's "news" (on "/") and its "question" on "/admin", which
      asks for an ack: the handler returns ("yes", 42), sent back as the ACK
  emit "upload" (b"\\x01\\x02\\x03", {"name": "blob"}) on "/admin" with an ack:
      a BINARY_EVENT with one attachment; the ack ({"size": 3}, b"\\x03\\x02\\x01")
      is a BINARY_ACK
  stay connected until 2.6 s after connecting (server pings every 1 s)
  disconnect
  Polling: python-engineio keeps one long-poll GET pending while the write
  loop POSTs, so aiohttp's connection pool opens a second TCP connection.

--mode broadcast (three clients in this process, each its own aiohttp session):
  c1 transports=["polling"], c2 and c3 transports=["websocket"], auth {"client": "cN"};
  each emits "join" {"room": "lobby"} with an ack, in turn; the server then emits
  ONE "announce" to the room and, 0.2 s later, "whisper" to c2 only; all
  disconnect once c2 has its whisper (c3 first, then c2, then c1).

The log (--log) has, per client, what it sent and received in order, in the
form of sio5_server.py's log (from, namespace, type, event, args, client).
"""
import argparse
import asyncio
import json
import sys
import time

import socketio

BLOB = b"\x01\x02\x03"


def jsonable(value):
    if isinstance(value, (bytes, bytearray)):
        return {"_binary_hex": bytes(value).hex()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


class Peer:
    """One AsyncClient and its log entries."""

    def __init__(self, name, transport, log):
        self.name, self.transport, self.log = name, transport, log
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events = {}

    def note(self, sender, namespace, type_, event=None, args=None, **extra):
        entry = {"from": sender, "namespace": namespace, "type": type_, "event": event,
                 "args": jsonable(args) if args is not None else None, "client": self.name}
        entry.update(extra)
        self.log.append(entry)

    def flag(self, key):
        return self.events.setdefault(key, asyncio.Event())

    async def wait(self, key, timeout=5):
        await asyncio.wait_for(self.flag(key).wait(), timeout)

    async def connect(self, url, auth, namespaces):
        for ns in namespaces:
            self.note("client", ns, "CONNECT", args=auth)

        def on_connect(ns):
            async def handler():
                self.note("server", ns, "CONNECT", args={"sid": self.sio.get_sid(ns)})
                self.flag("connect " + ns).set()
            return handler

        def on_connect_error(ns):
            async def handler(data):
                self.note("server", ns, "CONNECT_ERROR", args=data)
                self.flag("connect_error " + ns).set()
            return handler

        for ns in namespaces:
            self.sio.on("connect", on_connect(ns), namespace=ns)
            self.sio.on("connect_error", on_connect_error(ns), namespace=ns)
        await self.sio.connect(url, auth=auth, namespaces=namespaces,
                               transports=[self.transport], wait=False)
        self.started = time.monotonic()

    async def call(self, event, args, namespace="/"):
        self.note("client", namespace, "EVENT", event, list(args), ack=True)
        ack = await self.sio.call(event, tuple(args), namespace=namespace, timeout=5)
        ack = list(ack) if isinstance(ack, tuple) else [ack]
        self.note("server", namespace, "ACK", args=ack, ack_of=event)
        return ack

    async def disconnect(self):
        namespaces = sorted(self.sio.namespaces)
        for ns in namespaces:
            self.note("client", ns, "DISCONNECT")
        await self.sio.disconnect()


async def session(url, transport, log):
    c1 = Peer("c1", transport, log)

    @c1.sio.on("news")
    async def news(data):
        c1.note("server", "/", "EVENT", "news", [data], ack=False)
        c1.flag("news").set()

    @c1.sio.on("question", namespace="/admin")
    async def question(data):
        answer = ("yes", 42)
        c1.note("server", "/admin", "EVENT", "question", [data], ack=True)
        c1.note("client", "/admin", "ACK", args=list(answer), ack_of="question")
        c1.flag("question").set()
        return answer   # the library sends it as the ACK

    await c1.connect(url, {"token": "s3cret", "client": "c1"}, ["/", "/admin", "/private"])
    await c1.wait("connect /")
    await c1.wait("connect /admin")
    await c1.wait("connect_error /private")
    if c1.sio.transport() != transport:
        sys.exit(f"sio5_client: transport is {c1.sio.transport()}, wanted {transport}")

    await c1.call("chat", ["hello", {"n": 1}])
    await c1.wait("news")
    await c1.wait("question")
    await c1.call("upload", [BLOB, {"name": "blob"}], namespace="/admin")

    # Heartbeats: the server pings every second; stay long enough for two.
    await asyncio.sleep(max(0.0, c1.started + 2.6 - time.monotonic()))
    await c1.disconnect()


async def broadcast(url, log):
    peers = [Peer("c1", "polling", log), Peer("c2", "websocket", log), Peer("c3", "websocket", log)]
    for peer in peers:
        def handlers(peer):
            @peer.sio.on("announce")
            async def announce(data):
                peer.note("server", "/", "EVENT", "announce", [data], ack=False, room="lobby")
                peer.flag("announce").set()

            @peer.sio.on("whisper")
            async def whisper(data):
                peer.note("server", "/", "EVENT", "whisper", [data], ack=False)
                peer.flag("whisper").set()
        handlers(peer)

    for peer in peers:
        await peer.connect(url, {"client": peer.name}, ["/"])
        await peer.wait("connect /")
        if peer.sio.transport() != peer.transport:
            sys.exit(f"sio5_client: {peer.name} transport is {peer.sio.transport()}")
    for peer in peers:
        await peer.call("join", [{"room": "lobby"}])
    for peer in peers:
        await peer.wait("announce")
    await peers[1].wait("whisper")
    await asyncio.sleep(0.2)
    for peer in reversed(peers):
        await peer.disconnect()


async def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--mode", choices=["polling", "websocket", "broadcast"], required=True)
    p.add_argument("--log", required=True)
    args = p.parse_args()

    log = []
    if args.mode == "broadcast":
        await broadcast(args.url, log)
    else:
        await session(args.url, args.mode, log)
    # Let the last packets and the connection closes go out before the process ends.
    await asyncio.sleep(0.3)
    with open(args.log, "w") as f:
        json.dump(log, f, indent=2)
        f.write("\n")
    print(f"sio5_client: {len(log)} log entries")


if __name__ == "__main__":
    asyncio.run(main())
