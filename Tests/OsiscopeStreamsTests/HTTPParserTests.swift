import OsiscopeWire
import OsiscopeTestSupport
import Testing
@testable import OsiscopeStreams

/// Every script here runs whole, byte by byte and in random splits (`HTTPScript.run()`), and
/// must give the same events each time.
@Suite("HTTP/1.x conversation parser")
struct HTTPParserTests {
    // MARK: Persistence, pipelining, framing

    @Test("keep-alive: three exchanges on one connection (RFC 9112 §9.3)")
    func keepAliveThreeExchanges() throws {
        // RFC 9112 §3: request-line; §6.3: no Content-Length and no Transfer-Encoding -> no body.
        let request1 = "GET /one HTTP/1.1\r\nHost: example.test\r\n\r\n"
        // §6.3 rule 6: Content-Length frames the body.
        let response1 = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
        let request2 = "POST /two HTTP/1.1\r\nHost: example.test\r\nContent-Length: 5\r\n\r\nhello"
        let response2 = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
        // §9.6: "close" ends persistence after this exchange.
        let request3 = "GET /three HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n"
        let response3 = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nthree"
        let run = HTTPScript([
            .send(.client, http(request1)), .send(.server, http(response1)),
            .send(.client, http(request2)), .send(.server, http(response2)),
            .send(.client, http(request3)), .send(.server, http(response3)),
            .close(.server), .close(.client),
        ]).run()

        #expect(run.trace == [
            "head client GET", "message client 0", "head server 200", "message server 0",
            "head client POST", "message client 1", "head server 201", "message server 1",
            "head client GET", "message client 2", "head server 200", "message server 2",
        ])
        let requests = run.requests, responses = run.responses
        #expect(requests.map(\.head.method) == ["GET", "POST", "GET"])
        #expect(requests.map(\.head.uri) == ["/one", "/two", "/three"])
        #expect(requests.map(\.head.version) == ["HTTP/1.1", "HTTP/1.1", "HTTP/1.1"])
        #expect(requests.map(\.bodyLength) == [0, 5, 0])
        #expect(requests.map(\.framing) == [.none, .contentLength(5), .none])
        #expect(decoded(requests[1].body) == "hello")
        #expect(responses.map(\.head.status) == [200, 201, 200])
        #expect(responses.map(\.head.reason) == ["OK", "Created", "OK"])
        #expect(responses.map(\.bodyLength) == [3, 0, 5])
        #expect(responses.map(\.answers) == [0, 1, 2])
        #expect(responses.map(\.index) == [0, 1, 2])
        #expect(responses.map(\.keepsAlive) == [true, true, false])
        #expect(requests[0].head.headers == [HTTPHeader("Host", "example.test")])
        #expect(requests[2].head.headers == [HTTPHeader("Host", "example.test"), HTTPHeader("Connection", "close")])
        #expect(responses[2].head.headers == [HTTPHeader("Connection", "close"), HTTPHeader("Content-Length", "5")])

        // Offsets are per direction: each message starts where the previous one ended.
        let r1 = span(request1), r2 = span(request2), r3 = span(request3)
        #expect(requests.map(\.range) == [0..<r1, r1..<r1 + r2, r1 + r2..<r1 + r2 + r3])
        #expect(requests[1].head.range == r1..<r1 + r2 - 5)
        #expect(requests[1].bodyRange == r1 + r2 - 5..<r1 + r2)
        #expect(requests[0].head.startLineRange == 0..<span("GET /one HTTP/1.1\r\n"))
        #expect(requests[0].head.headerRanges == [span("GET /one HTTP/1.1\r\n")..<r1 - 2])
        let s1 = span(response1), s2 = span(response2), s3 = span(response3)
        #expect(responses.map(\.range) == [0..<s1, s1..<s1 + s2, s1 + s2..<s1 + s2 + s3])
        #expect(responses[0].bodyRange == s1 - 3..<s1)
        #expect(run.messages.allSatisfy { $0.isComplete && $0.diagnostics.isEmpty })
    }

    @Test("pipelining: three requests before any response, paired first in first out (RFC 9112 §9.3.2)")
    func pipelining() throws {
        let requests = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
            + "HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n"
            + "GET /c HTTP/1.1\r\nHost: h\r\n\r\n"
        let response1 = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\naa"
        // §6.3 rule 1: a response to HEAD has no body, whatever Content-Length says.
        let response2 = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
        // §7.1: chunked.
        let response3 = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nc\r\n0\r\n\r\n"
        let run = HTTPScript([
            .send(.client, http(requests)),
            .send(.server, http(response1 + response2 + response3)),
        ]).run()

        #expect(run.requests.map(\.head.method) == ["GET", "HEAD", "GET"])
        #expect(run.requests.map(\.head.uri) == ["/a", "/b", "/c"])
        #expect(run.responses.map(\.answers) == [0, 1, 2])
        #expect(run.responses.map(\.framing) == [.contentLength(2), .none, .chunked])
        #expect(run.responses.map(\.bodyLength) == [2, 0, 1])
        let s1 = span(response1), s2 = span(response2), s3 = span(response3)
        #expect(run.responses.map(\.range) == [0..<s1, s1..<s1 + s2, s1 + s2..<s1 + s2 + s3])
        #expect(run.responses[1].bodyRange == s1 + s2..<s1 + s2)
        #expect(run.messages.allSatisfy { $0.isComplete && $0.diagnostics.isEmpty })
    }

    @Test("chunked with extensions and a trailer (RFC 9112 §7.1, §7.1.1, §7.1.2)")
    func chunkedWithExtensionsAndTrailer() throws {
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Expires\r\n\r\n"
        // §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ).
        let chunks = "5;name=value\r\nhello\r\n"
            + "7 ; quoted=\"a;b\"\r\n, world\r\n"
            // Hex digits in either case.
            + "A\r\n, chunked!\r\n"
            // §7.1: last-chunk, then §7.1.2 trailer-section, then CRLF.
            + "0\r\nExpires: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n"
        // A chunked request body (§7.1 applies to both directions).
        let request = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        let run = HTTPScript([
            .send(.client, http(request)),
            .send(.server, http(head + chunks)),
        ]).run()

        let response = try #require(run.responses.first)
        #expect(response.framing == .chunked)
        #expect(decoded(response.body) == "hello, world, chunked!")
        #expect(response.bodyLength == 22)
        #expect(response.chunks == 3)
        #expect(response.trailers == [HTTPHeader("Expires", "Wed, 21 Oct 2015 07:28:00 GMT")])
        #expect(response.head.headers == [HTTPHeader("Transfer-Encoding", "chunked"), HTTPHeader("Trailer", "Expires")])
        #expect(response.head.range == 0..<span(head))
        #expect(response.bodyRange == span(head)..<span(head + chunks))
        #expect(response.range == 0..<span(head + chunks))
        #expect(response.isComplete && response.diagnostics.isEmpty)

        let upload = try #require(run.requests.first)
        #expect(upload.framing == .chunked)
        #expect(decoded(upload.body) == "abc")
        #expect(upload.chunks == 1)
        #expect(upload.range == 0..<span(request))
    }

    @Test("until close: a response without a length ends with the server's FIN (RFC 9112 §6.3 rule 8)")
    func untilClose() throws {
        let request = "GET / HTTP/1.0\r\n\r\n"
        let response = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nbody until close"
        let closed = HTTPScript([
            .send(.client, http(request)), .send(.server, http(response)), .close(.server),
        ]).run()
        #expect(closed.trace == ["head client GET", "message client 0", "head server 200", "message server 0"])
        let message = try #require(closed.responses.first)
        #expect(message.framing == .untilClose)
        #expect(message.isComplete)
        #expect(decoded(message.body) == "body until close")
        #expect(message.bodyLength == 16)
        #expect(message.range == 0..<span(response))
        #expect(message.answers == 0)
        // HTTP/1.0 without keep-alive: not persistent (RFC 9112 §9.3).
        #expect(!message.keepsAlive && !closed.requests[0].keepsAlive)

        // Without the FIN (the capture ended first) the body may be cut: incomplete.
        let cut = HTTPScript([
            .send(.client, http(request)), .send(.server, http(response)), .finish,
        ]).run()
        let unfinished = try #require(cut.responses.first)
        #expect(!unfinished.isComplete)
        #expect(unfinished.bodyLength == 16)
        #expect(unfinished.diagnostics.map(\.key) == ["http.message.incomplete"])
    }

    @Test("HTTP/1.0 with keep-alive reuses the connection (RFC 9112 §9.3, Appendix C.2.2)")
    func http10KeepAlive() throws {
        let request = "GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        let response = "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"
        let run = HTTPScript([
            .send(.client, http(request)), .send(.server, http(response)),
            .send(.client, http("GET /y HTTP/1.0\r\n\r\n")), .send(.server, http("HTTP/1.0 404 Not Found\r\n\r\ngone")),
            .close(.server),
        ]).run()
        #expect(run.requests.map(\.head.uri) == ["/x", "/y"])
        #expect(run.requests.map(\.keepsAlive) == [true, false])
        #expect(run.responses.map(\.head.version) == ["HTTP/1.0", "HTTP/1.0"])
        #expect(run.responses.map(\.keepsAlive) == [true, false])
        #expect(run.responses.map(\.framing) == [.contentLength(2), .untilClose])
        #expect(run.responses.map(\.answers) == [0, 1])
        #expect(run.responses[1].range == span(response)..<span(response) + span("HTTP/1.0 404 Not Found\r\n\r\ngone"))
        #expect(run.messages.allSatisfy { $0.isComplete })
    }

    @Test("HEAD, 304 and 204 responses have no body even with Content-Length (RFC 9112 §6.3 rule 1)")
    func responsesWithoutBody() throws {
        let head200 = "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n"
        let notModified = "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 42\r\n\r\n"
        let noContent = "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"
        let last = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlast"
        let run = HTTPScript([
            .send(.client, http("HEAD /hello HTTP/1.1\r\nHost: h\r\n\r\n")),
            .send(.server, http(head200)),
            .send(.client, http("GET /etag HTTP/1.1\r\nIf-None-Match: \"v1\"\r\n\r\n")),
            .send(.server, http(notModified)),
            .send(.client, http("DELETE /item HTTP/1.1\r\n\r\nGET /last HTTP/1.1\r\n\r\n")),
            .send(.server, http(noContent + last)),
        ]).run()
        // Each response is reported as soon as its head ends: nothing waits for a body.
        #expect(run.trace == [
            "head client HEAD", "message client 0", "head server 200", "message server 0",
            "head client GET", "message client 1", "head server 304", "message server 1",
            "head client DELETE", "message client 2", "head client GET", "message client 3",
            "head server 204", "message server 2", "head server 200", "message server 3",
        ])
        #expect(run.responses.map(\.head.status) == [200, 304, 204, 200])
        #expect(run.responses.map(\.framing) == [.none, .none, .none, .contentLength(4)])
        #expect(run.responses.map(\.bodyLength) == [0, 0, 0, 4])
        #expect(run.responses.map(\.answers) == [0, 1, 2, 3])
        let a = span(head200), b = span(notModified), c = span(noContent)
        #expect(run.responses.map(\.range) == [0..<a, a..<a + b, a + b..<a + b + c, a + b + c..<a + b + c + span(last)])
        #expect(run.responses[1].head.headers == [HTTPHeader("ETag", "\"v1\""), HTTPHeader("Content-Length", "42")])
    }

    @Test("100 Continue: the interim and the final response answer the same request (RFC 9110 §10.1.1, §15.2.1)")
    func continueInterimResponse() throws {
        let head = "PUT /upload HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"
        let interim = "HTTP/1.1 100 Continue\r\n\r\n"
        let final = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
        let run = HTTPScript([
            .send(.client, http(head)), .send(.server, http(interim)),
            .send(.client, http("data")), .send(.server, http(final)),
        ]).run()
        #expect(run.trace == [
            "head client PUT", "head server 100", "message server 0", "message client 0",
            "head server 201", "message server 1",
        ])
        #expect(run.responses.map(\.head.status) == [100, 201])
        #expect(run.responses.map(\.answers) == [0, 0])
        #expect(run.responses.map(\.range) == [0..<span(interim), span(interim)..<span(interim + final)])
        #expect(decoded(run.requests[0].body) == "data")
        #expect(run.requests[0].range == 0..<span(head) + 4)
    }

    // MARK: Switching protocols

    /// RFC 6455 §1.2's opening handshake.
    static let webSocketRequest = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    static let switching = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
    /// RFC 6455 §5.7: a single-frame unmasked text message "Hello"…
    static let serverFrame: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
    /// … and the masked one a client sends.
    static let clientFrame: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]

    @Test("101 Switching Protocols hands the bytes after the head to the new protocol (RFC 9110 §15.2.2)")
    func webSocketUpgrade() throws {
        // A binary frame whose payload looks like HTTP: it must not be parsed as a response.
        let lookalike: [UInt8] = [0x82, 0x13] + http("HTTP/1.1 200 OK\r\n\r\n")
        let run = HTTPScript([
            .send(.client, http(Self.webSocketRequest)),
            // The first frame travels in the same segment as the 101.
            .send(.server, http(Self.switching) + Self.serverFrame),
            .send(.client, Self.clientFrame),
            .send(.server, lookalike),
            .close(.client), .close(.server), .finish,
        ]).run()

        #expect(run.trace == [
            "head client GET", "message client 0", "head server 101", "message server 0", "upgraded upgrade",
        ])
        let upgrade = try #require(run.upgrades.first)
        #expect(upgrade.kind == .upgrade)
        #expect(upgrade.protocolName == "websocket")
        #expect(upgrade.clientOffset == span(Self.webSocketRequest))
        #expect(upgrade.serverOffset == span(Self.switching))
        #expect(upgrade.request?.head.uri == "/chat")
        #expect(upgrade.request?.head.headers.values("Sec-WebSocket-Key") == ["dGhlIHNhbXBsZSBub25jZQ=="])
        #expect(upgrade.response.head.status == 101)
        #expect(upgrade.response.answers == 0)
        #expect(upgrade.response.range == 0..<span(Self.switching))
        #expect(upgrade.response.diagnostics.isEmpty)
        // Everything from the offsets on went to the new protocol, byte for byte.
        #expect(run.handedOver[.server] == Self.serverFrame + lookalike)
        #expect(run.handedOver[.client] == Self.clientFrame)
    }

    @Test("bytes the client sends right after an Upgrade request wait for the answer")
    func upgradeHoldsClientBytes() throws {
        // Client bytes sent before the 101 arrives (as h2c clients may): held, then handed over.
        let run = HTTPScript([
            .send(.client, http(Self.webSocketRequest) + Self.clientFrame),
            .send(.server, http(Self.switching)),
        ]).run()
        #expect(run.trace == [
            "head client GET", "message client 0", "head server 101", "message server 0", "upgraded upgrade",
        ])
        let upgrade = try #require(run.upgrades.first)
        #expect(upgrade.clientOffset == span(Self.webSocketRequest))
        #expect(run.handedOver[.client] == Self.clientFrame)
        #expect(run.handedOver[.server, default: []].isEmpty)
    }

    @Test("the client's FIN while it waits for the answer does not stop the upgrade")
    func clientClosesBeforeSwitch() throws {
        let run = HTTPScript([
            .send(.client, http(Self.webSocketRequest)),
            .close(.client),
            .send(.server, http(Self.switching) + Self.serverFrame),
            .close(.server), .finish,
        ]).run()
        #expect(run.trace == [
            "head client GET", "message client 0", "head server 101", "message server 0", "upgraded upgrade",
        ])
        #expect(run.handedOver[.server] == Self.serverFrame)

        // No answer at all: the server's FIN ends the wait, and the request is reported unanswered.
        var parser = HTTPConversationParser()
        _ = parser.feed(http(Self.webSocketRequest + "GET /after HTTP/1.1\r\n\r\n")[...], from: .client, at: 0)
        #expect(parser.unansweredRequests == [0])
        let events = parser.close(from: .server)
        #expect(events.count == 3)
        #expect(events.last == .diagnostic(StreamDiagnostic(
            .note, "http.request.unanswered",
            "2 request(s) got no response before the server closed the connection (request 0, 1)"), .client))
        #expect(!parser.hasSwitchedProtocol && !parser.isNotHTTP)
    }

    @Test("an Upgrade refused with a final response: the held bytes are HTTP after all")
    func upgradeDeclined() throws {
        let refused = "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n"
        let next = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        let run = HTTPScript([
            .send(.client, http("GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nGET /next HTTP/1.1\r\n\r\n")),
            .send(.server, http(refused + next)),
        ]).run()
        #expect(run.trace == [
            "head client GET", "message client 0", "head server 426", "message server 0",
            "head client GET", "message client 1", "head server 200", "message server 1",
        ])
        #expect(run.requests.map(\.head.uri) == ["/chat", "/next"])
        #expect(run.responses.map(\.answers) == [0, 1])
        #expect(run.upgrades.isEmpty)
    }

    @Test("CONNECT answered 2xx turns the connection into a tunnel (RFC 9110 §9.3.6)")
    func connectTunnel() throws {
        let connect = "CONNECT server.example.com:443 HTTP/1.1\r\nHost: server.example.com:443\r\n\r\n"
        let established = "HTTP/1.1 200 Connection Established\r\n\r\n"
        let clientHello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03]
        let serverHello: [UInt8] = [0x16, 0x03, 0x03, 0x00, 0x02, 0x02, 0x00]
        let run = HTTPScript([
            .send(.client, http(connect)), .send(.server, http(established)),
            .send(.client, clientHello), .send(.server, serverHello), .close(.server),
        ]).run()
        #expect(run.trace == [
            "head client CONNECT", "message client 0", "head server 200", "message server 0", "upgraded tunnel",
        ])
        let tunnel = try #require(run.upgrades.first)
        #expect(tunnel.protocolName == nil)
        #expect(tunnel.request?.head.uri == "server.example.com:443")
        #expect(tunnel.clientOffset == span(connect))
        #expect(tunnel.serverOffset == span(established))
        #expect(run.handedOver[.client] == clientHello)
        #expect(run.handedOver[.server] == serverHello)

        // Refused (407): still HTTP.
        let refused = HTTPScript([
            .send(.client, http(connect)),
            .send(.server, http("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 2\r\n\r\nno")),
            .send(.client, http("GET / HTTP/1.1\r\n\r\n")),
        ]).run()
        #expect(refused.upgrades.isEmpty)
        #expect(refused.requests.map(\.head.method) == ["CONNECT", "GET"])
        #expect(refused.responses.map(\.bodyLength) == [2])
    }

    // MARK: Content codings

    /// `printf 'hello' | gzip -n | xxd -i` (RFC 1952).
    static let gzipHello: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xCB, 0x48,
        0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x86, 0xA6, 0x10, 0x36, 0x05, 0x00, 0x00, 0x00,
    ]
    /// Python's `zlib.compress(b'hello')` (RFC 1950, what "deflate" means in HTTP, RFC 9110 §8.4.1.2).
    static let zlibHello: [UInt8] = [0x78, 0x9C, 0xCB, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x06, 0x2C, 0x02, 0x15]
    /// The same without the zlib wrapper (raw DEFLATE, RFC 1951), as some servers send "deflate".
    static let rawHello: [UInt8] = [0xCB, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]

    static func encoded(_ coding: String, _ body: [UInt8]) -> [UInt8] {
        http("HTTP/1.1 200 OK\r\nContent-Encoding: \(coding)\r\nContent-Length: \(body.count)\r\n\r\n") + body
    }

    @Test("gzip and deflate bodies are decoded, with a cap (RFC 9110 §8.4.1)")
    func contentEncodings() throws {
        func response(_ payload: [UInt8], options: HTTPParserOptions = HTTPParserOptions()) throws -> HTTPMessage {
            let run = HTTPScript([.send(.client, http("GET / HTTP/1.1\r\n\r\n")), .send(.server, payload)],
                                 options: options).run()
            return try #require(run.responses.first)
        }
        let gzip = try response(Self.encoded("gzip", Self.gzipHello))
        #expect(decoded(gzip.decodedBody) == "hello")
        #expect(gzip.body == Self.gzipHello && gzip.bodyLength == 25)
        #expect(gzip.diagnostics.isEmpty)

        let deflate = try response(Self.encoded("deflate", Self.zlibHello))
        #expect(decoded(deflate.decodedBody) == "hello")
        #expect(deflate.diagnostics.isEmpty)

        let raw = try response(Self.encoded("deflate", Self.rawHello))
        #expect(decoded(raw.decodedBody) == "hello")
        #expect(raw.diagnostics.map(\.key) == ["http.content_encoding.raw_deflate"])

        var small = HTTPParserOptions()
        small.maxDecodedBodyBytes = 3
        let capped = try response(Self.encoded("gzip", Self.gzipHello), options: small)
        #expect(decoded(capped.decodedBody) == "hel")
        #expect(capped.diagnostics.map(\.key) == ["http.content_encoding.limit"])

        let broken = try response(Self.encoded("gzip", [0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x03, 0xFF, 0xFF]))
        #expect(broken.decodedBody == nil)
        #expect(broken.diagnostics.map(\.key) == ["http.content_encoding.invalid"])

        let brotli = try response(Self.encoded("br", [0x0B, 0x02, 0x80]))
        #expect(brotli.decodedBody == nil)
        #expect(brotli.diagnostics.map(\.key) == ["http.content_encoding.unsupported"])

        var off = HTTPParserOptions()
        off.decodeContentEncoding = false
        let undecoded = try response(Self.encoded("gzip", Self.gzipHello), options: off)
        #expect(undecoded.decodedBody == nil && undecoded.diagnostics.isEmpty)
    }

    // MARK: Capture gaps

    @Test("a gap across the end of a body: the message ends incomplete, the parser finds the next request")
    func gapThenResynchronisation() throws {
        let head = "POST /upload HTTP/1.1\r\nContent-Length: 20\r\n\r\n"
        // Lost: the last 10 body bytes and the 20-byte start line "GET /lost HTTP/1.1\r\n".
        let rest = "Host: x\r\n\r\n"
        let found = "GET /found HTTP/1.1\r\nHost: x\r\n\r\n"
        let run = HTTPScript([
            .send(.client, http(head + "0123456789")),
            .lose(.client, 30),
            .send(.client, http(rest + found)),
            .send(.server, http("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")),
            .send(.server, http("HTTP/1.1 204 No Content\r\n\r\n")),
        ]).run()
        #expect(run.trace == [
            "head client POST", "message client 0", "diagnostic client http.resync",
            "head client GET", "message client 1",
            "head server 200", "message server 0", "head server 204", "message server 1",
        ])
        let upload = run.requests[0]
        let gapStart = span(head) + 10
        #expect(!upload.isComplete)
        #expect(upload.bodyLength == 20)
        #expect(decoded(upload.body) == "0123456789")
        #expect(upload.range == 0..<span(head) + 20)
        #expect(upload.diagnostics == [StreamDiagnostic(.warning, "http.gap", "30 bytes were not captured",
                                                        streamRange: gapStart..<gapStart + 30)])
        let resumeAt = gapStart + 30
        #expect(run.diagnostics.first?.streamRange == resumeAt..<resumeAt + span(rest))
        let next = run.requests[1]
        #expect(next.head.uri == "/found" && next.isComplete)
        #expect(next.range == resumeAt + span(rest)..<resumeAt + span(rest + found))
        // FIFO pairing cannot know a request was lost: the responses say the pairing is uncertain.
        #expect(run.responses.map(\.answers) == [0, 1])
        #expect(run.responses.allSatisfy { $0.diagnostics.map(\.key) == ["http.pairing.uncertain"] })
    }

    /// Samples/http-keepalive.pcap without packet 9 (the whole chunked response to GET /chunked):
    /// without this rule every later response was paired with the request before its own, and the
    /// response to HEAD was read as having a body, swallowing the next response.
    @Test("a response lost whole between messages: the next one answers the next request")
    func responseLostBetweenMessages() throws {
        let lost = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
        let run = HTTPScript([
            .send(.client, http("GET /a HTTP/1.1\r\n\r\nGET /lost HTTP/1.1\r\n\r\nHEAD /c HTTP/1.1\r\n\r\nGET /d HTTP/1.1\r\n\r\n")),
            .send(.server, http("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx")),
            .lose(.server, span(lost)),
            .send(.server, http("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n")),
            .send(.server, http("HTTP/1.1 204 No Content\r\n\r\n")),
            .finish,
        ]).run()
        #expect(run.responses.map(\.answers) == [0, 2, 3])
        #expect(run.responses.map { $0.head.status } == [200, 200, 204])
        #expect(run.responses.map(\.isComplete) == [true, true, true])
        #expect(run.responses.dropFirst().allSatisfy { $0.diagnostics.map(\.key) == ["http.pairing.uncertain"] })
    }

    /// The lost bytes run past the end the Content-Length announced: the next response began in them.
    @Test("a gap past the end of a framed response: the response after it was lost too")
    func gapPastTheEndOfAFramedResponse() throws {
        let run = HTTPScript([
            .send(.client, http("GET /a HTTP/1.1\r\n\r\nGET /lost HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\n")),
            .send(.server, http("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234")),
            .lose(.server, 5 + span("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")),
            .send(.server, http("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")),
            .finish,
        ]).run()
        #expect(run.responses.map(\.answers) == [0, 2])
        #expect(run.responses.map { $0.head.status } == [200, 201])
    }

    @Test("a gap inside a Content-Length body keeps the framing")
    func gapInsideBody() throws {
        let head = "POST /upload HTTP/1.1\r\nContent-Length: 20\r\n\r\n"
        let run = HTTPScript([
            .send(.client, http(head + "0123456789")),
            .lose(.client, 5),
            .send(.client, http("ABCDE" + "GET /next HTTP/1.1\r\n\r\n")),
            .send(.server, http("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")),
        ]).run()
        #expect(run.trace == [
            "head client POST", "message client 0", "head client GET", "message client 1",
            "head server 200", "message server 0", "head server 200", "message server 1",
        ])
        let upload = run.requests[0]
        #expect(!upload.isComplete)
        #expect(upload.bodyLength == 20)
        #expect(decoded(upload.body) == "0123456789")
        #expect(upload.range == 0..<span(head) + 20)
        #expect(upload.diagnostics.map(\.key) == ["http.gap"])
        #expect(run.requests[1].isComplete && run.requests[1].range.lowerBound == span(head) + 20)
        #expect(run.responses.map(\.answers) == [0, 1])
        #expect(run.responses.allSatisfy { $0.diagnostics.isEmpty })
    }

    @Test("a gap between messages, and feeds that skip ahead or repeat bytes")
    func gapBetweenMessagesAndOffsets() throws {
        var parser = HTTPConversationParser()
        let first = http("GET /a HTTP/1.1\r\n\r\n")
        #expect(parser.feed(first[...], from: .client, at: 0).count == 2)
        // The same bytes again (a retransmission the reassembler let through): nothing new.
        #expect(parser.feed(first[...], from: .client, at: 0).isEmpty)
        // Bytes 19..<29 never fed: a gap between messages, then the parser looks for a request line.
        let next = http("tail\r\nGET /b HTTP/1.1\r\n\r\n")
        let events = parser.feed(next[...], from: .client, at: span("GET /a HTTP/1.1\r\n\r\n") + 10)
        let start = span("GET /a HTTP/1.1\r\n\r\n")
        #expect(events.count == 4)
        #expect(events.first == .diagnostic(StreamDiagnostic(
            .warning, "http.gap", "10 bytes were not captured", streamRange: start..<start + 10), .client))
        #expect(events.dropFirst().first == .diagnostic(StreamDiagnostic(
            .note, "http.resync", "skipped 6 bytes to the next request", streamRange: start + 10..<start + 16), .client))
        guard case .message(let message) = events.last else { Issue.record("no message"); return }
        #expect(message.head.uri == "/b")
        #expect(message.index == 1)
    }

    @Test("a capture that starts in the middle of a connection")
    func midStream() throws {
        let run = HTTPScript([
            .send(.client, http("of a body\r\nGET /seen HTTP/1.1\r\n\r\n")),
            .send(.server, http("se body\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")),
        ], startsMidStream: true).run()
        #expect(run.trace == [
            "diagnostic client http.resync", "head client GET", "message client 0",
            "diagnostic server http.resync", "head server 200", "message server 0",
        ])
        #expect(run.requests[0].range.lowerBound == span("of a body\r\n"))
        #expect(run.responses[0].answers == 0)
    }

    // MARK: Damage and limits

    @Test("garbage between messages is reported and skipped")
    func garbage() throws {
        let first = "GET /a HTTP/1.1\r\n\r\n"
        let bad = "\u{01}\u{02}garbage line\r\n"
        let junk = "more junk\r\nget lowercase / HTTP/1.1\r\n"
        let run = HTTPScript([
            .send(.client, http(first + bad + junk + "GET /b HTTP/1.1\r\n\r\n")),
            .send(.server, http("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")),
            .close(.server),
        ]).run()
        #expect(run.trace == [
            "head client GET", "message client 0",
            "diagnostic client http.request.invalid", "diagnostic client http.resync",
            "head client GET", "message client 1",
            "head server 200", "message server 0",
            "diagnostic server http.response.invalid", "head server 200", "message server 1",
        ])
        let invalid = run.diagnostics[0]
        #expect(invalid.streamRange == span(first)..<span(first + bad))
        #expect(invalid.severity == .error)
        #expect(invalid.message.contains("\\x01\\x02garbage line"))
        #expect(run.diagnostics[1].streamRange == span(first + bad)..<span(first + bad + junk))
        #expect(run.requests[1].head.uri == "/b")
        #expect(run.responses.map(\.answers) == [0, 1])
    }

    @Test("a connection that is not HTTP is reported once and ignored", arguments: [
        // A TLS ClientHello record header (RFC 8446 §5.1).
        [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] as [UInt8],
        http("SSH-2.0-OpenSSH_9.2\r\n"),
        // HTTP/2 with prior knowledge: the connection preface (RFC 9113 §3.4).
        http("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        http("EHLO client.example\r\n"),
    ])
    func notHTTP(_ first: [UInt8]) throws {
        let run = HTTPScript([
            .send(.client, first),
            .send(.server, http("HTTP/1.1 200 OK\r\n\r\n") + [0x16, 0x03, 0x03]),
            .send(.client, http("GET / HTTP/1.1\r\n\r\n")),
            .close(.client), .close(.server), .finish,
        ]).run()
        #expect(run.events == [.diagnostic(StreamDiagnostic(
            .note, "http.not_http",
            "the client's first bytes are not an HTTP/1.x request line: this connection is not decoded as HTTP",
            streamRange: 0..<1), .client)])
    }

    @Test("a server that speaks first, and not HTTP")
    func serverBanner() throws {
        let run = HTTPScript([
            .send(.server, http("220 mail.example ESMTP\r\n")),
            .send(.client, http("GET / HTTP/1.1\r\n\r\n")),
        ]).run()
        #expect(run.trace == ["diagnostic server http.not_http"])
    }

    @Test("a head over the limit is a diagnostic, not unbounded buffering")
    func headOverLimit() throws {
        let start = "GET /big HTTP/1.1\r\n"
        let huge = start + "X-Filler: " + String(repeating: "a", count: 70_000) + "\r\n\r\n"
        let after = "GET /after HTTP/1.1\r\n\r\n"
        let run = HTTPScript([.send(.client, http(huge + after))]).run()
        #expect(run.trace == [
            "message client 0", "diagnostic client http.resync", "head client GET", "message client 1",
        ])
        let big = run.requests[0]
        #expect(!big.isComplete)
        #expect(big.head.uri == "/big")
        #expect(big.range == 0..<65_536)
        #expect(big.diagnostics.map(\.key) == ["http.head.too_large"])
        #expect(run.diagnostics[0].streamRange == 65_536..<span(huge))
        #expect(run.requests[1].head.uri == "/after")
        #expect(run.requests[1].range == span(huge)..<span(huge + after))

        // Fed byte by byte, the parser never holds more than the limit.
        var parser = HTTPConversationParser()
        var most = 0
        for (offset, byte) in http(huge).enumerated() {
            _ = parser.feed([byte][...], from: .client, at: Int64(offset))
            most = max(most, parser.bufferedBytes)
        }
        #expect(most <= 65_536)
    }

    @Test("a start line longer than a small limit")
    func startLineOverLimit() throws {
        var options = HTTPParserOptions()
        options.maxHeadBytes = 32
        let long = "GET /" + String(repeating: "x", count: 60) + " HTTP/1.1\r\n\r\n"
        let run = HTTPScript([.send(.client, http(long + "GET / HTTP/1.1\r\n\r\n"))], options: options).run()
        #expect(run.trace == [
            "diagnostic client http.head.too_large", "diagnostic client http.resync",
            "head client GET", "message client 0",
        ])
        #expect(run.diagnostics[0].streamRange == 0..<32)
        #expect(run.diagnostics[1].streamRange == 32..<span(long))
    }

    @Test("header fields past the count limit are counted, not kept")
    func headerCountLimit() throws {
        var options = HTTPParserOptions()
        options.maxHeaderCount = 10
        let head = "GET /many HTTP/1.1\r\n" + (0..<25).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        let run = HTTPScript([.send(.client, http(head))], options: options).run()
        let request = try #require(run.requests.first)
        #expect(request.head.headers.count == 10)
        #expect(request.head.headers.last == HTTPHeader("X-9", "v"))
        #expect(request.diagnostics.map(\.key) == ["http.headers.too_many"])
        #expect(request.diagnostics.first?.message == "more than 10 header fields: the later ones are not kept")
        #expect(request.isComplete)
    }

    @Test("bare LF line endings are tolerated with a diagnostic (RFC 9112 §2.2)")
    func bareLF() throws {
        let run = HTTPScript([
            .send(.client, http("GET /lf HTTP/1.1\nHost: x\n\n")),
            .send(.server, http("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n")),
        ]).run()
        #expect(run.requests[0].head.headers == [HTTPHeader("Host", "x")])
        #expect(run.requests[0].range == 0..<span("GET /lf HTTP/1.1\nHost: x\n\n"))
        #expect(run.requests[0].diagnostics.map(\.key) == ["http.line.bare_lf"])
        #expect(run.requests[0].diagnostics.first?.streamRange == 0..<span("GET /lf HTTP/1.1\n"))
        #expect(decoded(run.responses[0].body) == "ok")
        #expect(run.responses[0].diagnostics.map(\.key) == ["http.line.bare_lf"])
        #expect(run.messages.allSatisfy { $0.isComplete })
    }

    @Test("obsolete line folding joins the continuation with one space (RFC 9112 §5.2)")
    func obsoleteLineFolding() throws {
        let start = "GET / HTTP/1.1\r\n"
        let folded = "X-Folded: first\r\n  \tsecond\r\n"
        let run = HTTPScript([.send(.client, http(start + folded + "Host: x\r\n\r\n"))]).run()
        let head = try #require(run.requests.first?.head)
        #expect(head.headers == [HTTPHeader("X-Folded", "first second"), HTTPHeader("Host", "x")])
        #expect(head.headerRanges[0] == span(start)..<span(start + folded))
        #expect(run.requests[0].diagnostics.map(\.key) == ["http.header.obs_fold"])
    }

    @Test("malformed header lines are reported and skipped (RFC 9112 §5.1)")
    func malformedHeaders() throws {
        let run = HTTPScript([
            .send(.client, http("GET / HTTP/1.1\r\nNo colon here\r\nHost : x\r\nBad Name: y\r\nOK: z\r\n\r\n")),
        ]).run()
        let request = try #require(run.requests.first)
        #expect(request.head.headers == [HTTPHeader("Host", "x"), HTTPHeader("OK", "z")])
        #expect(request.head.headerRanges.count == 2)
        #expect(request.diagnostics.map(\.key) == ["http.header.invalid", "http.header.invalid", "http.header.invalid"])
    }

    @Test("an invalid Content-Length ends the message and the parser resynchronises (RFC 9112 §6.3 rule 5)")
    func invalidContentLength() throws {
        let bad = "POST /x HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n"
        let conflicting = "POST /y HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
        let repeated = "POST /z HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\nzz"
        let run = HTTPScript([.send(.client, http(bad + conflicting + repeated))]).run()
        #expect(run.requests.map(\.head.uri) == ["/x", "/y", "/z"])
        #expect(run.requests.map(\.isComplete) == [false, false, true])
        #expect(run.requests[0].diagnostics.map(\.key) == ["http.content_length.invalid"])
        #expect(run.requests[0].diagnostics.first?.streamRange
            == span("POST /x HTTP/1.1\r\n")..<span("POST /x HTTP/1.1\r\nContent-Length: 12abc\r\n"))
        #expect(run.requests[1].diagnostics.map(\.key) == ["http.content_length.invalid"])
        #expect(run.requests[2].framing == .contentLength(2))
        #expect(decoded(run.requests[2].body) == "zz")
        #expect(run.requests[2].range == span(bad + conflicting)..<span(bad + conflicting + repeated))
    }

    @Test("an invalid chunk size ends the message and the parser resynchronises (RFC 9112 §7.1)")
    func invalidChunkSize() throws {
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        let good = "3\r\nabc\r\n"
        let run = HTTPScript([
            .send(.client, http("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n")),
            .send(.server, http(head + good + "zz\r\nabc\r\n0\r\n\r\n" + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1")),
            // A chunk whose data is longer than its size says.
            .send(.server, http(head + "2\r\nabc\r\n" + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n3")),
        ]).run()
        #expect(run.responses.map(\.isComplete) == [false, true, false, true])
        let broken = run.responses[0]
        #expect(broken.diagnostics.map(\.key) == ["http.chunk_size.invalid"])
        #expect(broken.diagnostics.first?.streamRange == span(head + good)..<span(head + good + "zz\r\n"))
        #expect(broken.range == 0..<span(head + good))
        #expect(decoded(broken.body) == "abc")
        #expect(run.responses[2].diagnostics.map(\.key) == ["http.chunk.missing_crlf"])
        #expect(run.responses.map(\.answers) == [0, 1, 2, nil])
        #expect(run.responses[3].diagnostics.map(\.key) == ["http.response.unsolicited"])
    }

    @Test("Transfer-Encoding wins over Content-Length, with a warning (RFC 9112 §6.3 rule 3)")
    func transferEncodingAndContentLength() throws {
        let run = HTTPScript([
            .send(.client, http("POST / HTTP/1.1\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n")),
            // chunked not last in a request: the length cannot be known (rule 4).
            .send(.client, http("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nGET /ok HTTP/1.1\r\n\r\n")),
        ]).run()
        #expect(run.requests.map(\.isComplete) == [true, false, true])
        #expect(run.requests[0].framing == .chunked && decoded(run.requests[0].body) == "x")
        #expect(run.requests[0].diagnostics.map(\.key) == ["http.content_length.ignored"])
        #expect(run.requests[1].diagnostics.map(\.key) == ["http.transfer_encoding.invalid"])
        #expect(run.requests[2].head.uri == "/ok")

        // A response whose transfer coding is not chunked runs until the close (rule 4).
        let response = HTTPScript([
            .send(.client, http("GET / HTTP/1.1\r\n\r\n")),
            .send(.server, http("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nbytes")),
            .close(.server),
        ]).run()
        #expect(response.responses.map(\.framing) == [.untilClose])
        #expect(response.responses.map(\.bodyLength) == [5])
    }

    @Test("bodies are kept up to a limit and counted beyond it")
    func bodyKeptLimit() throws {
        var options = HTTPParserOptions()
        options.maxBodyBytesKept = 4
        let run = HTTPScript([
            .send(.client, http("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789")),
        ], options: options).run()
        let request = try #require(run.requests.first)
        #expect(decoded(request.body) == "0123")
        #expect(request.bodyLength == 10)
        #expect(request.isComplete)
        #expect(request.diagnostics.map(\.key) == ["http.body.truncated"])
    }

    @Test("bytes held after an Upgrade request are bounded")
    func heldBytesBounded() throws {
        var options = HTTPParserOptions()
        options.maxBufferedBytes = 16
        let run = HTTPScript([
            .send(.client, http("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET /plain HTTP/1.1\r\n\r\n")),
        ], options: options).run()
        #expect(run.trace == [
            "head client GET", "message client 0", "diagnostic client http.upgrade.unanswered",
            "head client GET", "message client 1",
        ])
    }

    @Test("requests left without a response are reported when the server closes")
    func unansweredRequests() throws {
        let run = HTTPScript([
            .send(.client, http("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n")),
            .send(.server, http("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")),
            .close(.server),
        ]).run()
        #expect(run.diagnostics.map(\.key) == ["http.request.unanswered"])
        #expect(run.diagnostics.first?.message.contains("request 1") == true)
    }

    @Test("a message cut by the end of the stream is incomplete")
    func streamEndsEarly() throws {
        let run = HTTPScript([
            .send(.client, http("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n01234")),
            .send(.server, http("HTTP/1.1 200 OK\r\nConte")),
            .close(.client), .close(.server),
        ]).run()
        #expect(run.requests.map(\.isComplete) == [false])
        #expect(run.requests[0].bodyLength == 5)
        #expect(run.requests[0].diagnostics.map(\.key) == ["http.message.incomplete"])
        #expect(run.responses.map(\.isComplete) == [false])
        #expect(run.responses[0].range == 0..<span("HTTP/1.1 200 OK\r\nConte"))
        #expect(run.heads.count == 1)
    }
}
