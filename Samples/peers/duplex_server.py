#!/usr/bin/env python3
"""websockets server of websocket-duplex (python `websockets`, asyncio API, no extensions).

On /duplex?t0=T both peers do the same thing at the same moments (T is the client's
time.monotonic() a little after the handshake; the clock is shared by the processes in
record.sh's network namespace):
  - at T + 100 ms each sends COUNT large text messages at once (SIZE bytes each,
    {"from":..., "n":..., "pad":"sss..."}), without waiting for the other side;
  - each reads slowly: message k no earlier than T + 100 ms + k * 30 ms.
Both sockets have a small receive buffer (SO_RCVBUF 4096, set before listen/connect) and
max_queue=0 (websockets stops reading the socket while a received message waits for the
program), so the kernel cannot take a waiting message in: TCP flow control holds each
message back until the reader wants the one before it, and both directions' messages are
in flight (sent, not yet acknowledged) at the same time.
Logs what it sent and received to --log on shutdown (SIGINT/SIGTERM).
"""
import argparse
import asyncio
import json
import signal
import socket
import time

from websockets.asyncio.server import serve

COUNT, SIZE = 4, 30000
START, READ_EVERY = 0.100, 0.030
RCVBUF = 4096
# The options both peers give websockets: plain frames, no keepalive pings (they would add
# frames at timing-dependent places), stop reading while one received message waits.
WS_OPTIONS = dict(compression=None, ping_interval=None, max_queue=0, max_size=2**20)


def message(side, n):
    head = json.dumps({"from": side, "n": n, "pad": ""}, separators=(",", ":"))[:-2]
    return head + side[0] * (SIZE - len(head) - 2) + '"}'


async def until(when):
    """Sleep until time.monotonic() == when; spin the last 3 ms so both peers act on time."""
    await asyncio.sleep(max(0.0, when - time.monotonic() - 0.003))
    while time.monotonic() < when:
        pass


async def duplex(ws, side, t0, log):
    """Send COUNT messages at t0 + START and read the other side's COUNT slowly."""
    async def sender():
        await until(t0 + START)
        for n in range(1, COUNT + 1):
            text = message(side, n)
            await ws.send(text)
            log["sent"].append({"t": round(time.monotonic() - t0, 4), "n": n, "length": len(text)})

    async def receiver():
        for k in range(1, COUNT + 1):
            await until(t0 + START + k * READ_EVERY)
            text = await ws.recv()
            log["received"].append({"t": round(time.monotonic() - t0, 4), "n": json.loads(text)["n"],
                                    "length": len(text)})

    await asyncio.gather(sender(), receiver())


async def main(args):
    log = {"sent": [], "received": []}

    async def handler(ws):
        path, _, query = ws.request.path.partition("?")
        if path != "/duplex" or not query.startswith("t0="):
            await ws.close(1008, "not /duplex?t0=")
            return
        await duplex(ws, "server", float(query[3:]), log)
        # The client closes (1000) once it has sent and received everything.
        await ws.wait_closed()
        log["close_code"] = ws.close_code

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)  # accepted sockets inherit it
    sock.bind(("127.0.0.1", args.port))
    sock.listen()
    sock.setblocking(False)

    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    async with serve(handler, sock=sock, **WS_OPTIONS):
        await stop
    with open(args.log, "w") as f:
        json.dump(log, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    asyncio.run(main(p.parse_args()))
