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
        let editcap = Process()
        editcap.executableURL = URL(fileURLWithPath: "/usr/bin/editcap")
        editcap.arguments = [ConformanceCaptures.root.appendingPathComponent("Samples/websocket-plain.pcapng").path, thinned]
            + dropped
        try editcap.run()
        editcap.waitUntilExit()
        #expect(editcap.terminationStatus == 0)
        let (messages, wrong) = try Self.check(thinned)
        #expect(messages >= facts.websocket.messages.count - 1)
        #expect(wrong.isEmpty, "\(wrong)")
    }
}
