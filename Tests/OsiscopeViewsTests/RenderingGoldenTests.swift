import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews
import OsiscopeWire
import OsiscopeTestSupport

/// The tree, hex and JSON views of real sample packets, compared with reviewed golden files.
@Suite struct RenderingGoldenTests {
    static func packet(_ number: Int, of sample: String) throws -> DecodedPacket {
        let pipeline = PacketPipeline(source: try CaptureReader(path: GoldenFile.samples.appendingPathComponent(sample).path))
        while let event = try pipeline.next() {
            if case .packet(let packet) = event, packet.packet.number == number { return packet.decoded() }
        }
        throw CaptureError(.cutOff, at: 0, "\(sample) has no packet \(number)")
    }

    @Test func treeOfATCPHandshakeOpening() throws {
        let syn = try Self.packet(1, of: "http-keepalive.pcap")
        #expect(syn.layers.map(\.protocolKey) == ["eth", "ipv4", "tcp"])
        try GoldenFile.check(TreeRenderer().render(syn), against: "http-syn.tree.txt")
    }

    @Test func explainedTreeOfAnHTTPRequestSegment() throws {
        let request = try Self.packet(4, of: "http-keepalive.pcap")
        #expect(request.layers.map(\.protocolKey) == ["eth", "ipv4", "tcp", "http"])
        try GoldenFile.check(TreeRenderer(explain: true).render(request), against: "http-request.explain.txt")
    }

    @Test func treeOfIPv6OverLinuxCookedV2() throws {
        let packet = try Self.packet(1, of: "websocket-ipv6.pcap")
        #expect(packet.layers.map(\.protocolKey) == ["sll", "ipv6", "tcp"])
        try GoldenFile.check(TreeRenderer().render(packet), against: "ipv6-sll2.tree.txt")
    }

    @Test func hexDumpPlainAndColoured() throws {
        let request = try Self.packet(4, of: "http-keepalive.pcap")
        try GoldenFile.check(HexDump().render(request), against: "http-request.hex.txt")
        try GoldenFile.check(HexDump(style: TerminalStyle(enabled: true)).render(request), against: "http-request.hex.ansi")
    }

    @Test func colouredTreeUsesOneColourPerOSILayer() throws {
        let syn = try Self.packet(1, of: "http-keepalive.pcap")
        try GoldenFile.check(TreeRenderer(style: TerminalStyle(enabled: true)).render(syn), against: "http-syn.tree.ansi")
    }

    @Test func webSocketFrameWithItsUnmaskedPayload() throws {
        let frame = try Self.packet(8, of: "websocket-ipv6.pcap")
        #expect(frame.layers.map(\.protocolKey) == ["sll", "ipv6", "tcp", "websocket"])
        try GoldenFile.check(TreeRenderer().render(frame) + HexDump().render(frame), against: "websocket-frame.txt")
    }

    /// `--hex --field`: the masking key's four bytes reversed and marked ^^ under their row, and
    /// named in the legend; a field the packet does not have is said so.
    @Test func oneFieldPickedOutOfTheDump() throws {
        let frame = try Self.packet(8, of: "websocket-plain.pcapng")
        let plain = HexDump(field: "websocket.masking_key").render(frame)
        #expect(plain.contains("websocket.masking_key  bytes 68–71 (marked ^^)"))
        #expect(plain.components(separatedBy: "^^ ^^ ^^ ^^").count == 2)
        try GoldenFile.check(plain, against: "websocket-masking-key.hex.txt")
        try GoldenFile.check(HexDump(style: TerminalStyle(enabled: true), field: "websocket.masking_key").render(frame),
                             against: "websocket-masking-key.hex.ansi")
        let flags = HexDump(field: "tcp.flags").render(frame)
        #expect(flags.contains("tcp.flags  bytes 46–47 (marked ^^)"))
        let syn = try Self.packet(1, of: "http-keepalive.pcap")
        #expect(HexDump(field: "websocket.masking_key").render(syn).contains("websocket.masking_key  is not in this packet's bytes"))
    }

    @Test func webSocketUpgradeResponseShowsTheCheckedAccept() throws {
        let response = try Self.packet(6, of: "websocket-ipv6.pcap")
        try GoldenFile.check(PacketJSON.encode(response) + "\n", against: "websocket-101.json")
    }

    @Test func jsonLinesContract() throws {
        let syn = try Self.packet(1, of: "http-keepalive.pcap")
        try GoldenFile.check(PacketJSON.encode(syn) + "\n", against: "http-syn.json")
    }

    /// A WebSocket frame that arrived in several segments: its layer's bytes come from the
    /// stream, and the `reassembled` object says from which packets.
    @Test func jsonOfAReassembledWebSocketFrame() throws {
        let packet = try Self.packet(73, of: "websocket-plain.pcapng")
        let layer = try #require(packet.layers.last)
        #expect(layer.protocolKey == "websocket")
        #expect(layer.source?.packets.count == 49) // tshark: tcp.segment.count 49
        try GoldenFile.check(PacketJSON.encode(packet) + "\n", against: "websocket-reassembled.json")
    }

    /// Binary values: the masking key, the masked payload shown unmasked, the binary message.
    @Test func jsonOfABinaryFrame() throws {
        let packet = try Self.packet(17, of: "websocket-plain.pcapng")
        let binary = try #require(packet.layers.last?.field("websocket.payload.binary"))
        #expect(binary.value == .bytes(Array(0..<16)))
        try GoldenFile.check(PacketJSON.encode(packet) + "\n", against: "websocket-binary.json")
    }

    /// Packet 9 of the HTTP sample (a whole response) left out: packet 10 follows a hole and
    /// packet 11 acknowledges bytes never seen, as tshark reports them, and each response after
    /// the hole says its pairing with a request is uncertain.
    @Test func jsonOfPacketsWithDiagnostics() throws {
        let packets = try PipelineRecording.capturedPackets(path: GoldenFile.samples.appendingPathComponent("http-keepalive.pcap").path)
        let recording = try PipelineRecording.record(packets.filter { $0.number != 9 })
        let flagged = recording.packets.filter { !$0.allDiagnostics.isEmpty }
        #expect(flagged.map(\.packet.number) == [10, 11, 17, 19, 21, 26])
        #expect(flagged.map { $0.allDiagnostics.map(\.key) } == [
            ["tcp.analysis.lost_segment"], ["tcp.analysis.ack_lost_segment", "tcp.reassembly.gap", "http.gap"],
        ] + Array(repeating: ["http.pairing.uncertain"], count: 4))
        try GoldenFile.check(flagged.prefix(3).map { PacketJSON.encode($0) + "\n" }.joined(), against: "http-lost-segment.json")
    }
}
