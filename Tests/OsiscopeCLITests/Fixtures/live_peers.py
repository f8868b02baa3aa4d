"""A WebSocket echo server and a client on loopback, for the live-capture test: the client sends
each message given on the command line (permessage-deflate on, as the websockets library does by
default), waits for its echo, then closes. Prints each message as it is echoed.

    python3 live_peers.py PORT MESSAGE...
"""
import asyncio
import sys

import websockets


async def echo(websocket, path=None):
    async for message in websocket:
        await websocket.send(message)


async def main(port, messages):
    async with websockets.serve(echo, "127.0.0.1", port):
        async with websockets.connect(f"ws://127.0.0.1:{port}/live") as client:
            for message in messages:
                await client.send(message)
                assert await client.recv() == message
                print("echoed", message, flush=True)
                await asyncio.sleep(0.05)


asyncio.run(main(int(sys.argv[1]), sys.argv[2:]))
