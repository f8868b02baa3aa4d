import Foundation
import Testing

/// Exit 2 for a capture damaged anywhere, even in its first record or block; exit 1 only for a
/// file that is not a capture at all. The message names the byte offset.
@Suite struct DamageExitStatusTests {
    static func u32le(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    static func u16le(_ value: UInt16) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    /// A classic pcap header (magic, version 2.4, snap length 65535, Ethernet), then a first
    /// record header whose captured length claims 4 GB.
    static let pcapFirstRecordAbsurd: [UInt8] = u32le(0xA1B2_C3D4) + u16le(2) + u16le(4) + u32le(0) + u32le(0) + u32le(65_535) + u32le(1)
        + u32le(0) + u32le(0) + u32le(0xFFFF_FFF0) + u32le(0xFFFF_FFF0) + Array(repeating: 0x78, count: 10)

    /// A pcapng Section Header Block (draft-ietf-opsawg-pcapng §4.1: type, length 28, byte-order
    /// magic, version 1.0, section length -1), then a block whose length claims 4 GB.
    static let pcapngFirstBlockAbsurd: [UInt8] = u32le(0x0A0D_0D0A) + u32le(28) + u32le(0x1A2B_3C4D) + u16le(1) + u16le(0)
        + Array(repeating: 0xFF, count: 8) + u32le(28) + u32le(6) + u32le(0xFFFF_FFF0) + Array(repeating: 0, count: 16)

    @Test(arguments: [
        ("pcap", pcapFirstRecordAbsurd, "packet 1 claims 4294967280 captured bytes, more than the limit of 16777216 (at byte offset 24)"),
        ("pcapng", pcapngFirstBlockAbsurd, "a pcapng block claims a length of 4294967280 bytes, which is impossible (at byte offset 32)"),
    ])
    func damageInTheFirstRecordIsExit2(format: String, bytes: [UInt8], reason: String) throws {
        let path = try CommandRunner.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for command in [["packets"], ["inspect", "--json"], ["messages", "--json"], ["streams"]] {
            let result = try CommandRunner.run([command[0], path] + command.dropFirst())
            #expect(result.status == 2, "\(format) \(command[0])")
            #expect(result.errors.hasSuffix("damaged capture after packet 0: \(reason)\n"), "\(result.errors)")
        }
    }

    @Test func aFileThatIsNotACaptureIsExit1() throws {
        let path = try CommandRunner.temporaryFile(Array("hello world, not a capture".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CommandRunner.run(["packets", path])
        #expect(result.status == 1)
        #expect(result.errors == "osiscope: \(path): not a pcap or pcapng capture: it starts with bytes 68 65 6c 6c instead of a capture's magic number (at byte offset 0)\n")
    }
}
