import OsiscopeWire
import Foundation
import OsiscopeTestSupport
import Testing
@testable import OsiscopeStreams

/// Real traffic: Samples/http-keepalive.pcap (curl against aiohttp, six exchanges on one
/// connection), checked against the server's own log, Samples/http-keepalive.expected.json, and
/// against what tshark reads in the capture (the file's capture facts: headers, byte ranges, chunks).
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
        for segment in try HTTPKeepaliveFixture.segments() {
            // No loss and no retransmission in this capture: each segment follows the previous one.
            #expect(segment.seq - 1 == next[segment.from], "packet \(segment.packet)")
            next[segment.from]! += Int64(segment.payload.count)
            steps.append(.send(segment.from, segment.payload))
        }
        return HTTPScript(steps + [.close(.client), .close(.server)])
    }

    @Test("six exchanges, exactly as the server logged them")
    func sixExchanges() throws {
        let expected = try Self.expected()
        let facts = try SampleFiles.capture(HTTPKeepaliveFixture.sample)
        let run = try Self.script().run()

        #expect(run.requests.count == expected.requests.count)
        #expect(run.responses.count == expected.responses.count)
        #expect(run.heads.count == expected.requests.count + expected.responses.count)
        try #require(run.requests.count == 6 && run.responses.count == 6, "six exchanges")
        try #require(facts.requests.count == 6 && facts.responses.count == 6, "tshark sees six exchanges")
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
        let framings = try expected.responses.map { entry in
            try #require(SampleMessagesTests.framing(entry.framing, bodyLength: entry.body_length), "framing \(entry.framing)")
        }
        #expect(run.responses.map(\.framing) == framings)
        // The 5000-byte body, whose sha256 is in the expected file, is these lines cut at 5000 bytes.
        let big = (0...(5000 / 33)).map { "line \(String(repeating: "0", count: 4 - String($0).count))\($0) of the big body.......\n" }
            .joined().utf8.prefix(5000)
        #expect(run.responses[5].body == Array(big))
        // The chunked response's chunks with data (3), as tshark counts them; nil for the others.
        #expect(run.responses.map(\.chunks) == facts.responses.map(\.chunks))
        #expect(run.responses[1].chunks != nil)
        #expect(run.responses.map(\.answers) == [0, 1, 2, 3, 4, 5])
        #expect(run.messages.allSatisfy { $0.isComplete && $0.diagnostics.isEmpty })
        // The conditional GET's If-None-Match and the 304's ETag ("v1"), and the POST's head, as sent.
        #expect(run.requests[2].head.headers.values("If-None-Match") == facts.requests[2].header("If-None-Match"))
        #expect(run.responses[2].head.headers.values("ETag") == facts.responses[2].header("ETag"))
        #expect(!facts.requests[2].header("If-None-Match").isEmpty && !facts.responses[2].header("ETag").isEmpty)
        let sentHeads: [[HTTPHeader]] = facts.requests.map { request in
            request.headers.map { line in HTTPHeader(line.first ?? "", line.last ?? "") }
        }
        #expect(run.requests[4].head.headers == sentHeads[4])
        #expect(run.requests.map(\.head.headers) == sentHeads)

        // Message boundaries in stream offsets, as tshark reassembles the messages: the client's
        // are its segments; the chunked response and the 5000-byte one span several segments.
        #expect(run.requests.map(\.range) == facts.requests.map(\.range))
        #expect(run.responses.map(\.range) == facts.responses.map(\.range))
        #expect(run.requests.map(\.bodyRange) == facts.requests.map(\.body))
        #expect(run.responses.map(\.bodyRange) == facts.responses.map(\.body))
        #expect(run.responses[5].bodyRange.count == expected.responses[5].body_length)
        // Events come in order of completion: each request before its response.
        #expect(run.trace.filter { $0.hasPrefix("message") } == (0..<6).flatMap { ["message client \($0)", "message server \($0)"] })
    }
}
