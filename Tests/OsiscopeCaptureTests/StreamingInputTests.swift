import OsiscopeTestSupport
import Foundation
import Testing
@testable import OsiscopeCapture

/// The reader sees the same packets whether the bytes arrive at once, one at a time, or in
/// random pieces through a pipe (as from `tcpdump -w - | osiscope inspect -`).
@Suite struct StreamingInputTests {
    static let pcapng = PcapngFile.sectionHeader(comment: "drip")
        + PcapngFile.interface(linkType: 1, tsresol: 9)
        + (1...20).flatMap { PcapngFile.enhancedPacket(timestamp: UInt64($0) * 1_000_000_007, data: payload(UInt8($0), count: $0 * 7)) }
    static let pcap = PcapFile.header(nanosecond: true)
        + (1...20).flatMap { PcapFile.record(seconds: UInt32($0), fraction: UInt32($0), data: payload(UInt8($0), count: $0 * 5)) }

    enum Split: CaseIterable { case whole, byteByByte, random }

    static func chunks(_ bytes: [UInt8], _ split: Split, seed: UInt64) -> [[UInt8]] {
        switch split {
        case .whole: return [bytes]
        case .byteByByte: return bytes.map { [$0] }
        case .random:
            var generator = SplitMix64(seed: seed)
            var result: [[UInt8]] = []
            var at = 0
            while at < bytes.count {
                let size = Int(generator.next() % 97) + 1
                result.append(Array(bytes[at..<min(at + size, bytes.count)]))
                at += size
            }
            return result
        }
    }

    /// Reads through a real pipe with a small buffer, so refills happen mid-record.
    static func readThroughPipe(_ chunks: [[UInt8]]) throws -> [CapturedPacket] {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let writeEnd = descriptors[1]
        let writer = Thread {
            for chunk in chunks {
                chunk.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count { offset += write(writeEnd, raw.baseAddress! + offset, raw.count - offset) }
                }
            }
            close(writeEnd)
        }
        writer.start()
        defer { close(descriptors[0]) }
        let input = ByteInput(fileDescriptor: descriptors[0], ownsDescriptor: false, bufferSize: 64)
        let reader = try CaptureReader(input: input, maximumRecordLength: 1 << 16)
        var packets: [CapturedPacket] = []
        while let packet = try reader.next() { packets.append(packet) }
        return packets
    }

    @Test(arguments: Split.allCases)
    func pcapngArrivesInPieces(split: Split) throws {
        let packets = try Self.readThroughPipe(Self.chunks(Self.pcapng, split, seed: 7))
        #expect(packets.count == 20)
        #expect(packets.map(\.data) == (1...20).map { payload(UInt8($0), count: $0 * 7) })
        #expect(packets[19].timestamp.decimalString == "20.000000140")
    }

    @Test(arguments: Split.allCases)
    func pcapArrivesInPieces(split: Split) throws {
        let packets = try Self.readThroughPipe(Self.chunks(Self.pcap, split, seed: 11))
        #expect(packets.map(\.data) == (1...20).map { payload(UInt8($0), count: $0 * 5) })
        #expect(packets[2].timestamp.decimalString == "3.000000003")
    }

    @Test func readsAFileByPath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-\(UUID()).pcap").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(Self.pcap)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CaptureReader(path: path)
        var count = 0
        while try reader.next() != nil { count += 1 }
        #expect(count == 20)
    }

    @Test func namesAFileThatCannotBeOpened() {
        #expect(throws: CaptureError(.cannotOpen, at: 0, "")) { try CaptureReader(path: "/nonexistent/x.pcap") }
    }
}

