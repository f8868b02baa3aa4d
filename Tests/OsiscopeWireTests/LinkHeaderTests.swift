import OsiscopeCapture
@testable import OsiscopeWire
import Testing

@Suite("Link headers: Linux SLL/SLL2, BSD loopback, raw IP, unknown")
struct LinkHeaderTests {
    // MARK: Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 16 bytes)

    @Test("SLL v1 carrying IPv4")
    func sllCarryingIPv4() throws {
        let bytes = hex(
            "00 04",                // packet type 4: sent by us
            "00 01",                // ARPHRD_ type 1: Ethernet
            "00 06",                // link-layer address length 6
            "00 1b 21 3a 4f 5e 00 00", // link-layer address, padded to 8 bytes
            "08 00") + Samples.pingIPv4 // protocol type: EtherType 0x0800 IPv4
        let packet = decode(bytes, link: .linuxSLL)
        #expect(packet.layerKeys == ["sll", "ipv4", "icmp", "data"])
        #expect(packet.osiLevels == [.dataLink, .network, .network, .application])
        #expect(packet.diagnosticList == [])
        let sll = try #require(packet.layer("sll"))
        #expect(sll.title == "Linux cooked capture v1")
        #expect(sll.span == Span(0, 16))
        #expect(sll.summary == "Sent by us")
        #expect(sll.fields.map(\.key) == ["sll.pkttype", "sll.hatype", "sll.halen", "sll.src.eth", "sll.etype"])
        #expect(sll.fields.map(\.span) == [Span(0, 2), Span(2, 2), Span(4, 2), Span(6, 6), Span(14, 2)])
        #expect(sll.fields.map(\.value) == [.number(4), .number(1), .number(6), .text("00:1b:21:3a:4f:5e"), .number(0x0800)])
        #expect(packet.layer("ipv4")?.offset == 16)
        #expect(packet.note("ip.checksum") == "[correct]")
        #expect(packet.note("icmp.checksum") == "[correct]")
        #expect(packet.layer("icmp")?.span == Span(36, 8))
    }

    @Test("SLL v1 carrying IPv6, with a 4-byte link-layer address")
    func sllCarryingIPv6() throws {
        let bytes = hex(
            "00 00",                // packet type 0: unicast to us
            "03 00",                // ARPHRD_ type 768: IP-in-IP tunnel
            "00 04",                // link-layer address length 4
            "c0 00 02 0a 00 00 00 00", // the tunnel's address, padded to 8 bytes
            "86 dd") + Samples.tcpIPv6 // EtherType 0x86dd IPv6
        let packet = decode(bytes, link: .linuxSLL)
        #expect(packet.layerKeys == ["sll", "ipv6", "tcp", "data"])
        #expect(packet.diagnosticList == [])
        #expect(packet.layer("sll")?.summary == "Unicast to us")
        #expect(packet.value("sll.hatype") == .number(768))
        #expect(packet.field("sll.src.eth") == nil)
        #expect(packet.value("sll.src.other") == .bytes([192, 0, 2, 10]))
        #expect(packet.span("sll.src.other") == Span(6, 4))
        #expect(packet.value("sll.etype") == .number(0x86dd))
        #expect(packet.layer("ipv6")?.offset == 16)
        #expect(packet.note("tcp.checksum") == "[correct]")
        #expect(packet.layer("data")?.span == Span(76, 5))
    }

    // MARK: Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 20 bytes)

    @Test("SLL2 carrying IPv6")
    func sll2CarryingIPv6() throws {
        let bytes = hex(
            "86 dd",                // protocol type: EtherType 0x86dd IPv6
            "00 00",                // reserved
            "00 00 00 02",          // interface index 2
            "00 01",                // ARPHRD_ type 1: Ethernet
            "00",                   // packet type 0: unicast to us
            "06",                   // link-layer address length 6
            "52 54 00 12 34 56 00 00") + Samples.tcpIPv6 // link-layer address, padded to 8 bytes
        let packet = decode(bytes, link: .linuxSLL2)
        #expect(packet.layerKeys == ["sll", "ipv6", "tcp", "data"])
        #expect(packet.osiLevels == [.dataLink, .network, .transport, .application])
        #expect(packet.diagnosticList == [])
        let sll = try #require(packet.layer("sll"))
        #expect(sll.title == "Linux cooked capture v2")
        #expect(sll.span == Span(0, 20))
        #expect(sll.summary == "Unicast to us, interface 2")
        #expect(sll.fields.map(\.key) == ["sll.etype", "sll.reserved", "sll.ifindex", "sll.hatype", "sll.pkttype",
                                          "sll.halen", "sll.src.eth"])
        #expect(sll.fields.map(\.span) == [Span(0, 2), Span(2, 2), Span(4, 4), Span(8, 2), Span(10, 1),
                                           Span(11, 1), Span(12, 6)])
        #expect(sll.fields.map(\.value) == [.number(0x86dd), .number(0), .number(2), .number(1), .number(0),
                                            .number(6), .text("52:54:00:12:34:56")])
        #expect(packet.layer("ipv6")?.offset == 20)
        #expect(packet.value("ipv6.src") == .text("2001:db8::1"))
        #expect(packet.note("tcp.checksum") == "[correct]")
        #expect(packet.layer("tcp")?.span == Span(60, 20))
        #expect(packet.layer("data")?.span == Span(80, 5))
    }

    @Test("SLL2 carrying IPv4")
    func sll2CarryingIPv4() {
        let bytes = hex(
            "08 00",                // protocol type: EtherType 0x0800 IPv4
            "00 00",                // reserved
            "00 00 00 01",          // interface index 1 (lo)
            "03 04",                // ARPHRD_ type 772: loopback
            "04",                   // packet type 4: sent by us
            "06",                   // link-layer address length 6
            "00 00 00 00 00 00 00 00") + Samples.pingIPv4 // link-layer address (all zero on loopback)
        let packet = decode(bytes, link: .linuxSLL2)
        #expect(packet.layerKeys == ["sll", "ipv4", "icmp", "data"])
        #expect(packet.diagnosticList == [])
        #expect(packet.layer("sll")?.summary == "Sent by us, interface 1")
        #expect(packet.value("sll.hatype") == .number(772))
        #expect(packet.field("sll.hatype")?.descriptor.names?(772) == "Loopback")
        #expect(packet.value("sll.src.eth") == .text("00:00:00:00:00:00"))
        #expect(packet.layer("ipv4")?.offset == 20)
        #expect(packet.value("icmp.ident") == .number(0x1234))
        #expect(packet.span("icmp.ident") == Span(44, 2))
    }

    @Test("Short cooked headers: malformed, or truncated when the snap length cut them",
          arguments: [LinkType.linuxSLL, .linuxSLL2])
    func shortCookedHeader(link: LinkType) {
        let bytes = hex("00 04 00 01 00 06 00 1b 21 3a") // 10 bytes
        let malformed = decode(bytes, link: link)
        #expect(malformed.layerKeys == ["sll", "data"])
        #expect(malformed.diagnosticList == ["error wire.malformed"])
        #expect(malformed.layer("sll")?.span == Span(0, 10))
        let truncated = decode(bytes, link: link, originalLength: 100)
        #expect(truncated.diagnosticList == ["warning wire.truncated"])
    }

    // MARK: BSD loopback: NULL (host byte order) and LOOP (network byte order)

    @Test("NULL with family 2 written little-endian")
    func nullLittleEndianIPv4() throws {
        let bytes = hex("02 00 00 00") + Samples.pingIPv4 // AF_INET 2 in little-endian byte order
        let packet = decode(bytes, link: .null)
        #expect(packet.layerKeys == ["null", "ipv4", "icmp", "data"])
        #expect(packet.osiLevels == [.dataLink, .network, .network, .application])
        #expect(packet.diagnosticList == [])
        let null = try #require(packet.layer("null"))
        #expect(null.title == "Null/Loopback")
        #expect(null.span == Span(0, 4))
        #expect(null.summary == "IP")
        #expect(packet.value("null.family") == .number(2))
        #expect(packet.span("null.family") == Span(0, 4))
        #expect(packet.layer("ipv4")?.offset == 4)
        #expect(packet.note("ip.checksum") == "[correct]")
    }

    @Test("NULL with family 30 (macOS AF_INET6) written little-endian")
    func nullLittleEndianIPv6() {
        let bytes = hex("1e 00 00 00") + Samples.tcpIPv6 // AF_INET6 30 in little-endian byte order
        let packet = decode(bytes, link: .null)
        #expect(packet.layerKeys == ["null", "ipv6", "tcp", "data"])
        #expect(packet.value("null.family") == .number(30))
        #expect(packet.layer("null")?.summary == "IPv6")
        #expect(packet.note("tcp.checksum") == "[correct]")
    }

    @Test("NULL from a big-endian host")
    func nullBigEndian() {
        let bytes = hex("00 00 00 02") + Samples.pingIPv4 // AF_INET 2 in big-endian byte order
        let packet = decode(bytes, link: .null)
        #expect(packet.layerKeys == ["null", "ipv4", "icmp", "data"])
        #expect(packet.value("null.family") == .number(2))
    }

    @Test("LOOP with families 24 and 30 in network byte order", arguments: [
        ("00 00 00 18", UInt64(24)),    // AF_INET6 on OpenBSD and NetBSD
        ("00 00 00 1e", 30),            // AF_INET6 on macOS and FreeBSD (28 on some)
    ])
    func loopIPv6(header: String, family: UInt64) throws {
        let packet = decode(hex(header) + Samples.tcpIPv6, link: .loop)
        #expect(packet.layerKeys == ["null", "ipv6", "tcp", "data"])
        #expect(packet.diagnosticList == [])
        #expect(packet.value("null.family") == .number(family))
        #expect(packet.layer("null")?.summary == "IPv6")
        #expect(packet.layer("ipv6")?.offset == 4)
        #expect(packet.note("tcp.checksum") == "[correct]")
        #expect(packet.span("tcp.srcport") == Span(44, 2))
    }

    @Test("LOOP is always network byte order: little-endian 2 is not IPv4")
    func loopIsNotSwapped() {
        let packet = decode(hex("02 00 00 00") + Samples.pingIPv4, link: .loop)
        #expect(packet.layerKeys == ["null", "data"])
        #expect(packet.value("null.family") == .number(0x0200_0000))
        #expect(packet.layer("null")?.summary == "family 33554432")
        #expect(packet.layer("data")?.span == Span(4, 36))
    }

    @Test("An unknown family is shown as data")
    func nullUnknownFamily() {
        let packet = decode(hex("07 00 00 00 01 02 03"), link: .null) // family 7, then 3 bytes
        #expect(packet.layerKeys == ["null", "data"])
        #expect(packet.value("null.family") == .number(7))
        #expect(packet.layer("null")?.summary == "family 7")
        #expect(packet.layer("data")?.span == Span(4, 3))
    }

    // MARK: Raw IP

    @Test("Raw IP link types pick IPv4 or IPv6 from the version nibble",
          arguments: [LinkType.raw, .rawBSD12, .rawBSD14])
    func rawIP(link: LinkType) throws {
        let v4 = decode(Samples.pingIPv4, link: link)
        #expect(v4.layerKeys == ["ipv4", "icmp", "data"])
        #expect(v4.diagnosticList == [])
        #expect(v4.layer("ipv4")?.span == Span(0, 20))
        #expect(v4.value("ip.src") == .text("192.0.2.10"))

        let v6 = decode(Samples.tcpIPv6, link: link)
        #expect(v6.layerKeys == ["ipv6", "tcp", "data"])
        #expect(v6.diagnosticList == [])
        #expect(v6.layer("ipv6")?.span == Span(0, 40))
        #expect(v6.value("ipv6.dst") == .text("2001:db8::2"))
    }

    @Test("LINKTYPE_IPV4 and LINKTYPE_IPV6")
    func rawIPv4AndIPv6LinkTypes() {
        #expect(decode(Samples.pingIPv4, link: .ipv4).layerKeys == ["ipv4", "icmp", "data"])
        #expect(decode(Samples.tcpIPv6, link: .ipv6).layerKeys == ["ipv6", "tcp", "data"])
    }

    @Test("Raw IP with a version that is neither 4 nor 6 is data")
    func rawIPOtherVersion() {
        let packet = decode(hex("55 00 00 14 00 00 00 00"), link: .raw) // version nibble 5
        #expect(packet.layerKeys == ["data"])
        #expect(packet.layer("data")?.span == Span(0, 8))
        #expect(packet.diagnosticList == [])
    }

    @Test("Empty raw IP packet decodes to nothing")
    func rawIPEmpty() {
        let packet = decode([], link: .raw)
        #expect(packet.layerKeys == [])
        #expect(packet.diagnosticList == [])
    }

    // MARK: Unknown link types

    @Test("An unknown link type gives a data layer and a note")
    func unknownLinkType() throws {
        let bytes = hex("de ad be ef 00 01 02 03") // whatever LINKTYPE_USER0 carries
        let packet = decode(bytes, link: LinkType(rawValue: 147))
        #expect(packet.layerKeys == ["data"])
        #expect(packet.osiLevels == [.application])
        #expect(packet.layer("data")?.span == Span(0, 8))
        #expect(packet.value("data.data") == .bytes(bytes))
        #expect(packet.value("data.len") == .number(8))
        #expect(packet.layer("data")?.summary == "8 bytes")
        // The note belongs to the packet, not to a layer.
        #expect(packet.diagnostics.map(\.key) == ["wire.unknown_link_type"])
        #expect(packet.diagnosticList == ["note wire.unknown_link_type"])
        let note = try #require(packet.diagnostic("wire.unknown_link_type"))
        #expect(note.severity == .note)
        #expect(note.message == "link type 147 is not decoded; the packet is shown as raw bytes")
    }
}
