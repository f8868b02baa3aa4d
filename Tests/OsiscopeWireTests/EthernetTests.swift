import OsiscopeCapture
@testable import OsiscopeWire
import Testing

@Suite("Ethernet, 802.1Q and 802.1ad")
struct EthernetTests {
    @Test("Ethernet II header: addresses, address bits and EtherType")
    func ethernetIIHeader() throws {
        let packet = decode(Samples.tcpSYN, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "ipv4", "tcp"])
        #expect(packet.osiLevels == [.dataLink, .network, .transport])
        #expect(packet.diagnosticList == [])

        let eth = try #require(packet.layer("eth"))
        #expect(eth.title == "Ethernet II")
        #expect(eth.span == Span(0, 14))
        #expect(eth.summary == "00:1b:21:3a:4f:5e → 52:54:00:12:34:56")

        #expect(packet.value("eth.dst") == .text("52:54:00:12:34:56"))
        #expect(packet.span("eth.dst") == Span(0, 6))
        // 0x52 = 0101 0010: the LG bit (0x02) is set, the IG bit (0x01) is not.
        #expect(packet.value("eth.dst.lg") == .flag(true))
        #expect(packet.value("eth.dst.ig") == .flag(false))
        #expect(packet.span("eth.dst.ig") == Span(0, 6))
        #expect(packet.value("eth.src") == .text("00:1b:21:3a:4f:5e"))
        #expect(packet.span("eth.src") == Span(6, 6))
        #expect(packet.value("eth.type") == .number(0x0800))
        #expect(packet.span("eth.type") == Span(12, 2))
        #expect(packet.field("eth.type")?.descriptor.names?(0x0800) == "IPv4")
        #expect(packet.field("eth.len") == nil)
        #expect(packet.field("eth.padding") == nil)
        #expect(packet.layer("ipv4")?.offset == 14)
    }

    @Test("Padding after a short IPv4 packet goes to eth.padding, not to TCP")
    func paddingAfterShortIPv4Packet() throws {
        let ipv4 = withIPv4Checksum(hex(
            "45 00",            // RFC 791 §3.1: version 4, IHL 5, DS field 0
            "00 28",            // total length 40 = 20 IP + 20 TCP: the frame's last 6 bytes are not IP
            "1c 47 40 00",      // identification 0x1c47, DF
            "40 06 00 00",      // TTL 64, protocol 6 TCP, header checksum (computed)
            "c0 00 02 0a",      // source 192.0.2.10
            "c6 33 64 14"))     // destination 198.51.100.20
        let tcp = withTransportChecksum(hex(
            "9c 40 1f 90",      // RFC 9293 §3.1: source port 40000, destination port 8080
            "3b 9a ca 01",      // sequence number 1000000001
            "77 35 94 01",      // acknowledgment number 2000000001
            "50 10 01 f6",      // data offset 5, flags 0x010 ACK, window 502
            "00 00 00 00"),     // checksum (computed), urgent pointer 0
            checksumAt: 16, source: Samples.clientIPv4, destination: Samples.serverIPv4, protocolNumber: 6)
        // IEEE 802.3 §3.2.7: frames shorter than 64 bytes (60 without FCS) are padded.
        let frame = Samples.synEthernet + ipv4 + tcp + hex("00 00 00 00 00 00")
        #expect(frame.count == 60)

        let packet = decode(frame, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "ipv4", "tcp"])
        #expect(packet.diagnosticList == [])
        #expect(packet.value("eth.padding") == .bytes([0, 0, 0, 0, 0, 0]))
        #expect(packet.span("eth.padding") == Span(54, 6))
        // The padding lies outside the Ethernet header, but is listed with it.
        #expect(packet.layer("eth")?.fields.last?.key == "eth.padding")
        #expect(packet.layer("eth")?.span == Span(0, 14))
        // The checksum covers the 20 TCP bytes only, so it still verifies.
        #expect(packet.note("tcp.checksum") == "[correct]")
        #expect(packet.value("tcp.len") == .number(0))
        #expect(packet.layer("tcp")?.summary == "40000 → 8080 [ACK] Seq=1000000001 Ack=2000000001 Win=502 Len=0")
    }

    @Test("IEEE 802.3 frame: a length instead of an EtherType, LLC payload shown as data")
    func ieee8023LengthFrame() throws {
        let frame = hex(
            "01 80 c2 00 00 00",    // IEEE 802.3 §3.2.3: destination 01:80:c2:00:00:00 (STP group address)
            "00 1b 21 3a 4f 5e",    // source 00:1b:21:3a:4f:5e
            "00 26",                // §3.2.6: Length/Type 38 ≤ 1500, so a length
            "42 42 03",             // IEEE 802.2 LLC: DSAP 0x42, SSAP 0x42 (spanning tree), control 0x03 UI
            "00 00 00 00 00",       // IEEE 802.1D §9.3: protocol 0, version 0, type 0 (configuration), flags 0
            "80 00 00 1b 21 3a 4f 5e", // root identifier
            "00 00 00 00",          // root path cost 0
            "80 00 00 1b 21 3a 4f 5e", // bridge identifier
            "80 01 00 00 14 00 02 00 0f 00", // port 0x8001, message age 0, max age 20, hello 2, forward delay 15
            "00 00 00 00 00 00 00 00")  // padding to the 60-byte minimum
        #expect(frame.count == 60)

        let packet = decode(frame, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "data"])
        #expect(packet.osiLevels == [.dataLink, .application])
        #expect(packet.diagnosticList == [])
        let eth = try #require(packet.layer("eth"))
        #expect(eth.title == "IEEE 802.3 Ethernet")
        #expect(eth.span == Span(0, 14))
        #expect(packet.value("eth.len") == .number(38))
        #expect(packet.span("eth.len") == Span(12, 2))
        #expect(packet.field("eth.type") == nil)
        #expect(packet.value("eth.dst.ig") == .flag(true))
        #expect(packet.value("eth.dst.lg") == .flag(false))
        // The length bounds the LLC payload; the rest is padding.
        #expect(packet.layer("data")?.span == Span(14, 38))
        #expect(packet.value("data.len") == .number(38))
        #expect(packet.span("eth.padding") == Span(52, 8))
    }

    @Test("802.1Q tag: priority, DEI, VLAN ID and inner EtherType")
    func singleVLANTag() throws {
        let frame = hex(
            "52 54 00 12 34 56 00 1b 21 3a 4f 5e", // IEEE 802.3 §3.1.1: destination, source
            "81 00",            // EtherType 0x8100: an IEEE 802.1Q tag follows
            "a0 64",            // IEEE 802.1Q §9.6 TCI: PCP 5, DEI 0, VID 100
            "08 00") + Samples.pingIPv4 // EtherType 0x0800 IPv4

        let packet = decode(frame, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "vlan", "ipv4", "icmp", "data"])
        #expect(packet.osiLevels == [.dataLink, .dataLink, .network, .network, .application])
        #expect(packet.diagnosticList == [])
        #expect(packet.value("eth.type") == .number(0x8100))
        let vlan = try #require(packet.layer("vlan"))
        #expect(vlan.span == Span(14, 4))
        #expect(vlan.title == "802.1Q Virtual LAN")
        #expect(vlan.summary == "ID: 100")
        #expect(vlan.field("vlan.priority")?.value == .number(5))
        #expect(vlan.field("vlan.priority")?.span == Span(14, 2))
        #expect(vlan.field("vlan.dei")?.value == .flag(false))
        #expect(vlan.field("vlan.id")?.value == .number(100))
        #expect(vlan.field("vlan.id")?.span == Span(14, 2))
        #expect(vlan.field("vlan.etype")?.value == .number(0x0800))
        #expect(vlan.field("vlan.etype")?.span == Span(16, 2))
        #expect(packet.layer("ipv4")?.offset == 18)
        #expect(packet.note("ip.checksum") == "[correct]")
    }

    @Test("802.1ad double tag: outer S-tag then inner C-tag")
    func doubleTaggedFrame() throws {
        let frame = hex(
            "52 54 00 12 34 56 00 1b 21 3a 4f 5e", // IEEE 802.3 §3.1.1: destination, source
            "88 a8",            // EtherType 0x88a8: IEEE 802.1ad service tag
            "70 c8",            // S-tag TCI: PCP 3, DEI 1, VID 200
            "81 00",            // EtherType 0x8100: customer tag
            "00 2a",            // C-tag TCI: PCP 0, DEI 0, VID 42
            "08 00") + Samples.pingIPv4 // EtherType 0x0800 IPv4

        let packet = decode(frame, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "vlan", "vlan", "ipv4", "icmp", "data"])
        #expect(packet.diagnosticList == [])
        #expect(packet.value("eth.type") == .number(0x88a8))
        let tags = packet.layers("vlan")
        try #require(tags.count == 2)

        let outer = tags[0]
        #expect(outer.span == Span(14, 4))
        #expect(outer.summary == "ID: 200")
        #expect(outer.field("vlan.priority")?.value == .number(3))
        #expect(outer.field("vlan.dei")?.value == .flag(true))
        #expect(outer.field("vlan.dei")?.span == Span(14, 2))
        #expect(outer.field("vlan.id")?.value == .number(200))
        #expect(outer.field("vlan.etype")?.value == .number(0x8100))

        let inner = tags[1]
        #expect(inner.span == Span(18, 4))
        #expect(inner.summary == "ID: 42")
        #expect(inner.field("vlan.priority")?.value == .number(0))
        #expect(inner.field("vlan.dei")?.value == .flag(false))
        #expect(inner.field("vlan.id")?.value == .number(42))
        #expect(inner.field("vlan.id")?.span == Span(18, 2))
        #expect(inner.field("vlan.etype")?.value == .number(0x0800))

        #expect(packet.layer("ipv4")?.offset == 22)
        #expect(packet.layer("icmp")?.summary == "Echo (ping) request id=0x1234, seq=1")
    }

    @Test("A tower of VLAN tags stops at the layer limit and the rest is data")
    func vlanTowerIsCut() {
        var frame = hex("52 54 00 12 34 56 00 1b 21 3a 4f 5e 81 00") // destination, source, EtherType 802.1Q
        for _ in 0..<40 {
            frame += hex("00 01 81 00") // TCI VID 1, inner EtherType 802.1Q again
        }
        let packet = decode(frame, link: .ethernet)
        // Ethernet plus 31 tags reach the limit of 32 layers; what is left is data.
        #expect(packet.layerKeys == ["eth"] + Array(repeating: "vlan", count: 31) + ["data"])
        #expect(packet.layer("data")?.span == Span(14 + 31 * 4, 9 * 4))
        #expect(packet.diagnosticList == [])
    }

    @Test("An EtherType without a decoder gives a data layer")
    func unknownEtherType() {
        let frame = hex(
            "01 80 c2 00 00 0e 00 1b 21 3a 4f 5e", // destination (LLDP group), source
            "88 cc",            // EtherType 0x88cc LLDP, not decoded
            "02 07 04 00 1b 21 3a 4f 5e") // IEEE 802.1AB chassis ID TLV
        let packet = decode(frame, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "data"])
        #expect(packet.value("eth.type") == .number(0x88cc))
        #expect(packet.field("eth.type")?.descriptor.names?(0x88cc) == "LLDP")
        #expect(packet.layer("data")?.span == Span(14, 9))
        #expect(packet.value("data.data") == .bytes(hex("02 07 04 00 1b 21 3a 4f 5e")))
    }

    @Test("A frame shorter than the Ethernet header is malformed when nothing was cut")
    func shortFrameIsMalformed() throws {
        let bytes = hex("52 54 00 12 34 56 00 1b 21 3a") // destination and 4 bytes of the source: 10 of 14
        let packet = decode(bytes, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "data"])
        #expect(packet.diagnosticList == ["error wire.malformed"])
        let eth = try #require(packet.layer("eth"))
        #expect(eth.span == Span(0, 10))
        #expect(eth.fields.isEmpty)
        #expect(eth.diagnostics.first?.severity == .error)
        #expect(packet.layer("data")?.span == Span(0, 10))
    }

    @Test("The same short frame is truncated when the snap length cut it")
    func shortFrameIsTruncated() {
        let bytes = hex("52 54 00 12 34 56 00 1b 21 3a") // 10 of 14 header bytes captured
        let packet = decode(bytes, link: .ethernet, originalLength: 60)
        #expect(packet.layerKeys == ["eth", "data"])
        #expect(packet.diagnosticList == ["warning wire.truncated"])
        #expect(packet.diagnostic("wire.malformed") == nil)
    }
}
