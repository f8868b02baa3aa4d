import OsiscopeWire
import Foundation
import Testing
@testable import OsiscopeStreams

/// Real traffic: Samples/http-keepalive.pcap (curl against aiohttp, six exchanges on one
/// connection), checked against the server's own log, Samples/http-keepalive.expected.json.
@Suite("HTTP parser on Samples/http-keepalive.pcap")
struct HTTPKeepaliveSampleTests {
    struct Expected: Decodable {
        struct Request: Decodable {
            var method: String
            var uri: String
            var body_length: Int
            var body: String?
        }

        struct Response: Decodable {
            var status: Int
            var framing: String
            var body_length: Int
            var body: String?
        }

        var requests: [Request]
        var responses: [Response]
    }

    static func expected() throws -> Expected {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = root.appendingPathComponent("Samples/http-keepalive.expected.json")
        return try JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }

    /// The segments as the integration layer would feed them, then the client's FIN and the server's.
    static func script() throws -> HTTPScript {
        var steps: [HTTPStep] = []
        var next: [Direction: Int64] = [.client: 0, .server: 0]
        for segment in HTTPKeepaliveFixture.segments {
            let hex = segment.hex.filter(\.isHexDigit)
            var payload: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex {
                let end = hex.index(index, offsetBy: 2)
                payload.append(try #require(UInt8(hex[index..<end], radix: 16)))
                index = end
            }
            // No loss and no retransmission in this capture: each segment follows the previous one.
            #expect(segment.seq - 1 == next[segment.from], "packet \(segment.packet)")
            next[segment.from]! += Int64(payload.count)
            steps.append(.send(segment.from, payload))
        }
        return HTTPScript(steps + [.close(.client), .close(.server)])
    }

    @Test("six exchanges, exactly as the server logged them")
    func sixExchanges() throws {
        let expected = try Self.expected()
        let run = try Self.script().run()

        #expect(run.requests.count == 6)
        #expect(run.responses.count == 6)
        #expect(run.heads.count == 12)
        #expect(run.diagnostics.isEmpty)
        #expect(run.upgrades.isEmpty)
        for (request, wanted) in zip(run.requests, expected.requests) {
            #expect(request.head.method == wanted.method)
            #expect(request.head.uri == wanted.uri)
            #expect(request.head.version == "HTTP/1.1")
            #expect(request.bodyLength == wanted.body_length)
            #expect(decoded(request.body) == (wanted.body ?? ""))
        }
        for (response, wanted) in zip(run.responses, expected.responses) {
            #expect(response.head.status == wanted.status)
            #expect(response.bodyLength == wanted.body_length)
            if let body = wanted.body { #expect(decoded(response.body) == body) }
        }
        #expect(expected.responses.map(\.framing)
            == ["content-length", "chunked", "none (304)", "content-length (HEAD: no body)", "content-length", "content-length"])
        #expect(run.responses.map(\.framing)
            == [.contentLength(17), .chunked, .none, .none, .contentLength(41), .contentLength(5000)])
        // The 5000-byte body, whose sha256 is in the expected file, is these lines cut at 5000 bytes.
        let big = (0...(5000 / 33)).map { "line \(String(repeating: "0", count: 4 - String($0).count))\($0) of the big body.......\n" }
            .joined().utf8.prefix(5000)
        #expect(run.responses[5].body == Array(big))
        #expect(run.responses[1].chunks == 3)
        #expect(run.responses.map(\.answers) == [0, 1, 2, 3, 4, 5])
        #expect(run.messages.allSatisfy { $0.isComplete && $0.diagnostics.isEmpty })
        #expect(run.requests[2].head.headers.values("If-None-Match") == ["\"v1\""])
        #expect(run.responses[2].head.headers.values("ETag") == ["\"v1\""])
        #expect(run.requests[4].head.headers == [
            HTTPHeader("Host", "127.0.0.1:8080"), HTTPHeader("User-Agent", "curl/7.88.1"), HTTPHeader("Accept", "*/*"),
            HTTPHeader("Content-Length", "13"), HTTPHeader("Content-Type", "application/x-www-form-urlencoded"),
        ])

        // Message boundaries in stream offsets: the client's are its segments (83, 85, 103, 84,
        // 165, 81 bytes); the server's first response is packet 6 (170 bytes), the chunked one is
        // packets 9 to 15 (146 + 15 + 32 + 32 + 5 bytes), the last one packets 23 to 26.
        #expect(run.requests.map(\.range) == [0..<83, 83..<168, 168..<271, 271..<355, 355..<520, 520..<601])
        #expect(run.responses[0].range == 0..<170)
        #expect(run.responses[1].range == 170..<400)
        #expect(run.responses[1].bodyRange == 316..<400)
        let serverEnd: Int64 = 852 + 1448 * 3 + 796
        let bigBodyStart: Int64 = serverEnd - 5000
        #expect(run.responses[5].range == 852..<serverEnd)
        #expect(run.responses[5].bodyRange == bigBodyStart..<serverEnd)
        // Events come in order of completion: each request before its response.
        #expect(run.trace.filter { $0.hasPrefix("message") } == (0..<6).flatMap { ["message client \($0)", "message server \($0)"] })
    }
}
