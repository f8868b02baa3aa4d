import Testing
import OsiscopeCapture
import OsiscopeTestSupport
import OsiscopeWire
@testable import OsiscopeStreams

/// Nothing a capture contains may crash the stream stage: real sample connections with bytes
/// flipped, packets dropped, duplicated and swapped go through tracking, reassembly, HTTP and
/// WebSocket decoding, and every layer still points inside its packet.
@Suite struct StreamRobustnessTests {
    static let samples = ["websocket-deflate.pcap", "http-keepalive.pcap", "socketio-upgrade.pcapng", "websocket-ipv6.pcap"]

    static func mutate(_ packets: [CapturedPacket], _ random: inout SplitMix64) -> [CapturedPacket] {
        var result: [CapturedPacket] = []
        for packet in packets {
            var packet = packet
            switch random.next() % 10 {
            case 0: continue // dropped
            case 1: result.append(packet) // duplicated
            case 2, 3:
                // Flip a few bytes past the link header: headers, lengths, payload, masks.
                for _ in 0..<(1 + Int(random.next() % 4)) where packet.data.count > 20 {
                    let index = 20 + Int(random.next() % UInt64(packet.data.count - 20))
                    packet.data[index] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                }
            default: break
            }
            result.append(packet)
            if result.count >= 2 && random.next() % 8 == 0 { result.swapAt(result.count - 1, result.count - 2) }
        }
        return result
    }

    @Test(arguments: samples)
    func mutatedConnectionsNeverTrapAndLayersStayInside(sample: String) throws {
        let original = try SampleStreams.packets(sample)
        var random = SplitMix64(seed: 0x05C0_9E)
        var messages = 0
        for _ in 0..<150 {
            let recording = try PipelineRecording.record(Self.mutate(original, &random))
            messages += recording.messages.count
            for decoded in recording.packets {
                for layer in decoded.layers where layer.source == nil {
                    #expect(layer.offset >= 0 && layer.offset + layer.length <= decoded.packet.data.count,
                            "\(sample) packet \(decoded.packet.number): \(layer.protocolKey) at \(layer.offset)+\(layer.length)")
                }
            }
        }
        // The mutations leave most messages intact, so decoding clearly went on.
        #expect(messages > 150 * 4)
    }
}
