import Foundation
import OsiscopeCapture
import OsiscopeTestSupport
import OsiscopeWire
import Testing
@testable import OsiscopeStreams

/// The recorded samples (Samples/websocket-*.md): every message the peers sent, checked
/// against the client's own log (`*.expected.json`); ports, frame headers and the negotiation
/// come from the capture facts of the same files (`CaptureFacts`).
struct WebSocketSampleTests {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")

    /// One direction's TCP payload in sequence order, with the segment sizes as captured.
    struct Direction_ {
        var bytes: [UInt8] = []
        var segments: [Int] = []
    }

    /// Reads a capture of one clean TCP connection (no loss) and rebuilds both directions.
    static func load(_ name: String, clientPort: UInt16) throws -> (client: Direction_, server: Direction_) {
        let reader = try CaptureReader(path: samples.appendingPathComponent(name).path)
        var initial: [Direction: UInt32] = [:]
        var pieces: [Direction: [(UInt32, [UInt8])]] = [.client: [], .server: []]
        while let packet = try reader.next() {
            let decoded = PacketDecoder.decode(packet)
            guard let transport = decoded.transport, let tcp = transport.tcp else { continue }
            let direction: Direction = transport.source.port == clientPort ? .client : .server
            if tcp.has(TCPSegmentInfo.syn) { initial[direction] = tcp.sequence &+ 1 }
            guard tcp.payloadLength > 0 else { continue }
            let payload = Array(packet.data[tcp.payloadOffset..<tcp.payloadOffset + tcp.payloadLength])
            pieces[direction]?.append((tcp.sequence, payload))
        }
        func rebuild(_ direction: Direction) throws -> Direction_ {
            let start = try #require(initial[direction])
            var result = Direction_()
            for (sequence, payload) in pieces[direction] ?? [] {
                let offset = Int(sequence &- start)
                guard offset == result.bytes.count else { continue } // retransmission
                result.bytes += payload
                result.segments.append(payload.count)
            }
            return result
        }
        return (try rebuild(.client), try rebuild(.server))
    }

    /// Splits an HTTP head off the stream: (start line, headers, head length).
    static func head(_ bytes: [UInt8]) throws -> (String, [HTTPHeader], Int) {
        let end = try #require((0..<bytes.count - 3).first { bytes[$0..<$0 + 4] == [13, 10, 13, 10] })
        let lines = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let headers = lines.dropFirst().map { line -> HTTPHeader in
            let colon = line.firstIndex(of: ":")!
            return HTTPHeader(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return (lines[0], headers, end + 4)
    }

    /// The 70000-byte message: "000000 000001 … 009999 ".
    static let bigText: [UInt8] = Array((0..<10000).map { String(format: "%06d ", $0) }.joined().utf8)

    struct Decoded {
        var handshake: WebSocketHandshake
        var client: DecodeRun
        var server: DecodeRun
    }

    /// The port the sample's client used (its connection as tshark sees it).
    static func clientPort(_ name: String) throws -> UInt16 {
        try #require(try SampleFiles.capture(name).tcp.first?.clientPort, "\(name): client port")
    }

    /// (opcode, FIN, 7-bit payload length) of each frame one side sent, as tshark shows them.
    static func frameSummary(_ facts: CaptureFacts, _ direction: Direction) -> [[Int]] {
        facts.websocket.frames.filter { $0.direction == direction }.map { [$0.opcode, $0.fin ? 1 : 0, $0.lengthField] }
    }

    static func decodeSample(_ name: String, clientPort: UInt16, randomSplits: Bool = false) throws -> Decoded {
        let (client, server) = try load(name, clientPort: clientPort)
        let (requestLine, requestHeaders, requestLength) = try head(client.bytes)
        let (statusLine, responseHeaders, responseLength) = try head(server.bytes)
        let request = try #require(try SampleFiles.capture(name).requests.first)
        #expect(requestLine == "\(request.method ?? "?") \(request.uri ?? "?") HTTP/1.1")
        let status = try #require(Int(statusLine.split(separator: " ")[1]))
        let handshake = WebSocketHandshake(
            request: requestHeaders, method: "GET", status: status, response: responseHeaders,
            requestRange: 0..<Int64(requestLength), responseRange: 0..<Int64(responseLength))

        func run(_ direction: Direction, _ stream: Direction_, _ headLength: Int) -> DecodeRun {
            var decoder = WebSocketStreamDecoder(direction: direction, handshake: handshake)
            var result = DecodeRun()
            // Feed segment by segment as captured (the first one holds the head), or in random pieces.
            var offset = 0
            let sizes = randomSplits ? Splits.random(stream.bytes.count, seed: 77) : stream.segments
            for size in sizes {
                let end = offset + size
                let from = max(offset, headLength)
                if from < end {
                    result.add(decoder.feed(stream.bytes[from..<end], at: Int64(from)))
                }
                offset = end
            }
            result.add(decoder.finish())
            return result
        }
        return Decoded(handshake: handshake, client: run(.client, client, requestLength),
                       server: run(.server, server, responseLength))
    }

    static func expected(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: samples.appendingPathComponent(name))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["messages"] as? [[String: Any]])
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Compares the decoded messages of both directions with the client's log, in order.
    static func compare(_ decoded: Decoded, with expectedName: String) throws {
        let expected = try Self.expected(expectedName)
        var remaining: [Direction: [WebSocketMessage]] = [.client: decoded.client.messages, .server: decoded.server.messages]
        #expect(decoded.client.messages.count + decoded.server.messages.count == expected.count)
        for entry in expected {
            let fromName = try #require(entry["from"] as? String)
            let from = try #require(Direction(rawValue: fromName))
            let message = try #require(remaining[from]?.first, "no message left from \(from)")
            remaining[from]?.removeFirst()
            #expect(message.opcode.name == entry["opcode"] as? String)
            #expect(Int(message.length) == entry["length"] as? Int)
            if let compressed = entry["compressed"] as? Bool { #expect(message.compressed == compressed) }
            if let text = entry["text"] as? String { #expect(message.text == text) }
            if let dataHex = entry["data_hex"] as? String { #expect(hex(message.payload) == dataHex) }
            if let prefix = entry["text_prefix"] as? String {
                #expect(message.text?.hasPrefix(prefix) == true)
                #expect(message.payload == bigText)
            }
            if let frames = entry["frames"] as? Int { #expect(message.frameCount == frames) }
            if let code = entry["close_code"] as? Int {
                #expect(message.close?.code?.rawValue == UInt16(code))
                #expect(message.close?.reason == entry["close_reason"] as? String)
            }
            #expect(message.isComplete)
            #expect(!message.payloadTruncated)
        }
    }

    /// (opcode, FIN, 7-bit payload length) of each frame, as tshark lists them in the .md files.
    static func frameSummary(_ run: DecodeRun) -> [[Int]] {
        run.frames.map { [Int($0.opcode.rawValue), $0.fin ? 1 : 0, Int($0.payloadLengthField)] }
    }

    @Test func plainSample() throws {
        let facts = try SampleFiles.capture("websocket-plain")
        let clientPort = try Self.clientPort("websocket-plain")
        let entry = try #require(try Self.expected("websocket-plain.expected.json").first { $0["fragments"] != nil })
        let sentFragments = try #require(entry["fragments"] as? [String])
        // The 70000-byte message: one frame with a 64-bit length (tshark's reading of it).
        let bigFrame = try #require(facts.websocket.frames.first { $0.direction == .client && $0.lengthField == 127 })
        for randomSplits in [false, true] {
            let decoded = try Self.decodeSample("websocket-plain.pcapng", clientPort: clientPort, randomSplits: randomSplits)
            #expect(decoded.handshake.diagnostics.isEmpty)
            #expect(decoded.handshake.acceptMatches)
            #expect(decoded.handshake.perMessageDeflate == nil)
            try Self.compare(decoded, with: "websocket-plain.expected.json")
            #expect(decoded.client.allDiagnosticKeys.isEmpty)
            #expect(decoded.server.allDiagnosticKeys.isEmpty)
            #expect(Self.frameSummary(decoded.client) == Self.frameSummary(facts, .client))
            #expect(Self.frameSummary(decoded.server) == Self.frameSummary(facts, .server))
            let big = try #require(decoded.client.frames.first { $0.payloadLength == UInt64(bigFrame.payloadLength) })
            #expect(big.extendedLength64 == UInt64(bigFrame.payloadLength))
            #expect(big.frameRange == bigFrame.range) // 2 + 8 + 4 header bytes and the payload
            #expect(decoded.client.frames.allSatisfy { $0.masked })
            #expect(!decoded.server.frames.contains { $0.masked })
            let fragmented = try #require(decoded.client.messages.first { $0.frameCount == sentFragments.count })
            #expect(fragmented.frameRanges.count == sentFragments.count)
            let fragments = decoded.client.frames.filter { fragmented.frameRanges.contains($0.frameRange) }
            #expect(fragments.map { String(decoding: $0.payload, as: UTF8.self) } == sentFragments)
        }
    }

    @Test func deflateSample() throws {
        let facts = try SampleFiles.capture("websocket-deflate")
        let clientPort = try Self.clientPort("websocket-deflate")
        // What the server agreed to (its Sec-WebSocket-Extensions), and the compressed big message.
        let response = try #require(facts.responses.first { $0.status == 101 })
        let agreed = try #require(response.header("Sec-WebSocket-Extensions").first)
        let agreedSettings = PerMessageDeflateSettings(
            serverNoContextTakeover: agreed.contains("server_no_context_takeover"),
            clientNoContextTakeover: agreed.contains("client_no_context_takeover"),
            serverMaxWindowBits: CaptureFacts.parameter("server_max_window_bits", in: agreed).flatMap { Int($0) },
            clientMaxWindowBits: CaptureFacts.parameter("client_max_window_bits", in: agreed).flatMap { Int($0) })
        let bigFrame = try #require(facts.websocket.frames.first { $0.direction == .server && $0.lengthField == 126 })
        for randomSplits in [false, true] {
            let decoded = try Self.decodeSample("websocket-deflate.pcap", clientPort: clientPort, randomSplits: randomSplits)
            #expect(decoded.handshake.diagnostics.isEmpty)
            let settings = try #require(decoded.handshake.perMessageDeflate)
            #expect(settings == agreedSettings)
            #expect(settings.serverMaxWindowBits != nil && settings.clientMaxWindowBits != nil, "the sample's 12-bit windows")
            try Self.compare(decoded, with: "websocket-deflate.expected.json")
            #expect(decoded.client.allDiagnosticKeys.isEmpty)
            #expect(decoded.server.allDiagnosticKeys.isEmpty)
            #expect(Self.frameSummary(decoded.client) == Self.frameSummary(facts, .client))
            #expect(Self.frameSummary(decoded.server) == Self.frameSummary(facts, .server))
            #expect(decoded.client.frames.map(\.rsv1) == facts.websocket.frames.filter { $0.direction == .client }.map(\.rsv1))
            #expect(decoded.server.frames.map(\.rsv1) == facts.websocket.frames.filter { $0.direction == .server }.map(\.rsv1))
            let big = try #require(decoded.server.frames.first { $0.payloadLengthField == 126 })
            #expect(big.extendedLength16 == UInt16(bigFrame.payloadLength))
        }
    }

    /// The deflate sample without its handshake: the guess says WebSocket with RSV1, and
    /// decoding with context takeover gives every message.
    @Test func deflateSampleGuessedWithoutHandshake() throws {
        let (client, server) = try Self.load("websocket-deflate.pcap", clientPort: try Self.clientPort("websocket-deflate"))
        let clientStart = try Self.head(client.bytes).2
        let serverStart = try Self.head(server.bytes).2
        let guess = WebSocketGuess.examine(client: client.bytes[clientStart...], server: server.bytes[serverStart...])
        #expect(guess.verdict == .webSocket)
        #expect(!guess.directionsSwapped)
        #expect(guess.rsv1Seen)
        var texts: [String] = []
        for (direction, stream, start) in [(Direction.client, client, clientStart), (.server, server, serverStart)] {
            var decoder = WebSocketStreamDecoder(direction: direction, guess: guess)
            var run = DecodeRun()
            run.add(decoder.feed(stream.bytes[start...], at: Int64(start)))
            run.add(decoder.finish())
            // Only the note that compression is assumed, once per direction.
            #expect(run.allDiagnosticKeys == ["websocket.deflate.assumed"])
            texts += run.messages.filter { $0.opcode == .text }.compactMap(\.text).map { String($0.prefix(8)) }
        }
        // The text messages the peers logged, client's then server's: "Hello, o", "frag-one", "000000 0", …
        let sent = try Self.expected("websocket-deflate.expected.json").filter { $0["opcode"] as? String == "text" }
        let wanted = try [Direction.client, .server].flatMap { direction in
            try sent.filter { $0["from"] as? String == direction.rawValue }.map { entry -> String in
                let text = try #require(entry["text"] as? String ?? entry["text_prefix"] as? String)
                return String(text.prefix(8))
            }
        }
        #expect(texts == wanted)
    }
}
