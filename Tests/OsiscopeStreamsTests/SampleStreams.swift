import Foundation
import OsiscopeCapture
import OsiscopeWire
import OsiscopeTestSupport
@testable import OsiscopeStreams

/// Real recorded packets from Samples/, for reassembly and protocol tests.
enum SampleStreams {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    /// Every packet of a sample, decoded.
    static func packets(_ name: String) throws -> [CapturedPacket] {
        try PipelineRecording.capturedPackets(path: samples.appendingPathComponent(name).path)
    }

    struct Reassembled {
        var bytes: [Direction: [UInt8]] = [.client: [], .server: []]
        var gaps: [Direction: [Range<Int64>]] = [.client: [], .server: []]
        var finished: Set<Direction> = []
        var resets = 0
        /// Analysis keys per packet number.
        var analysis: [Int: [String]] = [:]
        /// Chunks that did not start where the stream (bytes plus gaps) had ended: must stay 0.
        var misplacedChunks = 0
    }

    /// Runs TCP packets of one connection through tracker and reassembler, in the given order.
    static func reassemble(_ packets: [CapturedPacket], configure: (inout TCPReassembler) -> Void = { _ in }) -> Reassembled {
        var tracker = ConversationTracker()
        var reassembler = TCPReassembler()
        configure(&reassembler)
        var result = Reassembled()
        func apply(_ events: [StreamEvent]) {
            for event in events {
                switch event {
                case .data(let chunk):
                    let expected = Int64(result.bytes[chunk.direction]!.count)
                        + result.gaps[chunk.direction]!.reduce(Int64(0)) { $0 + Int64($1.count) }
                    if chunk.streamOffset != expected { result.misplacedChunks += 1 }
                    result.bytes[chunk.direction]! += chunk.bytes
                case .gap(let direction, let at, let length):
                    result.gaps[direction]!.append(at..<(at + length))
                case .finished(let direction): result.finished.insert(direction)
                case .reset: result.resets += 1
                }
            }
        }
        for packet in packets {
            var decoded = PacketDecoder.decode(packet)
            guard let placement = tracker.track(&decoded), let segment = decoded.transport?.tcp else { continue }
            // The tracker wrote the sequence analysis onto the packet; the reassembler adds its own findings.
            let flagged = decoded.allDiagnostics.map(\.key)
            let outcome = reassembler.process(segment, from: placement.direction, packet: packet,
                                              isKeepAlive: flagged.contains("tcp.analysis.keep_alive"))
            let keys = flagged + outcome.diagnostics.map(\.key)
            if !keys.isEmpty { result.analysis[packet.number] = keys }
            apply(outcome.events)
        }
        apply(reassembler.flush())
        return result
    }

}
