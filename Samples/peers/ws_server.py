#!/usr/bin/env python3
"""WebSocket echo server used by Samples/record.sh (python `websockets`, asyncio API).

Why this exists: the WebSocket samples must come from a real, independent
implementation, not from hand-made bytes. The server echoes every data message
back unchanged (the same opcode), so each message in the capture appears twice:
once masked from the client, once unmasked from the server.

--compression none     plain frames (no extension negotiated)
--compression deflate  websockets' default permessage-deflate
--close-after N        after echoing N messages the *server* starts the closing
                       handshake with 1001 "going away" (used for the IPv6 sample,
                       so one sample shows a server-initiated close)

The server runs until it gets SIGINT/SIGTERM; record.sh waits for the
listening socket with `ss` (a probe connection would show up in the capture).
"""
import argparse
import asyncio
import signal

from websockets.asyncio.server import serve


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--compression", choices=["none", "deflate"], default="none")
    p.add_argument("--close-after", type=int, default=0,
                   help="server closes with 1001 'going away' after this many echoes (0 = never)")
    return p.parse_args()


async def main():
    args = parse_args()

    async def handler(ws):
        echoed = 0
        # Iterating ends cleanly when the client completes the closing handshake.
        async for message in ws:
            # str -> text frame, bytes -> binary frame: the echo keeps the opcode.
            # A fragmented message arrives here reassembled and is echoed as one frame.
            await ws.send(message)
            echoed += 1
            if args.close_after and echoed >= args.close_after:
                await ws.close(1001, "going away")
                return

    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))

    async with serve(
        handler,
        args.host,
        args.port,
        compression=None if args.compression == "none" else "deflate",
        # No keepalive pings: they would add frames at timing-dependent places
        # and make the expected message list non-deterministic.
        ping_interval=None,
        max_size=2**20,
    ):
        await stop


if __name__ == "__main__":
    asyncio.run(main())
