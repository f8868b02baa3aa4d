import Foundation
import OsiscopeTestSupport
import Testing
@testable import OsiscopeCapture

/// Captures saved gzip-compressed (`.pcap.gz`, `.pcapng.gz`) are read directly, by content.
@Suite struct GzipCaptureTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    /// The sample compressed with gzip(1), into a temporary file.
    /// `keep`: how many of the compressed bytes to keep, given their count.
    static func gzipped(_ sample: String, keep: ((Int) -> Int)? = nil) throws -> String {
        var data = try ChildProcess.run("/bin/gzip", ["-n", "-c", samples.appendingPathComponent(sample).path]).output
        if let keep { data = data.prefix(keep(data.count)) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-\(UUID()).gz").path
        #expect(FileManager.default.createFile(atPath: path, contents: data))
        return path
    }

    static func all(_ reader: CaptureReader) throws -> [CapturedPacket] {
        var packets: [CapturedPacket] = []
        while let packet = try reader.next() { packets.append(packet) }
        return packets
    }

    @Test(arguments: ["http-keepalive.pcap", "websocket-plain.pcapng"])
    func compressedEqualsPlain(sample: String) throws {
        let path = try Self.gzipped(sample)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let plain = try Self.all(try CaptureReader(path: Self.samples.appendingPathComponent(sample).path))
        let compressed = try Self.all(try CaptureReader(path: path))
        #expect(compressed.count == plain.count)
        #expect(compressed.map(\.data) == plain.map(\.data))
        #expect(compressed.map(\.timestamp) == plain.map(\.timestamp))
    }

    /// A compressed file cut short gives every packet before the cut, then an error, even
    /// when only the gzip trailer (CRC and length, RFC 1952 §2.2) is missing.
    @Test(arguments: [0.5, 0.999])
    func cutCompressedFileKeepsWhatCameBefore(fraction: Double) throws {
        let path = try Self.gzipped("http-keepalive.pcap") { min($0 - 4, Int(Double($0) * fraction)) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let plain = try Self.all(try CaptureReader(path: Self.samples.appendingPathComponent("http-keepalive.pcap").path))
        let reader = try CaptureReader(path: path)
        var packets: [CapturedPacket] = []
        let error = #expect(throws: CaptureError.self) {
            while let packet = try reader.next() { packets.append(packet) }
        }
        #expect(error?.code == .cutOff)
        #expect(!packets.isEmpty)
        #expect(packets.map(\.data) == plain.prefix(packets.count).map(\.data))
    }
}
