import Foundation
import Testing

@Suite(.serialized) struct InspectCommandTests {
    static let sample = "Samples/http-keepalive.pcap"

    /// Packet numbers and counts of the sample (the "capture" key of its expected file).
    static func facts() throws -> SampleExpected.Capture { try SampleExpected.capture("http-keepalive") }

    func sampleBytes() throws -> [UInt8] {
        Array(try Data(contentsOf: CommandRunner.root.appendingPathComponent(Self.sample)))
    }

    @Test func showsOnePacketLayerByLayer() throws {
        // The client's SYN: the first packet with SYN set.
        let syn = try #require(try Self.facts().tcp.first?.synPackets.first)
        let result = try CommandRunner.run(["inspect", Self.sample, "--packet", "\(syn)", "--color", "never"])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("Packet \(syn) · ") == true)
        #expect(lines.filter { $0.hasPrefix("  Layer ") }.map { String($0.prefix(38)) } == [
            "  Layer 2 · Data link · Ethernet II  0",
            "  Layer 3 · Network · Internet Protoco",
            "  Layer 4 · Transport · Transmission C",
        ])
        #expect(lines.contains("        .... ..1. = Syn: Set"))
        #expect(!result.output.contains("\u{1B}"))
    }

    @Test func selectsARangeAndAFilter() throws {
        let facts = try Self.facts()
        try #require(facts.packets >= 5, "the range 2-5 needs five packets")
        let range = try CommandRunner.run(["inspect", Self.sample, "--packets", "2-5", "--json"])
        #expect(range.output.split(separator: "\n").map { Self.number(of: $0) } == [2, 3, 4, 5])
        // The SYN and the SYN/ACK of every connection, as tshark finds them.
        let synPackets = facts.tcp.flatMap(\.synPackets).sorted()
        try #require(!synPackets.isEmpty)
        let filtered = try CommandRunner.run(["inspect", Self.sample, "-f", "tcp[tcpflags] & tcp-syn != 0", "--json"])
        #expect(filtered.output.split(separator: "\n").map { Self.number(of: $0) } == synPackets)
    }

    @Test func readsStandardInput() throws {
        let packets = try Self.facts().packets
        let result = try CommandRunner.run(["inspect", "-", "--json"], input: Data(try sampleBytes()))
        #expect(result.status == 0)
        #expect(result.output.split(separator: "\n").count == packets)
    }

    @Test func explainsWhatAFileThatIsNotACaptureIs() throws {
        let path = try CommandRunner.temporaryFile(Array("hello, world\n".utf8))
        let result = try CommandRunner.run(["inspect", path])
        #expect(result.status == 1)
        #expect(result.errors == "osiscope: \(path): not a pcap or pcapng capture: it starts with bytes 68 65 6c 6c instead of a capture's magic number (at byte offset 0)\n")
        #expect(result.output.isEmpty)
    }

    @Test func showsEverythingBeforeTheDamageThenExitsWithTwo() throws {
        let packets = try Self.facts().packets
        let bytes = try sampleBytes()
        // Cuts into the last record (the last packet has more than 20 bytes: no frame is smaller).
        let path = try CommandRunner.temporaryFile(Array(bytes.dropLast(20)))
        let result = try CommandRunner.run(["inspect", path, "--json"])
        #expect(result.status == 2)
        #expect(result.output.split(separator: "\n").count == packets - 1)
        #expect(result.errors.hasPrefix(
            "osiscope: \(path): damaged capture after packet \(packets - 1): packet \(packets) is cut off"))
        #expect(result.errors.hasSuffix("(at byte offset \(Self.offsetOfLastRecord(bytes)))\n"))
    }

    @Test func rejectsAnInvalidFilterAsAUsageError() throws {
        let result = try CommandRunner.run(["inspect", Self.sample, "-f", "tcp port eighty"])
        #expect(result.status == 64)
        #expect(result.errors.hasPrefix("osiscope: invalid capture filter 'tcp port eighty': "))
    }

    /// `--hex --field` marks the field's bytes; an unknown field or one without `--hex` is a usage error.
    @Test func picksOutAFieldInTheDump() throws {
        let shown = try CommandRunner.run(["inspect", "Samples/websocket-plain.pcapng", "--packet", "8", "--hex", "--field",
                                           "websocket.masking_key"])
        #expect(shown.status == 0)
        #expect(shown.output.contains("websocket.masking_key  bytes 68–71 (marked ^^)"))
        let unknown = try CommandRunner.run(["inspect", Self.sample, "--hex", "--field", "websocket.bogus"])
        #expect(unknown.status == 64)
        #expect(unknown.errors.contains("no field websocket.bogus; for example websocket.fin"))
        let alone = try CommandRunner.run(["inspect", Self.sample, "--field", "tcp.flags"])
        #expect(alone.status == 64)
        #expect(alone.errors.contains("--field picks out bytes in the hex dump: use it with --hex"))
    }

    @Test func honoursColourChoices() throws {
        let always = try CommandRunner.run(["inspect", Self.sample, "--packet", "1", "--color", "always"])
        #expect(always.output.contains("\u{1B}[34m"))
        // Not a terminal, so auto means no colour.
        let auto = try CommandRunner.run(["inspect", Self.sample, "--packet", "1"])
        #expect(!auto.output.contains("\u{1B}"))
    }

    /// Packet number of one JSON line.
    static func number(of line: Substring) -> Int {
        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return object?["number"] as? Int ?? -1
    }

    /// Walks the classic pcap records to find where the last one starts.
    static func offsetOfLastRecord(_ bytes: [UInt8]) -> Int {
        var offset = 24, last = 24
        while offset + 16 <= bytes.count {
            last = offset
            let length = Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16
            offset += 16 + length
        }
        return last
    }
}
