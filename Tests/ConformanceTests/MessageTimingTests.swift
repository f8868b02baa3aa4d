import Foundation
import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeTestSupport
import OsiscopeWire

/// A message's timestamp is that of the packet that brought its last byte, also after loss.
@Suite struct MessageTimingTests {
    static func check(_ path: String) throws -> (messages: Int, wrong: [String]) {
        let recording = try PipelineRecording.record(path: path)
        var times: [Int: Timestamp] = [:]
        for packet in recording.packets { times[packet.packet.number] = packet.packet.timestamp }
        var wrong: [String] = []
        for message in recording.messages {
            guard let last = message.packets.last else { continue }
            if message.timestamp != times[last] {
                wrong.append("stream \(message.stream) \(message.direction) packets \(message.packets): \(message.timestamp.decimalString)")
            }
        }
        return (recording.messages.count, wrong)
    }

    @Test(arguments: ConformanceCaptures.all)
    func timestampIsTheLastPacketsOwn(path: String) throws {
        let (_, wrong) = try Self.check(path)
        #expect(wrong.isEmpty, "\(ConformanceCaptures.label(path)): \(wrong.prefix(3))")
    }

    /// websocket-plain with the last segment of the 70,000-byte message removed (editcap):
    /// the message is found incomplete only when the peer acknowledges past the hole, a later
    /// packet, and still carries the time of the last packet that brought its bytes.
    @Test func afterLoss() throws {
        let facts = try SampleFiles.capture("websocket-plain.pcapng")
        let big = try #require(facts.websocket.messages.max { $0.payloadLength < $1.payloadLength })
        let dropped = [String(try #require(big.packets.last))]
        let thinned = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-thinned-\(UUID()).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: thinned) }
        let editcap = try ChildProcess.run("/usr/bin/editcap",
                                           [ConformanceCaptures.root.appendingPathComponent("Samples/websocket-plain.pcapng").path, thinned] + dropped)
        #expect(editcap.status == 0)
        let (messages, wrong) = try Self.check(thinned)
        #expect(messages >= facts.websocket.messages.count - 1)
        #expect(wrong.isEmpty, "\(wrong)")
    }

    /// A segment in the middle of the 70,000-byte message removed: the lost bytes are a message
    /// of their own, between the packet before the hole and the one after it, timed by the
    /// latter, and the message they belonged to is incomplete.
    @Test func lostBytesAreAMessageOfTheirOwn() throws {
        let sample = ConformanceCaptures.root.appendingPathComponent("Samples/websocket-plain.pcapng").path
        let facts = try SampleFiles.capture("websocket-plain.pcapng")
        let big = try #require(facts.websocket.messages.max { $0.payloadLength < $1.payloadLength })
        let dropped = big.packets[big.packets.count / 2]
        // The dropped packet's payload length, from the original capture.
        let reader = try CaptureReader(path: sample)
        var lost = 0
        while let packet = try reader.next(), packet.number <= dropped {
            if packet.number == dropped { lost = PacketDecoder.transport(of: packet)?.tcp?.payloadLength ?? 0 }
        }
        #expect(lost > 0)
        let thinned = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-hole-\(UUID()).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: thinned) }
        #expect(try ChildProcess.run("/usr/bin/editcap", [sample, thinned, String(dropped)]).status == 0)
        let recording = try PipelineRecording.record(path: thinned)
        let gaps = recording.messages.enumerated().filter { $0.element.protocolName == "tcp" }
        #expect(gaps.count == 1)
        let (index, gapMessage) = try #require(gaps.first)
        guard case .gap(let gap) = gapMessage.content else { throw CaptureError(.io, at: 0, "not a gap") }
        #expect(gap.bytes == Int64(lost))
        #expect(gap.direction == big.direction)
        // After renumbering, the packet after the hole has the dropped packet's number.
        #expect(gap.packetBefore == dropped - 1)
        #expect(gap.packetAfter == dropped)
        #expect(gapMessage.packets == [dropped - 1, dropped])
        #expect(gapMessage.timestamp == recording.packets.first { $0.packet.number == dropped }?.packet.timestamp)
        let cut = try #require(recording.messages.enumerated().first { entry in
            guard case .websocket(let ws) = entry.element.content else { return false }
            return ws.length == UInt64(big.payloadLength) || !ws.isComplete
        })
        guard case .websocket(let ws) = cut.element.content else { return }
        #expect(!ws.isComplete)
        #expect(index < cut.offset, "the gap is listed before the message it cut")
    }
}

/// Problems found on a connection are shown in `messages` on the message they concern.
@Suite struct MessageDiagnosticsTests {
    /// zeek/wrong-accept-header.pcap: the handshake check's accept_mismatch is on the 101.
    @Test func handshakeProblemsAreOnTheUpgradeResponse() throws {
        let corpus = ConformanceCaptures.root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        let path = corpus.appendingPathComponent("zeek/wrong-accept-header.pcap").path
        guard FileManager.default.fileExists(atPath: path) else { return }
        let recording = try PipelineRecording.record(path: path)
        let keyed = recording.messages.compactMap { message -> (Int?, [String])? in
            guard case .http(let http) = message.content else { return nil }
            return (http.head.status, http.diagnostics.map(\.key))
        }
        #expect(keyed.map(\.0) == [nil, 101])
        #expect(keyed.map(\.1) == [[], ["websocket.handshake.accept_mismatch"]])
    }
}
