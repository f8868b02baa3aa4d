"""What every aiohttp peer of record.sh does around its handlers.

record.sh stops a server with SIGINT or SIGTERM once the client has finished, and reads the
server's log afterwards; so a server serves until one of those signals, shuts its connections
down cleanly (each TCP connection then ends with FINs in the capture), and only then writes
its log.
"""
import asyncio
import json
import signal

from aiohttp import web


async def serve_until_signalled(app, host, port):
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def write_log(path, log):
    with open(path, "w") as f:
        json.dump(log, f, indent=2)
        f.write("\n")
