import Foundation
import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeTestSupport
import OsiscopeWire

/// Bytes of messages traced back through their byte sources to the packets they came from.
@Suite struct ByteSourceTests {
    static func recording(_ sample: String) throws -> (PipelineRecording, [Int: CapturedPacket]) {
        let path = SampleStreams.samples.appendingPathComponent(sample).path
        let recording = try PipelineRecording.record(path: path)
        var packets: [Int: CapturedPacket] = [:]
        for packet in try SampleStreams.packets(sample) { packets[packet.number] = packet }
        return (recording, packets)
    }

    /// The bytes a source's range maps to, read from the captured packets.
    static func packetBytes(_ source: ByteSource, _ range: Range<Int64>, _ packets: [Int: CapturedPacket]) -> [UInt8] {
        source.packetSpans(of: range).flatMap { span in Array(packets[span.packet]!.data[span.range]) }
    }

    /// A fragmented, masked, permessage-deflate message from the client (4 frames in 4
    /// packets): each unmasked byte is its packet byte XOR the frame's masking key; the
    /// inflated text maps, as a whole, to the same packets; times are the packets' own.
    @Test func maskedCompressedMultiPacketMessageMapsToItsPackets() throws {
        let (recording, packets) = try Self.recording("websocket-deflate.pcap")
        let candidates = recording.messages.filter { message in
            guard case .websocket(let ws) = message.content else { return false }
            return message.direction == .client && ws.compressed && ws.frameCount > 1
        }
        let message = try #require(candidates.first)
        guard case .websocket(let ws) = message.content else { return }
        #expect(ws.text == "frag-one frag-two frag-three")

        let inflated = message.source
        #expect(inflated.kind == .inflatedMessage)
        #expect(inflated.bytes == ws.payload)
        let unmasked = try #require(inflated.parent)
        #expect(unmasked.kind == .unmaskedPayload)
        #expect(unmasked.bytes == ws.wirePayload)
        let stream = try #require(unmasked.parent)
        #expect(stream.kind == .tcpStream(stream: message.stream, direction: .client))

        // Byte for byte: one piece per frame, each frame's payload XOR its masking key.
        // One piece per frame with payload, as long as tshark says each frame's payload is.
        let facts = try SampleFiles.capture("websocket-deflate.pcap")
        let theirs = try #require(facts.fragmentedMessages.first { $0.direction == .client })
        #expect(unmasked.pieces.map(\.range.count) == facts.websocket.frames(of: theirs).map(\.payloadLength).filter { $0 > 0 })
        for piece in unmasked.pieces {
            guard case .parent(let streamRange, let exact) = piece.origin else {
                Issue.record("piece not mapped to the stream")
                continue
            }
            #expect(exact)
            let key = Self.packetBytes(stream, (streamRange.lowerBound - 4)..<streamRange.lowerBound, packets)
            let wire = Self.packetBytes(stream, streamRange, packets)
            let expected = wire.enumerated().map { $0.element ^ key[$0.offset % 4] }
            let own = Array(unmasked.bytes![Int(piece.range.lowerBound)..<Int(piece.range.upperBound)])
            #expect(own == expected)
            // Mapping a sub-range keeps positions.
            let middle = piece.range.lowerBound + 1..<piece.range.upperBound
            if !middle.isEmpty {
                let spans = unmasked.packetSpans(of: middle)
                #expect(spans.allSatisfy { $0.exact })
                #expect(spans.map(\.range.count).reduce(0, +) == middle.count)
            }
        }
        // Every packet span is inside its packet and carries that packet's capture time.
        for span in unmasked.packetSpans {
            let packet = try #require(packets[span.packet])
            #expect(span.range.upperBound <= packet.data.count)
            #expect(span.time == packet.timestamp)
        }
        // Inflated bytes come from the whole compressed payload: not exact, same packets.
        let inflatedSpans = inflated.packetSpans(of: 0..<3)
        #expect(!inflatedSpans.isEmpty && inflatedSpans.allSatisfy { !$0.exact })
        #expect(Set(inflatedSpans.map(\.packet)) == Set(unmasked.packetSpans.map(\.packet)))
        #expect(Set(unmasked.packetSpans.map(\.packet)).isSubset(of: Set(message.packets)))
        #expect(message.packets == theirs.packets)
        #expect(message.startTimestamp == packets[message.packets[0]]!.timestamp)
        #expect(message.timestamp == packets[message.packets.last!]!.timestamp)
    }

    /// A WebSocket layer spread over several packets names the reassembled stream as its
    /// source; one in a single packet points into that packet.
    @Test func layersNameTheirSource() throws {
        let (recording, _) = try Self.recording("websocket-plain.pcapng")
        let layers = recording.packets.flatMap { packet in packet.layers.filter { $0.protocolKey == "websocket" } }
        let reassembled = layers.filter { $0.source != nil }
        let facts = try SampleFiles.capture("websocket-plain.pcapng")
        #expect(reassembled.count == facts.websocket.frames.filter { $0.packets.count > 1 }.count,
                "one layer per frame tshark reassembles from several packets")
        for layer in reassembled {
            guard case .tcpStream(_, let direction) = layer.source!.kind else {
                Issue.record("not a stream source")
                continue
            }
            #expect(layer.source!.packets.count > 1, "\(direction)")
            #expect(layer.source!.range.count == layer.length, "\(direction)")
        }
        // Masked client frames carry their unmasked payload as a derived source.
        let masked = layers.filter { $0.field("websocket.mask")?.value == .flag(true) }
        #expect(!masked.isEmpty)
        for layer in masked where layer.field("websocket.payload_length")?.value != .number(0) {
            let derived = try #require(layer.derivedSources.first)
            #expect(derived.kind == .unmaskedPayload)
            guard case .bytes(let payload) = layer.field("websocket.payload")?.value else { continue }
            #expect(derived.bytes == payload)
        }
    }
}
