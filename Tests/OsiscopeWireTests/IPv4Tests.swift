import OsiscopeCapture
@testable import OsiscopeWire
import Testing

@Suite("IPv4")
struct IPv4Tests {
    @Test("The test helper's checksum matches RFC 1071's worked IPv4 example")
    func checksumHelperMatchesKnownHeader() {
        // A header often used to explain the checksum: the right value is 0xb861.
        let header = hex("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7")
        #expect(internetChecksum(header) == 0xb861)
        #expect(onesComplementSum(withIPv4Checksum(header)) == 0xffff)
        #expect(read16(withIPv4Checksum(header), at: 10) == 0xb861)
    }

    @Test("Every field of a plain 20-byte header, with a correct checksum")
    func headerFields() throws {
        let packet = decode(Samples.tcpSYN, link: .ethernet)
        let ip = try #require(packet.layer("ipv4"))
        #expect(ip.title == "Internet Protocol Version 4")
        #expect(ip.osi == .network)
        #expect(ip.span == Span(14, 20))
        #expect(ip.summary == "192.0.2.10 → 198.51.100.20")
        #expect(ip.diagnostics.isEmpty)

        #expect(packet.value("ip.version") == .number(4))
        #expect(packet.span("ip.version") == Span(14, 1))
        #expect(packet.value("ip.hdr_len") == .number(20))
        #expect(packet.note("ip.hdr_len") == "bytes (5)")
        #expect(packet.value("ip.dsfield") == .number(0))
        #expect(packet.value("ip.dsfield.dscp") == .number(0))
        #expect(packet.span("ip.dsfield") == Span(15, 1))
        #expect(packet.value("ip.len") == .number(60))
        #expect(packet.span("ip.len") == Span(16, 2))
        #expect(packet.value("ip.id") == .number(0x1c46))
        #expect(packet.span("ip.id") == Span(18, 2))
        #expect(packet.value("ip.flags") == .number(0x2)) // As tshark: the three bits shifted down, DF = 0x2.
        #expect(packet.note("ip.flags") == "(Don't fragment)")
        #expect(packet.span("ip.flags") == Span(20, 2))
        #expect(packet.value("ip.flags.rb") == .flag(false))
        #expect(packet.value("ip.flags.df") == .flag(true))
        #expect(packet.value("ip.flags.mf") == .flag(false))
        #expect(packet.value("ip.frag_offset") == .number(0))
        #expect(packet.value("ip.ttl") == .number(64))
        #expect(packet.span("ip.ttl") == Span(22, 1))
        #expect(packet.value("ip.proto") == .number(6))
        #expect(packet.span("ip.proto") == Span(23, 1))
        #expect(packet.value("ip.checksum") == .number(0x3224))
        #expect(packet.note("ip.checksum") == "[correct]")
        #expect(packet.span("ip.checksum") == Span(24, 2))
        #expect(packet.value("ip.src") == .text("192.0.2.10"))
        #expect(packet.span("ip.src") == Span(26, 4))
        #expect(packet.value("ip.dst") == .text("198.51.100.20"))
        #expect(packet.span("ip.dst") == Span(30, 4))
        #expect(packet.field("ip.options") == nil)
        #expect(ip.fields.map(\.key) == ["ip.version", "ip.hdr_len", "ip.dsfield", "ip.len", "ip.id", "ip.flags",
                                         "ip.frag_offset", "ip.ttl", "ip.proto", "ip.checksum", "ip.src", "ip.dst"])
    }

    /// RFC 791 §3.1 header with 8 bytes of options, carrying an IGMPv2 report (RFC 2236).
    static let routerAlertPacket = withIPv4Checksum(hex(
        "47",                   // version 4, IHL 7 (28 bytes)
        "c0",                   // DSCP 48 (CS6), ECN 0
        "00 24",                // total length 36 = 28 header + 8 IGMP
        "00 00 00 00",          // identification 0, no flags, offset 0
        "01 02 00 00",          // TTL 1, protocol 2 IGMP, header checksum (computed)
        "c0 a8 01 64",          // source 192.168.1.100
        "e0 00 00 fb",          // destination 224.0.0.251
        "94 04 00 00",          // RFC 2113: Router Alert, type 0x94 (copied, class 0, number 20), length 4, value 0
        "01",                   // RFC 791 §3.1: No Operation
        "00 00 00")) + hex(     // End of Option List, then zero fill to the 4-byte boundary
        "16 00 fa 04 e0 00 00 fb")  // RFC 2236 §2: IGMPv2 membership report for 224.0.0.251

    @Test("Options: Router Alert, No Operation and End of Option List")
    func routerAlertOption() throws {
        let packet = decode(Self.routerAlertPacket, link: .raw)
        #expect(packet.layerKeys == ["ipv4", "data"])
        #expect(packet.diagnosticList == [])
        #expect(packet.layer("ipv4")?.span == Span(0, 28))
        #expect(packet.value("ip.hdr_len") == .number(28))
        #expect(packet.note("ip.hdr_len") == "bytes (7)")
        #expect(packet.value("ip.dsfield") == .number(0xc0))
        #expect(packet.value("ip.dsfield.dscp") == .number(48))
        #expect(packet.value("ip.dsfield.ecn") == .number(0))
        #expect(packet.value("ip.proto") == .number(2))
        #expect(packet.field("ip.proto")?.descriptor.names?(2) == "IGMP")
        // The checksum covers the options too.
        #expect(packet.note("ip.checksum") == "[correct]")

        let options = try #require(packet.field("ip.options"))
        #expect(options.span == Span(20, 8))
        #expect(options.note == "(8 bytes)")
        #expect(options.children.map(\.key) == ["ip.opt.type", "ip.opt.type", "ip.opt.type"])
        #expect(options.children.map(\.value) == [.number(0x94), .number(0x01), .number(0x00)])
        #expect(options.children.map(\.span) == [Span(20, 4), Span(24, 1), Span(25, 1)])
        #expect(options.children.map(\.note) == [nil, "(No-Operation)", "(End of Option List)"])
        let length = try #require(options.children.first?.children.first)
        #expect(length.key == "ip.opt.len")
        #expect(length.value == .number(4))
        #expect(length.span == Span(21, 1))

        #expect(packet.layer("data")?.span == Span(28, 8))
        #expect(packet.value("data.data") == .bytes(hex("16 00 fa 04 e0 00 00 fb")))
    }

    @Test("An option whose length runs past the header")
    func optionLengthTooLong() {
        let bytes = withIPv4Checksum(hex(
            "46 00 00 18",          // version 4, IHL 6 (24 bytes), total length 24
            "00 00 00 00",          // identification, flags, offset
            "01 02 00 00",          // TTL 1, protocol 2 IGMP, checksum (computed)
            "c0 a8 01 64 e0 00 00 fb", // source 192.168.1.100, destination 224.0.0.251
            "94 08 00 00"))         // Router Alert claiming length 8 in a 4-byte option area
        let packet = decode(bytes, link: .raw)
        #expect(packet.layerKeys == ["ipv4"])
        #expect(packet.diagnosticList == ["error ip.opt.len.bad"])
        #expect(packet.diagnostic("ip.opt.len.bad")?.offset == 20)
        #expect(packet.diagnostic("ip.opt.len.bad")?.length == 4)
        #expect(packet.field("ip.options")?.children.count == 0)
    }

    @Test("A wrong header checksum is reported with the value it should have")
    func badHeaderChecksum() throws {
        // RFC 791 §3.1: header checksum at bytes 24–25 of the frame; 0xbeef instead of 0x3224.
        let frame = setting16(Samples.tcpSYN, at: 24, to: 0xbeef)
        let packet = decode(frame, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "ipv4", "tcp"])
        #expect(packet.diagnosticList == ["warning ip.checksum.bad"])
        #expect(packet.value("ip.checksum") == .number(0xbeef))
        #expect(packet.note("ip.checksum") == "[incorrect, should be 0x3224]")
        let diagnostic = try #require(packet.diagnostic("ip.checksum.bad"))
        #expect(diagnostic.severity == .warning)
        #expect(diagnostic.offset == 24)
        #expect(diagnostic.length == 2)
        #expect(diagnostic.message == "IPv4 header checksum is wrong [incorrect, should be 0x3224]")
        // The TCP checksum does not cover the IP checksum field.
        #expect(packet.note("tcp.checksum") == "[correct]")
    }

    @Test("First fragment (MF set): the payload is data, not TCP")
    func firstFragment() throws {
        let bytes = withIPv4Checksum(hex(
            "45 00 00 2c",          // version 4, IHL 5, total length 44 = 20 + 24 payload bytes
            "12 34",                // identification 0x1234
            "20 00",                // flags MF (more fragments), fragment offset 0
            "40 06 00 00",          // TTL 64, protocol 6 TCP, checksum (computed)
            "c0 00 02 0a c6 33 64 14")) + hex( // source 192.0.2.10, destination 198.51.100.20
            "9c 40 1f 90 00 00 00 01 00 00 00 00 50 02 ff ff 00 00 00 00", // the start of a TCP header
            "de ad be ef")          // and of its data
        let packet = decode(bytes, link: .raw)
        #expect(packet.layerKeys == ["ipv4", "data"])
        #expect(packet.osiLevels == [.network, .application])
        #expect(packet.layer("tcp") == nil)
        #expect(packet.field("tcp.srcport") == nil)
        #expect(packet.diagnosticList == ["note ip.fragment"])
        let note = try #require(packet.diagnostic("ip.fragment"))
        #expect(note.message == "fragment of datagram 0x1234: bytes 0–23, more follow; fragments are not reassembled, so the payload is shown as data")
        #expect(note.offset == 6)
        #expect(note.length == 2)
        #expect(packet.value("ip.flags") == .number(0x1))
        #expect(packet.note("ip.flags") == "(More fragments)")
        #expect(packet.value("ip.flags.mf") == .flag(true))
        #expect(packet.value("ip.flags.df") == .flag(false))
        #expect(packet.value("ip.frag_offset") == .number(0))
        #expect(packet.layer("ipv4")?.summary == "192.0.2.10 → 198.51.100.20 (fragment)")
        #expect(packet.layer("data")?.span == Span(20, 24))
        #expect(packet.transport == nil)
    }

    @Test("Last fragment with an offset: the offset is shown in bytes")
    func laterFragment() throws {
        let bytes = withIPv4Checksum(hex(
            "45 00 00 1c",          // version 4, IHL 5, total length 28 = 20 + 8
            "12 34",                // identification 0x1234
            "00 b9",                // no flags (last fragment), offset 185 units = 1480 bytes
            "40 06 00 00",          // TTL 64, protocol 6 TCP, checksum (computed)
            "c0 00 02 0a c6 33 64 14")) + hex( // source, destination
            "01 02 03 04 05 06 07 08") // the datagram's bytes 1480–1487
        let packet = decode(bytes, link: .raw)
        #expect(packet.layerKeys == ["ipv4", "data"])
        #expect(packet.layer("tcp") == nil)
        #expect(packet.diagnosticList == ["note ip.fragment"])
        #expect(packet.diagnostic("ip.fragment")?.message.hasPrefix("fragment of datagram 0x1234: bytes 1480–1487, the last one;") == true)
        #expect(packet.value("ip.frag_offset") == .number(1480))
        #expect(packet.span("ip.frag_offset") == Span(6, 2))
        #expect(packet.value("ip.flags") == .number(0))
        #expect(packet.note("ip.flags") == nil)
        #expect(packet.value("ip.flags.mf") == .flag(false))
        #expect(packet.layer("data")?.span == Span(20, 8))
    }

    @Test("Total length larger than the bytes present, nothing cut: ip.len.bad")
    func totalLengthTooLarge() throws {
        // The SYN's IPv4 header with total length 80 instead of 60 (checksum recomputed).
        let ip = withIPv4Checksum(setting16(Samples.synIPv4, at: 2, to: 80))
        let packet = decode(Samples.synEthernet + ip + Samples.synTCP, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "ipv4", "tcp"])
        #expect(packet.diagnosticList == ["error ip.len.bad"])
        let diagnostic = try #require(packet.diagnostic("ip.len.bad"))
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message == "total length 80 is more than the 60 bytes present")
        #expect(diagnostic.offset == 16)
        #expect(diagnostic.length == 2)
        #expect(packet.note("ip.checksum") == "[correct]")
        // TCP cannot check a segment that is not all there.
        #expect(packet.note("tcp.checksum") == "[unverified: segment not captured whole]")
    }

    @Test("Packet cut by the snap length: truncated, not malformed, and no ip.len.bad")
    func packetCutBySnapLength() throws {
        // 44 of the SYN's 74 bytes captured: the IPv4 header and 10 bytes of TCP.
        let packet = decode(Array(Samples.tcpSYN.prefix(44)), link: .ethernet, originalLength: 74)
        #expect(packet.packet.isTruncated)
        #expect(packet.layerKeys == ["eth", "ipv4", "tcp"])
        #expect(packet.diagnosticList == ["warning wire.truncated"])
        #expect(packet.diagnostic("wire.malformed") == nil)
        #expect(packet.diagnostic("ip.len.bad") == nil)
        #expect(packet.layer("tcp")?.diagnostics.first?.severity == .warning)
        #expect(packet.note("ip.checksum") == "[correct]")
        #expect(packet.value("ip.len") == .number(60))
        // The first TCP bytes are still shown.
        #expect(packet.layer("tcp")?.span == Span(34, 10))
        #expect(packet.value("tcp.srcport") == .number(40000))
        #expect(packet.value("tcp.dstport") == .number(8080))
        #expect(packet.field("tcp.seq_raw") == nil)
    }

    @Test("IPv4 header itself cut by the snap length")
    func headerCutBySnapLength() {
        let packet = decode(Array(Samples.tcpSYN.prefix(30)), link: .ethernet, originalLength: 74)
        #expect(packet.layerKeys == ["eth", "ipv4", "data"])
        #expect(packet.diagnosticList == ["warning wire.truncated"])
        #expect(packet.layer("ipv4")?.span == Span(14, 16))
        #expect(packet.layer("data")?.span == Span(14, 16))
    }

    @Test("Total length shorter than the header")
    func totalLengthBelowHeaderLength() throws {
        let bytes = withIPv4Checksum(setting16(Samples.pingIPv4Header, at: 2, to: 16)) + Samples.pingICMP
        let packet = decode(bytes, link: .raw)
        #expect(packet.layerKeys == ["ipv4"])
        #expect(packet.diagnosticList == ["error ip.len.bad"])
        #expect(packet.diagnostic("ip.len.bad")?.message == "total length 16 is less than the header length 20")
    }

    @Test("Total length zero (segmentation offload): the captured length is used")
    func totalLengthZero() {
        let bytes = withIPv4Checksum(setting16(Samples.pingIPv4Header, at: 2, to: 0)) + Samples.pingICMP
        let packet = decode(bytes, link: .raw)
        #expect(packet.layerKeys == ["ipv4", "icmp", "data"])
        #expect(packet.diagnosticList == ["note ip.len.zero"])
        #expect(packet.value("ip.len") == .number(0))
        #expect(packet.note("icmp.checksum") == "[correct]")
        #expect(packet.layer("data")?.span == Span(28, 8))
    }

    @Test("Header length below 20 bytes")
    func headerLengthTooSmall() {
        // IHL 4 (16 bytes), which RFC 791 does not allow.
        let bytes = withIPv4Checksum(replacing(Samples.pingIPv4Header, at: 0, with: [0x44])) + Samples.pingICMP
        let packet = decode(bytes, link: .raw)
        #expect(packet.layerKeys == ["ipv4", "data"])
        #expect(packet.diagnosticList == ["error ip.hdr_len.bad"])
        #expect(packet.value("ip.hdr_len") == .number(16))
        #expect(packet.note("ip.hdr_len") == "bytes (4)")
        #expect(packet.note("ip.checksum") == "[unverified: header not captured]")
        #expect(packet.layer("ipv4")?.span == Span(0, 20))
        #expect(packet.layer("data")?.span == Span(20, 16))
    }

    @Test("A version other than 4 under LINKTYPE_IPV4")
    func wrongVersion() {
        let bytes = withIPv4Checksum(replacing(Samples.pingIPv4Header, at: 0, with: [0x55])) + Samples.pingICMP
        let packet = decode(bytes, link: .ipv4)
        #expect(packet.layerKeys == ["ipv4", "icmp", "data"])
        #expect(packet.diagnosticList == ["error ip.version.bad"])
        #expect(packet.value("ip.version") == .number(5))
    }
}
