import OsiscopeCapture
import OsiscopeFilter
import OsiscopeLessons
import OsiscopeStreams
import OsiscopeViews
import OsiscopeWire

/// What each fuzz target feeds its input to. Every one must return, whatever the bytes: no
/// crash, no hang, no unbounded memory (the sanitizer and libFuzzer's limits watch for it).
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "capture": capture, "wire": wire, "reassembly": reassembly, "http": http, "websocket": websocket,
        "engineio": engineIO, "filter": filter, "lesson": lesson, "pipeline": pipeline,
    ]

    /// The pcap and pcapng readers: every record until the end or the damage.
    static func capture(_ bytes: [UInt8]) {
        guard let reader = try? CaptureReader(bytes: bytes) else { return }
        while let packet = try? reader.next() { _ = packet.data.count }
    }

    /// Link, network and transport decoding, for the link type the first byte picks.
    static func wire(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let types: [LinkType] = [.ethernet, .raw, .null, .loop, .linuxSLL, .linuxSLL2, .ipv4, .ipv6]
        let packet = CapturedPacket(number: 1, timestamp: Timestamp(seconds: 0, nanoseconds: 0), originalLength: bytes.count + Int(first & 3),
                                    linkType: types[Int(first) % types.count], data: Array(bytes.dropFirst()))
        _ = PacketJSON.encode(PacketDecoder.decode(packet))
    }

    /// TCP reassembly fed a sequence of segments of one connection, in any order, overlapping,
    /// with gaps: each record is direction and flags (1 byte), a sequence offset (2), a length (1).
    static func reassembly(_ bytes: [UInt8]) {
        // Port 80: the segments' bytes also go through the HTTP decoder once reassembled.
        pipelineOn(Synthetic.connection(bytes, port: 80), renders: false)
    }

    /// The HTTP/1.x parser, both directions, the input split where its first byte says.
    static func http(_ bytes: [UInt8]) {
        var parser = HTTPConversationParser()
        var offsets: [Direction: Int64] = [.client: 0, .server: 0]
        for (index, piece) in Synthetic.pieces(bytes).enumerated() {
            let direction: Direction = index % 3 == 2 ? .server : .client
            _ = parser.feed(piece, from: direction, at: offsets[direction]!)
            offsets[direction]! += Int64(piece.count)
        }
        _ = parser.close(from: .client)
        _ = parser.finish()
    }

    /// The WebSocket frame parser and message assembler, inflating RSV1 messages.
    static func websocket(_ bytes: [UInt8]) {
        var decoder = WebSocketStreamDecoder(direction: bytes.first.map { $0 & 1 == 0 ? .client : .server } ?? .client,
                                             maxMessageSize: 1 << 20, assumeDeflateOnRSV1: true)
        var offset: Int64 = 0
        for piece in Synthetic.pieces(bytes) {
            _ = decoder.feed(piece, at: offset)
            offset += Int64(piece.count)
        }
        _ = decoder.finish()
    }

    /// Engine.IO payloads (v3 and v4) and the Socket.IO packets inside them.
    static func engineIO(_ bytes: [UInt8]) {
        for version in [EngineIOVersion.v3, .v4] {
            var parser = EngineIOPayloadParser(version: version)
            for piece in Synthetic.pieces(bytes) {
                for case .success(let packet) in parser.feed(piece) { _ = SocketIOPacket.parse(packet.data) }
            }
        }
        _ = SocketIOPacket.parse(bytes)
    }

    /// The display-filter language, over the packet and the message names.
    static func filter(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? DisplayFilter(text, catalog: .packets)
        _ = try? DisplayFilter(text, catalog: MessageFields.catalog)
    }

    static func lesson(_ bytes: [UInt8]) {
        _ = try? LessonParser.parse(String(decoding: bytes, as: UTF8.self))
    }

    /// The whole pipeline on a capture file, every view's rendering included.
    static func pipeline(_ bytes: [UInt8]) {
        guard let reader = try? CaptureReader(bytes: bytes) else { return }
        var options = StreamOptions()
        options.maximumMessageBytes = 1 << 20
        pipelineOn(reader, options: options)
    }

    /// Every event of the source; with `renders`, each packet and message as the views write them.
    static func pipelineOn(_ source: any PacketSource, options: StreamOptions = StreamOptions(), renders: Bool = true) {
        let pipeline = PacketPipeline(source: source, events: .all, streams: options)
        let list = MessageList()
        while let event = try? pipeline.next() {
            guard renders else { continue }
            switch event {
            case .packet(let packet): _ = PacketJSON.encode(packet.decoded())
            case .messageCompleted(let message):
                _ = MessageJSON.encodedBytes(message, includeBodies: true)
                _ = list.line(message, time: "0")
            default: break
            }
        }
    }
}
