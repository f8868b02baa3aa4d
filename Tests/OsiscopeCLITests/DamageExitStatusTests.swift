import Foundation
import OsiscopeTestSupport
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

    /// Byte offsets where each record (pcap) or block (pcapng) starts, after the file header
    /// or section header, read from the lengths the file itself gives.
    static func recordOffsets(_ bytes: [UInt8]) -> [Int] {
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        var offsets: [Int] = []
        let pcapng = u32(0) == 0x0A0D_0D0A
        var at = pcapng ? u32(4) : 24
        while at + 16 <= bytes.count {
            offsets.append(at)
            at += pcapng ? u32(at + 4) : 16 + u32(at + 8)
        }
        return offsets
    }

    static func packetLines(_ path: String) throws -> (lines: [Substring], result: CommandRunner.Result) {
        let result = try CommandRunner.run(["packets", path])
        return (result.output.split(separator: "\n"), result)
    }

    /// Garbage between two records, and a record with an impossible length, in the middle of a
    /// pcap and of a pcapng file: every packet before the damage is shown exactly as in the whole
    /// file, then the damage is named with its offset, exit 2.
    @Test(arguments: ["http-keepalive.pcap", "websocket-plain.pcapng"])
    func damageInTheMiddleKeepsWhatCameBefore(sample: String) throws {
        let original = [UInt8](try Data(contentsOf: CommandRunner.root.appendingPathComponent("Samples/\(sample)")))
        let whole = try Self.packetLines(CommandRunner.root.appendingPathComponent("Samples/\(sample)").path).lines
        let offsets = Self.recordOffsets(original)
        let pcapng = sample.hasSuffix("pcapng")
        // pcapng: the interface block comes first, so record k starts packet k; pcap: packet k + 1.
        let cut = offsets.count / 2, packetsBefore = pcapng ? cut - 1 : cut
        var garbage = original
        garbage.insert(contentsOf: Array(repeating: 0x5A, count: 13), at: offsets[cut])
        var absurd = original
        absurd.replaceSubrange((offsets[cut] + (pcapng ? 4 : 8))..<(offsets[cut] + (pcapng ? 8 : 12)), with: [0xF0, 0xFF, 0xFF, 0xFF])
        for (name, bytes) in [("garbage", garbage), ("impossible length", absurd)] {
            let path = try CommandRunner.temporaryFile(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (lines, result) = try Self.packetLines(path)
            #expect(result.status == 2, "\(sample) \(name)")
            // The header line, then the packets before the damage.
            #expect(lines == Array(whole.prefix(1 + packetsBefore)), "\(sample) \(name)")
            #expect(result.errors.hasPrefix("osiscope: \(path): damaged capture after packet \(packetsBefore): "), "\(result.errors)")
            // A pcap record is named by its start, a pcapng block by its length field.
            #expect(result.errors.hasSuffix("(at byte offset \(offsets[cut] + (pcapng ? 4 : 0)))\n"), "\(sample) \(name): \(result.errors)")
        }
    }

    /// Bit errors in packet data (editcap -E, seeded): the file is whole, so every packet is
    /// shown and the exit is 0; each packet before the first changed one reads as before.
    @Test(arguments: ConformanceCaptures.all.filter { $0.contains("/Samples/") })
    func bitFlippedPacketsAreDecodedWithinBounds(capture: String) throws {
        let flipped = try CommandRunner.temporaryFile([]) + (capture.hasSuffix("pcapng") ? ".pcapng" : ".pcap")
        defer { try? FileManager.default.removeItem(atPath: flipped) }
        #expect(try ChildProcess.run("/usr/bin/editcap", ["-E", "0.002", "--seed", "7", capture, flipped]).status == 0)
        func hashes(_ path: String) throws -> [Substring] {
            try FilterCommandTests.tshark(["-r", path, "-o", "frame.generate_md5_hash:TRUE", "-T", "fields", "-e", "frame.md5_hash"])
                .split(separator: "\n")
        }
        let before = try hashes(capture), after = try hashes(flipped)
        #expect(before.count == after.count)
        let firstChanged = before.indices.first { before[$0] != after[$0] } ?? before.count
        let whole = try Self.packetLines(capture).lines
        let (lines, result) = try Self.packetLines(flipped)
        #expect(result.status == 0, "\(result.errors)")
        #expect(lines.count == whole.count)
        #expect(Array(lines.prefix(1 + firstChanged)) == Array(whole.prefix(1 + firstChanged)))
        for command in [["messages", "--json"], ["streams", "--json"], ["inspect", "--json"]] {
            let run = try ChildProcess.run(CommandRunner.binary.path, [command[0], flipped] + command.dropFirst(), seconds: 120)
            #expect(run.status == 0, "\(command): \(run.errorText)")
            #expect(run.peakMemory < 512 << 20)
        }
    }
}
