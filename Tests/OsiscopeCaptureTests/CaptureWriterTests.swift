import Foundation
import Testing
@testable import OsiscopeCapture

/// What `-w` writes reads back as the same packets: times to the nanosecond, lengths, bytes,
/// link types and comments (pcapng), or one link type (pcap).
@Suite struct CaptureWriterTests {
    static func path(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-writer-\(UUID())\(suffix)").path
    }

    /// Bytes made up for the test: an Ethernet frame's first bytes, and a Linux cooked one.
    static let packets = [
        CapturedPacket(number: 1, timestamp: Timestamp(seconds: 1_795_614_391, nanoseconds: 967_262_123), originalLength: 60,
                       linkType: .ethernet, data: Array(0..<42), comments: ["first", "second, longer comment"]),
        CapturedPacket(number: 2, timestamp: Timestamp(seconds: 1_795_614_392, nanoseconds: 5), originalLength: 3,
                       linkType: .ethernet, data: [0xAA, 0xBB, 0xCC]),
        CapturedPacket(number: 3, timestamp: Timestamp(seconds: 1_795_614_393, nanoseconds: 999_999_999), originalLength: 20,
                       linkType: .linuxSLL2, data: Array(repeating: 7, count: 20), interfaceIndex: 1),
    ]

    static func readBack(_ path: String) throws -> [CapturedPacket] {
        let reader = try CaptureReader(path: path)
        var packets: [CapturedPacket] = []
        while let packet = try reader.next() { packets.append(packet) }
        return packets
    }

    @Test func pcapngKeepsEveryPacketLinkTypeAndComment() throws {
        let path = Self.path(".pcapng")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CaptureWriter(path: path)
        #expect(writer.format == .pcapng)
        for packet in Self.packets { try writer.write(packet) }
        try writer.flush()
        let back = try Self.readBack(path)
        #expect(back.map(\.number) == [1, 2, 3])
        #expect(back.map(\.data) == Self.packets.map(\.data))
        #expect(back.map(\.originalLength) == [60, 3, 20])
        #expect(back.map(\.timestamp.seconds) == Self.packets.map(\.timestamp.seconds))
        #expect(back.map(\.timestamp.nanoseconds) == [967_262_123, 5, 999_999_999])
        #expect(back.map(\.linkType) == [.ethernet, .ethernet, .linuxSLL2])
        #expect(back.map(\.interfaceIndex) == [0, 0, 1])
        #expect(back.map(\.comments) == [["first", "second, longer comment"], [], []])
    }

    @Test func pcapByItsNameWithNanosecondTimes() throws {
        let path = Self.path(".pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CaptureWriter(path: path)
        #expect(writer.format == .pcap)
        for packet in Self.packets.prefix(2) { try writer.write(packet) }
        try writer.flush()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.prefix(4) == [0x4D, 0x3C, 0xB2, 0xA1]) // the nanosecond magic, little-endian
        let back = try Self.readBack(path)
        #expect(back.map(\.data) == Self.packets.prefix(2).map(\.data))
        #expect(back.map(\.timestamp.nanoseconds) == [967_262_123, 5])
        #expect(back.map(\.originalLength) == [60, 3])
    }

    @Test func pcapRefusesASecondLinkType() throws {
        let path = Self.path(".pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try CaptureWriter(path: path)
        try writer.write(Self.packets[0])
        #expect(throws: CaptureError(.io, at: 0, "")) { try writer.write(Self.packets[2]) }
        do {
            try writer.write(Self.packets[2])
        } catch {
            #expect(error.reason == "packet 3 has link type linux-sll2, and a pcap file holds one (ether): write .pcapng")
        }
    }

    @Test func anUnwritablePathIsACannotOpenError() {
        #expect(throws: CaptureError(.cannotOpen, at: 0, "")) { try CaptureWriter(path: "/nonexistent-folder/x.pcapng") }
    }
}
