#!/usr/bin/env python3
"""HTTP/1.1 server (aiohttp) for the http-keepalive sample.

Why these routes: together they give a decoder the body-framing cases of
HTTP/1.1 on one kept-alive connection (curl sends all requests on it):
  GET  /hello    200, Content-Length body (17 bytes)
  GET  /chunked  200, Transfer-Encoding: chunked, 3 chunks written with short
                 pauses so they leave in separate TCP segments
  GET  /etag     304 Not Modified when If-None-Match matches (no body)
  HEAD /hello    200 with Content-Length: 17 but no body on the wire
  POST /echo     request body (Content-Length) -> JSON response
  GET  /big      200, Content-Length 5000: one body across several segments

Every exchange is logged as the server saw it (method, uri, status, framing,
body length and sha256 of the body bytes sent) and written to --expected on
shutdown (SIGINT/SIGTERM); record.sh keeps that as http-keepalive.expected.json.
"""
import argparse
import asyncio
import hashlib
import json

from aiohttp import web

from aiohttp_serve import serve_until_signalled

HELLO = "Hello, osiscope!\n"
CHUNKS = [b"chunk one\n", b"chunk two is a bit longer\n", b"chunk three, the last one\n"]
BIG = b"".join(b"line %04d of the big body.......\n" % i for i in range(5000 // 33 + 1))[:5000]

exchanges = []


def record(request, status, body=b"", framing="content-length", request_body=b""):
    e = {
        "request": {"method": request.method, "uri": request.path_qs,
                    "body_length": len(request_body)},
        "response": {"status": status, "framing": framing, "body_length": len(body),
                     "body_sha256": hashlib.sha256(body).hexdigest()},
    }
    if request_body:
        e["request"]["body"] = request_body.decode()
    if 0 < len(body) <= 200:
        e["response"]["body"] = body.decode()
    exchanges.append(e)


async def hello(request):
    resp = web.Response(text=HELLO, content_type="text/plain")
    # aiohttp answers HEAD through the GET route with the same headers and no body.
    if request.method == "HEAD":
        record(request, 200, b"", framing="content-length (HEAD: no body)")
    else:
        record(request, 200, HELLO.encode())
    return resp


async def chunked(request):
    resp = web.StreamResponse(headers={"Content-Type": "text/plain"})
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    for chunk in CHUNKS:
        await resp.write(chunk)
        await asyncio.sleep(0.02)  # let each chunk go out in its own segment
    await resp.write_eof()
    record(request, 200, b"".join(CHUNKS), framing="chunked")
    return resp


async def etag(request):
    if request.headers.get("If-None-Match") == '"v1"':
        record(request, 304, b"", framing="none (304)")
        return web.Response(status=304, headers={"ETag": '"v1"'})
    body = b"versioned resource v1\n"
    record(request, 200, body)
    return web.Response(body=body, headers={"ETag": '"v1"'}, content_type="text/plain")


async def echo(request):
    data = await request.read()
    body = json.dumps({"received": len(data), "body": data.decode()}).encode()
    record(request, 200, body, request_body=data)
    return web.Response(body=body, content_type="application/json")


async def big(request):
    record(request, 200, BIG)
    return web.Response(body=BIG, content_type="text/plain")


async def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--expected", required=True)
    args = p.parse_args()

    app = web.Application()
    app.router.add_get("/hello", hello)  # also registers HEAD /hello
    app.router.add_get("/chunked", chunked)
    app.router.add_get("/etag", etag)
    app.router.add_post("/echo", echo)
    app.router.add_get("/big", big)

    await serve_until_signalled(app, args.host, args.port)

    with open(args.expected, "w") as f:
        json.dump({"description": "HTTP/1.1 exchanges on one kept-alive TCP connection, "
                                  "in order, as the aiohttp server handled them",
                   "requests": [e["request"] for e in exchanges],
                   "responses": [e["response"] for e in exchanges]}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    asyncio.run(main())
