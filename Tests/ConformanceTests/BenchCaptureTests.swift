import OsiscopeTestSupport
import Foundation
import OsiscopeCapture
import Testing

/// The benchmark's capture generator must be deterministic (ratios are compared across runs and
/// machines on "the same file") and write a capture tshark reads packet for packet as osiscope does.
@Suite struct BenchCaptureTests {
    static func generate(_ output: String) throws -> Int32 {
        try ChildProcess.run("python3", [ConformanceCaptures.root.appendingPathComponent("scripts/make-bench-capture.py").path,
                                         "--size", "400K", "--concurrent", "50", "--loss", "0.02", "--reorder", "0.02", output]).status
    }

    @Test func deterministicAndReadable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-bench-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("a.pcap").path, second = folder.appendingPathComponent("b.pcap").path
        #expect(try Self.generate(first) == 0)
        #expect(try Self.generate(second) == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: first))
        #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: second))))
        #expect(bytes.count > 400_000)

        var timestamps: [Timestamp] = []
        let reader = try CaptureReader(path: first)
        while let packet = try reader.next() { timestamps.append(packet.timestamp) }
        // Merged in time order, as a capture of a busy server would be.
        #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { !($1 < $0) })
        let rows = try Tshark.fields(["frame.number"], of: first)
        #expect(rows.count == timestamps.count)
        #expect(rows.last?["frame.number"] == String(timestamps.count))
    }
}
