import Foundation
import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeTestSupport
import OsiscopeViews
import OsiscopeWire

/// A protocol added through the decoder table alone: a decoder and a row, nothing else.
@Suite struct DecoderTableTests {
    /// One message per line of text, each direction on its own.
    struct Line: ProtocolMessage {
        var text: String
        var protocolName: String { "line" }
        var properties: [(key: String, value: FieldValue)] { [("kind", .text("line")), ("text", .text(text))] }
    }

    final class LineDecoder: ConnectionDecoder {
        let protocolName = "line"
        let displayName = "Line"
        private var pending = DirectionPair<(start: Int64, bytes: [UInt8])>(both: (0, []))

        func feed(_ bytes: ArraySlice<UInt8>, from direction: Direction, at offset: Int64, _ context: inout DecoderContext) {
            if pending[direction].bytes.isEmpty { pending[direction].start = offset }
            for byte in bytes {
                pending[direction].bytes.append(byte)
                guard byte == UInt8(ascii: "\n") else { continue }
                let line = pending[direction]
                let range = line.start..<(line.start + Int64(line.bytes.count))
                let text = String(decoding: line.bytes.dropLast(), as: UTF8.self)
                context.complete(ApplicationMessage(stream: context.stream, direction: direction,
                                                    source: context.source(for: range, direction),
                                                    timestamp: context.time, content: .other(Line(text: text))))
                pending[direction] = (range.upperBound, [])
            }
        }

        func gap(from direction: Direction, at offset: Int64, length: Int64, _ context: inout DecoderContext) {
            pending[direction] = (offset + length, [])
        }

        func finish(_ context: inout DecoderContext) {}
    }

    static let lineRow = DecoderRow(name: "line", ports: [8080]) { _ in LineDecoder() }

    /// The keep-alive HTTP sample read as lines: port 8080 now chooses the line decoder, and
    /// each line (headers included) comes out as a message in the `messages --json` form.
    @Test func aLineProtocolOnAPortThroughTheTableAlone() throws {
        var options = StreamOptions()
        options.decoders.rows.insert(Self.lineRow, at: 0)
        let recording = try PipelineRecording.record(path: GoldenFile.samples.appendingPathComponent("http-keepalive.pcap").path,
                                                     options: options)
        let json = recording.messages.map { MessageJSON.encode($0) }
        #expect(recording.messages.allSatisfy { $0.protocolName == "line" })
        #expect(recording.closed.map(\.protocolName) == ["line"])
        // The first line is the first request's start line, in the packet that brought it.
        let http = try PipelineRecording.record(path: GoldenFile.samples.appendingPathComponent("http-keepalive.pcap").path)
        let request = try #require(http.messages.first)
        guard case .http(let head) = request.content else { throw CaptureError(.io, at: 0, "no HTTP request") }
        let startLine = "\(head.head.method!) \(head.head.uri!) \(head.head.version)"
        #expect(json.first == #"{"stream":0,"protocol":"line","from":"client","packets":[\#(request.packets[0])],"timestamp":""#
                + recording.messages[0].timestamp.decimalString + #"","kind":"line","text":""# + startLine + #"\r"}"#)
        // Every line of both directions: as many as the bytes have newlines.
        let follow = try PipelineRecording.record(path: GoldenFile.samples.appendingPathComponent("http-keepalive.pcap").path,
                                                  streamBytesOf: 0)
        var newlines = DirectionPair(both: 0)
        for case .data(let chunk) in follow.streamEvents {
            newlines[chunk.direction] += chunk.bytes.filter { $0 == UInt8(ascii: "\n") }.count
        }
        #expect(recording.messages.filter { $0.direction == .client }.count == newlines.client)
        #expect(recording.messages.filter { $0.direction == .server }.count == newlines.server)
    }

    /// `--decode-as` works for every row: forcing the line decoder on a port beats HTTP's
    /// heuristic, and forcing HTTP on a WebSocket port beats the guess.
    @Test func forcedPortsChooseAnyRow() throws {
        var options = StreamOptions()
        options.decoders.rows.append(Self.lineRow)
        options.decoders.rows[options.decoders.rows.count - 1].ports = []
        options.decoders.forcedPorts[8080] = "line"
        let lines = try PipelineRecording.record(path: GoldenFile.samples.appendingPathComponent("http-keepalive.pcap").path,
                                                 options: options)
        #expect(lines.closed.map(\.protocolName) == ["line"])
        #expect(lines.closed.map(\.protocolGuessed) == [false])
    }

    /// A payload decoder registered for a request path is handed each HTTP body there and,
    /// after the upgrade on that path, each WebSocket data message, with their byte sources.
    @Test func payloadsGoToThePayloadDecoderOfTheirPath() throws {
        final class Collector: PayloadDecoder, @unchecked Sendable {
            let protocolName = "collector"
            nonisolated(unsafe) static var seen: [(Direction, Int, [Int])] = []
            func decode(_ payload: CarriedPayload, _ context: inout DecoderContext) {
                Self.seen.append((payload.direction, payload.bytes.count, payload.source?.packets ?? []))
            }
        }
        Collector.seen = []
        var options = StreamOptions()
        options.decoders.payloadRows.insert(PayloadDecoderRow(name: "collector", pathPrefixes: ["/socket.io/"]) { _ in Collector() }, at: 0)
        let recording = try PipelineRecording.record(path: GoldenFile.samples.appendingPathComponent("socketio-upgrade.pcapng").path,
                                                     options: options)
        let bodies = recording.messages.compactMap { message -> (Direction, Int)? in
            switch message.content {
            case .http(let http):
                let body = http.decodedBody ?? http.body
                return body.isEmpty ? nil : (message.direction, body.count)
            case .websocket(let ws) where ws.opcode == .text || ws.opcode == .binary:
                return (message.direction, ws.payload.count)
            default: return nil
            }
        }
        #expect(recording.messages.contains { $0.protocolName == "websocket" })
        #expect(Collector.seen.map { "\($0.0) \($0.1)" } == bodies.map { "\($0.0) \($0.1)" })
        #expect(!bodies.isEmpty)
        #expect(Collector.seen.allSatisfy { !$0.2.isEmpty })
    }
}

/// The registry view of `osiscope fields`, compared with reviewed golden files.
@Suite struct RegistryViewGoldenTests {
    @Test func webSocketRegistryPlainAndColoured() throws {
        let registry = try #require(Registry.registry(named: "websocket"))
        let plain = RegistryView().render(registry)
        #expect(plain.hasPrefix("websocket · Layer 7 · WebSocket\n"))
        try GoldenFile.check(plain, against: "websocket.fields.txt")
        try GoldenFile.check(RegistryView(style: TerminalStyle(enabled: true)).render(registry), against: "websocket.fields.ansi")
        try GoldenFile.check(RegistryView.json(registry).joined(separator: "\n") + "\n", against: "websocket.fields.json")
    }
}
