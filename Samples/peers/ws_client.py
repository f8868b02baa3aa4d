#!/usr/bin/env python3
"""WebSocket client used by Samples/record.sh (python `websockets`, asyncio API).

It talks to ws_server.py in strict lock-step (send one thing, wait for the
answer) so the order of messages on the wire is deterministic, and it writes
NAME.expected.json: the ground truth of every WebSocket message, in the order
the peers sent them, as seen by the program that sent or received it (not as
decoded from the capture).

Scenarios:
  full   text "Hello, osiscope!"; a text message sent as 3 fragments (4 frames:
         websockets ends it with an empty FIN continuation frame);
         16 binary bytes 00..0f; ping "ping-1" (server answers pong "ping-1");
         a 70000-byte text message (64-bit length form, many TCP segments);
         every data message is echoed by the server; then the client closes
         with 1000 "bye from client" and the server echoes the close frame.
  short  two text messages, each echoed; then the server closes with
         1001 "going away" and the client echoes the close frame.

A fixed local (client) port makes the samples easier to describe in tests.
"""
import argparse
import asyncio
import hashlib
import json
import sys

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedOK


def big_text():
    # 10000 numbered 7-byte words = exactly 70000 bytes. A counting pattern
    # (rather than "x"*70000) means segments delivered in the wrong order or
    # dropped give a wrong sha256, and each TCP segment's payload is distinct.
    s = "".join(f"{i:06d} " for i in range(10000))
    assert len(s) == 70000
    return s


COMPRESSED = False  # set in main(): permessage-deflate negotiated?


def entry(sender, opcode, payload, **extra):
    """One expected message. payload is str (text) or bytes."""
    raw = payload.encode() if isinstance(payload, str) else bytes(payload)
    e = {"from": sender, "opcode": opcode}
    if opcode in ("text", "binary"):
        # websockets compresses every data message once permessage-deflate is
        # negotiated (RSV1 set on the first frame); control frames never.
        e["compressed"] = COMPRESSED
    if opcode == "binary":
        e["data_hex"] = raw.hex()
    elif len(raw) > 200:
        e["sha256"] = hashlib.sha256(raw).hexdigest()
        e["text_prefix"] = raw[:28].decode()
    else:
        e["text"] = raw.decode()
        if opcode in ("ping", "pong"):
            e["data_hex"] = raw.hex()
    e["length"] = len(raw)
    e.update(extra)
    return e


def close_entry(sender, close):
    reason = close.reason.encode()
    return {"from": sender, "opcode": "close", "close_code": int(close.code),
            "close_reason": close.reason, "length": 2 + len(reason)}


async def expect_echo(ws, sent, log):
    got = await ws.recv()
    if got != sent:
        sys.exit(f"echo mismatch: sent {sent!r:.60}, got {got!r:.60}")
    log.append(entry("server", "text" if isinstance(got, str) else "binary", got))


async def full(ws, log):
    hello = "Hello, osiscope!"
    await ws.send(hello)
    log.append(entry("client", "text", hello))
    await expect_echo(ws, hello, log)

    # Sending an iterable makes websockets send one frame per item, all with
    # FIN=0, and then an empty continuation frame with FIN=1 (it cannot know
    # which item is the last one). So this message is 4 frames on the wire:
    # text(FIN=0) "frag-one ", cont(FIN=0) "frag-two ", cont(FIN=0) "frag-three", cont(FIN=1) "".
    frags = ["frag-one ", "frag-two ", "frag-three"]
    await ws.send(frags)
    log.append(entry("client", "text", "".join(frags), frames=4, fragments=frags + [""]))
    await expect_echo(ws, "".join(frags), log)

    blob = bytes(range(16))
    await ws.send(blob)
    log.append(entry("client", "binary", blob))
    await expect_echo(ws, blob, log)

    # The server's protocol layer answers the ping automatically with the same
    # payload; the returned future resolves only on that matching pong.
    pong_waiter = await ws.ping("ping-1")
    log.append(entry("client", "ping", "ping-1"))
    await asyncio.wait_for(pong_waiter, 5)
    log.append(entry("server", "pong", "ping-1"))

    big = big_text()
    await ws.send(big)
    log.append(entry("client", "text", big))
    await expect_echo(ws, big, log)

    await ws.close(1000, "bye from client")
    log.append(close_entry("client", ws.protocol.close_sent))
    log.append(close_entry("server", ws.protocol.close_rcvd))


async def short(ws, log):
    for text in ("hello over IPv6", "second message"):
        await ws.send(text)
        log.append(entry("client", "text", text))
        await expect_echo(ws, text, log)
    try:
        extra = await ws.recv()
        sys.exit(f"expected the server to close, got {extra!r}")
    except ConnectionClosedOK:
        pass
    await ws.wait_closed()
    log.append(close_entry("server", ws.protocol.close_rcvd))
    log.append(close_entry("client", ws.protocol.close_sent))


async def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--uri", required=True)
    p.add_argument("--local-host", default="127.0.0.1")
    p.add_argument("--local-port", type=int, required=True)
    p.add_argument("--compression", choices=["none", "deflate"], default="none")
    p.add_argument("--scenario", choices=["full", "short"], default="full")
    p.add_argument("--expected", required=True, help="write the expected message list here")
    args = p.parse_args()

    log = []
    async with connect(
        args.uri,
        compression=None if args.compression == "none" else "deflate",
        ping_interval=None,      # no automatic keepalive pings (non-deterministic)
        proxy=None,              # never look at *_proxy environment variables
        max_size=2**20,
        local_addr=(args.local_host, args.local_port),
    ) as ws:
        extensions = [type(e).__name__ for e in ws.protocol.extensions]
        global COMPRESSED
        COMPRESSED = "PerMessageDeflate" in extensions
        if args.scenario == "full":
            await full(ws, log)
        else:
            await short(ws, log)

    doc = {
        "description": "WebSocket messages in the order the peers sent them "
                       "(lengths are of the unmasked, decompressed payload).",
        "client": (f"[{args.local_host}]" if ":" in args.local_host else args.local_host) + f":{args.local_port}",
        "server": args.uri,
        "extensions": extensions,
        "messages": log,
    }
    with open(args.expected, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(f"ws_client: {len(log)} messages, extensions={extensions}")


if __name__ == "__main__":
    asyncio.run(main())
