#!/usr/bin/env python3
"""Socket.IO client of the older protocol for socketio-v3: python-socketio 4.x
AsyncClient (Engine.IO v3 / Socket.IO protocol v4, python-engineio 3.x); the
server is sio3_server.py. Run from the environment of peers/requirements-v3.txt.

Default transports (polling, then the upgrade to WebSocket: "2probe",
"3probe", "5"). Protocol v4 has no CONNECT payload, so the token goes in the
URL's query string (?token=s3cret), which python-engineio copies into every
request. Sequence (lock-step, like sio5_client.py --mode websocket):
  connect; the server connects "/" itself and sends "welcome" (binary); this
      client then connects "/admin" ("40/admin,")
  wait for "/", "/admin", "welcome" and the upgrade to websocket
  emit "chat" ("hello", {"n": 1}) on "/" with an ack      -> ack ("ok", {"len": 5})
  wait for "news" (on "/") and "question" on "/admin", which asks for an ack:
      the handler returns ("yes", 42)
  emit "upload" (b"\\x01\\x02\\x03", {"name": "blob"}) on "/admin" with an ack
      (BINARY_EVENT; the ack is a BINARY_ACK)
  stay connected until 2.6 s after connecting (this client pings every 1 s)
  disconnect

The log (--log) has the form of sio5_client.py's.
"""
import argparse
import asyncio
import json
import sys
import time

import socketio


# python-socketio 4.6.1 and python-engineio 3.14.2 (2020, the last of their
# lines) hand coroutines to asyncio.wait(), which Python 3.11 refuses
# ("Passing coroutines is forbidden, use tasks explicitly"). Wrap them in
# tasks, which is what Python 3.10 and older did inside asyncio.wait() itself;
# nothing on the wire changes.
_asyncio_wait = asyncio.wait


async def _wait_accepting_coroutines(fs, *args, **kwargs):
    return await _asyncio_wait([asyncio.ensure_future(f) for f in fs], *args, **kwargs)


asyncio.wait = _wait_accepting_coroutines

BLOB = b"\x01\x02\x03"


def jsonable(value):
    if isinstance(value, (bytes, bytearray)):
        return {"_binary_hex": bytes(value).hex()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


async def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--log", required=True)
    args = p.parse_args()

    log = []
    flags = {}
    sio = socketio.AsyncClient(reconnection=False)

    def note(sender, namespace, type_, event=None, args=None, **extra):
        entry = {"from": sender, "namespace": namespace, "type": type_, "event": event,
                 "args": jsonable(args) if args is not None else None, "client": "c1"}
        entry.update(extra)
        log.append(entry)

    def flag(key):
        return flags.setdefault(key, asyncio.Event())

    async def wait(key):
        await asyncio.wait_for(flag(key).wait(), 5)

    @sio.on("connect")
    async def connect():
        note("server", "/", "CONNECT")
        # python-socketio 4 sends "40/admin," as soon as "/" is connected.
        note("client", "/admin", "CONNECT")
        flag("connect /").set()

    @sio.on("connect", namespace="/admin")
    async def admin_connect():
        note("server", "/admin", "CONNECT")
        flag("connect /admin").set()

    @sio.on("welcome")
    async def welcome(obj, blob):
        note("server", "/", "EVENT", "welcome", [obj, blob], ack=False)
        flag("welcome").set()

    @sio.on("news")
    async def news(data):
        note("server", "/", "EVENT", "news", [data], ack=False)
        flag("news").set()

    @sio.on("question", namespace="/admin")
    async def question(data):
        answer = ("yes", 42)
        note("server", "/admin", "EVENT", "question", [data], ack=True)
        note("client", "/admin", "ACK", args=list(answer), ack_of="question")
        flag("question").set()
        return answer

    async def call(event, args, namespace="/"):
        note("client", namespace, "EVENT", event, list(args), ack=True)
        ack = await sio.call(event, tuple(args), namespace=namespace, timeout=5)
        ack = list(ack) if isinstance(ack, tuple) else [ack]
        note("server", namespace, "ACK", args=ack, ack_of=event)

    await sio.connect(args.url, namespaces=["/admin"])
    started = time.monotonic()
    for key in ("connect /", "connect /admin", "welcome"):
        await wait(key)
    for _ in range(50):
        if sio.transport() == "websocket":
            break
        await asyncio.sleep(0.01)
    if sio.transport() != "websocket":
        sys.exit(f"sio3_client: no upgrade to websocket (transport {sio.transport()})")

    await call("chat", ["hello", {"n": 1}])
    await wait("news")
    await wait("question")
    await call("upload", [BLOB, {"name": "blob"}], namespace="/admin")

    await asyncio.sleep(max(0.0, started + 2.6 - time.monotonic()))
    # python-socketio 4 sends DISCONNECT for each namespace, "/" last.
    note("client", "/admin", "DISCONNECT")
    note("client", "/", "DISCONNECT")
    await sio.disconnect()
    await asyncio.sleep(0.3)
    with open(args.log, "w") as f:
        json.dump(log, f, indent=2)
        f.write("\n")
    print(f"sio3_client: {len(log)} log entries")


if __name__ == "__main__":
    asyncio.run(main())
