import Testing
import OsiscopeTestSupport
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeWire

/// Issue 2's check: per packet, addresses, ports, raw sequence numbers, segment lengths, flags
/// and stream numbers equal tshark's on every sample and corpus capture.
@Suite struct PacketFieldConformanceTests {
    static let keys = ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
                       "tcp.seq_raw", "tcp.len", "tcp.flags", "tcp.stream", "tcp.seq", "tcp.ack", "udp.srcport", "udp.dstport",
                       // HTTP headers with keys of their own, on the packet that completes the message.
                       "http.host", "http.user_agent", "http.upgrade", "http.connection", "http.content_type",
                       "http.content_length_header", "http.content_length", "http.server", "http.sec_websocket_key", "http.sec_websocket_accept",
                       "http.sec_websocket_version", "http.sec_websocket_extensions", "http.sec_websocket_protocol"]

    @Test func theSamplesAndCorpusAreThere() {
        // Guards the parameterised test below against silently running on nothing.
        let samples = ConformanceCaptures.all.filter { $0.contains("/Samples/") }
        #expect(samples.count >= 5)
    }

    @Test(arguments: ConformanceCaptures.all)
    func fieldsEqualTsharks(path: String) throws {
        let reference = try Tshark.fields(Self.keys, of: path)
        let ours = try Self.fields(of: path)
        let name = ConformanceCaptures.label(path)
        #expect(ours.count == reference.count, "\(name): packet count")
        var mismatches: [String] = []
        for (index, (mine, theirs)) in zip(ours, reference).enumerated() where mine != theirs {
            mismatches.append("packet \(index + 1): osiscope \(mine.sorted { $0.key < $1.key }) tshark \(theirs.sorted { $0.key < $1.key })")
        }
        #expect(mismatches.isEmpty, "\(name): \(mismatches.prefix(3).joined(separator: "\n"))")
    }

    /// Our values written the way `tshark -T fields` writes them.
    static func fields(of path: String) throws -> [[String: String]] {
        var rows: [[String: String]] = []
        for packet in try PipelineRecording.record(path: path).packets {
            var row: [String: String] = [:]
            for key in keys {
                guard let field = packet.field(key) else { continue }
                switch (key, field.value) {
                case ("tcp.flags", .number(let value)): row[key] = "0x" + String(value, radix: 16).leftPad(4)
                case (_, .number(let value)): row[key] = String(value)
                case (_, .text(let text)): row[key] = text
                default: continue
                }
            }
            rows.append(row)
        }
        return rows
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
