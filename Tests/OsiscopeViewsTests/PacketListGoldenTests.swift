import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeTestSupport
import OsiscopeViews
import OsiscopeWire

/// `osiscope packets` on every sample, at 80 and 120 columns, with and without colour.
@Suite struct PacketListGoldenTests {
    static let samples = ["http-keepalive.pcap", "websocket-plain.pcapng", "websocket-deflate.pcap", "websocket-ipv6.pcap",
                          "socketio-upgrade.pcapng"]

    static func render(_ sample: String, width: Int, colour: Bool) throws -> (String, [DecodedPacket]) {
        let recording = try PipelineRecording.record(path: GoldenFile.samples.appendingPathComponent(sample).path)
        let list = PacketList(style: TerminalStyle(enabled: colour), width: width)
        let lines = [list.header()] + recording.packets.map { list.line($0, since: recording.start!) }
        return (lines.joined(separator: "\n") + "\n", recording.packets)
    }

    @Test(arguments: samples)
    func packetList(sample: String) throws {
        let name = sample.split(separator: ".").first!
        for width in [80, 120] {
            let (plain, packets) = try Self.render(sample, width: width, colour: false)
            let lines = plain.split(separator: "\n")
            #expect(lines.count == packets.count + 1, "one line per packet and a header")
            #expect(lines.allSatisfy { $0.count <= width }, "\(sample) fits \(width) columns")
            try GoldenFile.check(plain, against: "\(name).packets.\(width).txt")
            try GoldenFile.check(try Self.render(sample, width: width, colour: true).0, against: "\(name).packets.\(width).ansi")
        }
    }

    /// The summary of a TCP segment uses relative numbers and names its options, as tshark's.
    @Test func synSummary() throws {
        let (plain, _) = try Self.render("http-keepalive.pcap", width: 200, colour: false)
        let syn = plain.split(separator: "\n")[1]
        #expect(syn.hasSuffix("TCP           74 40000 → 8080 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM WS=1024"), "\(syn)")
    }
}
