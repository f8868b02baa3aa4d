import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeTestSupport
import OsiscopeWire

/// More connections open at once than the limit: the quietest tenth are forgotten (their
/// connections close, their messages end), with a diagnostic on the packet that opened one
/// too many, so memory is bounded by the limit, not by the capture.
@Suite struct ConnectionLimitTests {
    @Test func theQuietestAreForgottenWithADiagnostic() throws {
        var connections = SyntheticConnections()
        for index in 0..<2_500 {
            connections.open(index)
            connections.wait(0.001)
        }
        var options = StreamOptions()
        options.maximumConnections = 1_000
        let recording = try PipelineRecording.record(connections.captured, options: options)
        let flagged = recording.packets.filter { packet in packet.allDiagnostics.contains { $0.key == "tcp.stream.forgotten" } }
        // Each time the 1,001st is opened, 100 go: at connections 1,001, 1,101, … 2,401.
        #expect(flagged.map { $0.packet.number } == stride(from: 1_000, to: 2_500, by: 100).map { $0 * 3 + 1 })
        #expect(flagged.first?.allDiagnostics.first { $0.key == "tcp.stream.forgotten" }?.message
                == "more than 1000 connections open at once: the 100 quietest were forgotten, their messages ended here")
        #expect(recording.opened.count == 2_500)
        #expect(recording.closed.count == 2_500)
        // The first forgotten are the oldest, closed before the capture's end.
        let closedEarly = recording.events.prefix { event in
            if case .packet(let packet) = event { return packet.packet.number <= 3_001 }
            return true
        }.compactMap { event -> Int? in
            if case .connectionClosed(let summary) = event { return summary.stream }
            return nil
        }
        #expect(closedEarly == Array(0..<100))
    }
}
