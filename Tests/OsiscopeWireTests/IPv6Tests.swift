import OsiscopeCapture
@testable import OsiscopeWire
import Testing

@Suite("IPv6")
struct IPv6Tests {
    @Test("IPv6 + TCP: header fields, TCP checksum over the IPv6 pseudo-header, data")
    func ipv6WithTCP() throws {
        let packet = decode(Samples.tcpIPv6, link: .raw)
        #expect(packet.layerKeys == ["ipv6", "tcp", "data"])
        #expect(packet.osiLevels == [.network, .transport, .application])
        #expect(packet.diagnosticList == [])

        let ipv6 = try #require(packet.layer("ipv6"))
        #expect(ipv6.title == "Internet Protocol Version 6")
        #expect(ipv6.span == Span(0, 40))
        #expect(ipv6.summary == "2001:db8::1 → 2001:db8::2")
        #expect(ipv6.fields.map(\.key) == ["ipv6.version", "ipv6.tclass", "ipv6.flow", "ipv6.plen", "ipv6.nxt",
                                           "ipv6.hlim", "ipv6.src", "ipv6.dst"])
        #expect(packet.value("ipv6.version") == .number(6))
        #expect(packet.span("ipv6.version") == Span(0, 4))
        #expect(packet.value("ipv6.tclass") == .number(0xb8))
        #expect(packet.value("ipv6.flow") == .number(0xabcde))
        #expect(packet.span("ipv6.flow") == Span(0, 4))
        #expect(packet.value("ipv6.plen") == .number(25))
        #expect(packet.span("ipv6.plen") == Span(4, 2))
        #expect(packet.value("ipv6.nxt") == .number(6))
        #expect(packet.span("ipv6.nxt") == Span(6, 1))
        #expect(packet.value("ipv6.hlim") == .number(64))
        #expect(packet.span("ipv6.hlim") == Span(7, 1))
        #expect(packet.value("ipv6.src") == .text("2001:db8::1"))
        #expect(packet.span("ipv6.src") == Span(8, 16))
        #expect(packet.value("ipv6.dst") == .text("2001:db8::2"))
        #expect(packet.span("ipv6.dst") == Span(24, 16))

        // Cross-checked with tshark 4.0: 0x1598.
        #expect(packet.value("tcp.checksum") == .number(0x1598))
        #expect(packet.note("tcp.checksum") == "[correct]")
        #expect(packet.value("tcp.srcport") == .number(51000))
        #expect(packet.span("tcp.srcport") == Span(40, 2))
        #expect(packet.value("tcp.flags") == .number(0x018))
        #expect(packet.note("tcp.flags") == "(PSH, ACK)")
        #expect(packet.value("tcp.len") == .number(5))
        #expect(packet.layer("tcp")?.span == Span(40, 20))
        #expect(packet.layer("tcp")?.summary == "51000 → 443 [PSH, ACK] Seq=4096 Ack=8192 Win=501 Len=5")

        #expect(packet.layer("data")?.span == Span(60, 5))
        #expect(packet.value("data.data") == .bytes(ascii("hello")))
        #expect(packet.value("data.len") == .number(5))
        #expect(packet.field("data.len")?.generated == true)

        let transport = try #require(packet.transport)
        #expect(transport.source.description == "[2001:db8::1]:51000")
        #expect(transport.destination.description == "[2001:db8::2]:443")
        #expect(transport.tcp?.payloadOffset == 60)
        #expect(transport.tcp?.payloadLength == 5)
    }

    @Test("A wrong TCP checksum over IPv6 names the right one")
    func ipv6TCPChecksumWrong() {
        let packet = decode(setting16(Samples.tcpIPv6, at: 56, to: 0x0bad), link: .raw)
        #expect(packet.diagnosticList == ["warning tcp.checksum.bad"])
        #expect(packet.note("tcp.checksum") == "[incorrect, should be 0x1598]")
    }

    /// RFC 8200 §4: a hop-by-hop options header, then a fragment header, then UDP (68 bytes).
    /// `fragmentWord` is the fragment header's offset and M flag (RFC 8200 §4.5).
    static func extensionChain(fragmentWord: String) -> [UInt8] {
        let header = hex(
            "60 00 00 00",          // RFC 8200 §3: version 6, traffic class 0, flow label 0
            "00 1c",                // payload length 28 = 8 hop-by-hop + 8 fragment + 12 UDP
            "00",                   // next header 0: hop-by-hop options
            "40",                   // hop limit 64
            "2001 0db8 0000 0000 0000 0000 0000 0001",  // source 2001:db8::1
            "2001 0db8 0000 0000 0000 0000 0000 0002")  // destination 2001:db8::2
        let hopByHop = hex(
            "2c",                   // RFC 8200 §4.3: next header 44 fragment
            "00",                   // header extension length 0: 8 bytes
            "05 02 00 00",          // RFC 2711: Router Alert option, length 2, value 0
            "01 00")                // RFC 8200 §4.2: PadN with no padding bytes
        let fragment = hex(
            "11",                   // RFC 8200 §4.5: next header 17 UDP
            "00",                   // reserved
            fragmentWord,           // fragment offset (13 bits), reserved (2 bits), M flag
            "12 34 56 78")          // identification 0x12345678
        let udp = withTransportChecksum(hex(
            "04 d2 16 2e",          // RFC 768: source port 1234, destination port 5678
            "00 0c",                // length 12
            "00 00",                // checksum (computed over the IPv6 pseudo-header)
            "64 61 74 61"),         // data "data"
            checksumAt: 6, source: Samples.clientIPv6, destination: Samples.serverIPv6, protocolNumber: 17)
        return header + hopByHop + fragment + udp
    }

    @Test("Hop-by-hop options, then an atomic fragment header, then UDP")
    func hopByHopFragmentUDP() throws {
        // Offset 0 and M clear: a whole packet in one "fragment" (RFC 6946), so UDP is decoded.
        let packet = decode(Self.extensionChain(fragmentWord: "00 00"), link: .raw)
        #expect(packet.layerKeys == ["ipv6", "udp", "data"])
        #expect(packet.diagnosticList == [])
        let ipv6 = try #require(packet.layer("ipv6"))
        #expect(ipv6.span == Span(0, 56))
        #expect(ipv6.summary == "2001:db8::1 → 2001:db8::2")
        #expect(ipv6.fields.map(\.key).suffix(2) == ["ipv6.hopopts", "ipv6.fraghdr"])
        #expect(packet.value("ipv6.nxt") == .number(0))

        let hopByHop = try #require(packet.field("ipv6.hopopts"))
        #expect(hopByHop.span == Span(40, 8))
        #expect(hopByHop.note == "(8 bytes)")
        #expect(hopByHop.children.map(\.key) == ["ipv6.ext.nxt", "ipv6.ext.len"])
        #expect(hopByHop.children.map(\.value) == [.number(44), .number(0)])
        #expect(hopByHop.children.map(\.span) == [Span(40, 1), Span(41, 1)])

        let fragment = try #require(packet.field("ipv6.fraghdr"))
        #expect(fragment.span == Span(48, 8))
        #expect(fragment.note == "(8 bytes)")
        #expect(fragment.children.map(\.key) == ["ipv6.ext.nxt", "ipv6.fraghdr.offset", "ipv6.fraghdr.more",
                                                 "ipv6.fraghdr.ident"])
        #expect(fragment.children.map(\.value) == [.number(17), .number(0), .flag(false), .number(0x1234_5678)])
        #expect(fragment.children.map(\.span) == [Span(48, 1), Span(50, 2), Span(50, 2), Span(52, 4)])

        #expect(packet.layer("udp")?.span == Span(56, 8))
        #expect(packet.value("udp.srcport") == .number(1234))
        #expect(packet.value("udp.dstport") == .number(5678))
        #expect(packet.value("udp.length") == .number(12))
        #expect(packet.note("udp.checksum") == "[correct]")
        #expect(packet.layer("data")?.span == Span(64, 4))
        #expect(packet.value("data.data") == .bytes(ascii("data")))
    }

    @Test("A real fragment (M set): payload shown as data, no UDP layer")
    func fragmentWithMoreFragments() throws {
        let packet = decode(Self.extensionChain(fragmentWord: "00 01"), link: .raw)
        #expect(packet.layerKeys == ["ipv6", "data"])
        #expect(packet.layer("udp") == nil)
        #expect(packet.diagnosticList == ["note ipv6.fragment"])
        #expect(packet.layer("ipv6")?.summary == "2001:db8::1 → 2001:db8::2 (fragment)")
        #expect(packet.layer("ipv6")?.span == Span(0, 56))
        #expect(packet.value("ipv6.fraghdr.more") == .flag(true))
        #expect(packet.value("ipv6.fraghdr.offset") == .number(0))
        #expect(packet.layer("data")?.span == Span(56, 12))
        #expect(packet.transport == nil)
    }

    @Test("A later fragment: offset in 8-byte units")
    func laterFragment() {
        // Offset 185 (bytes 1480 on), M clear: 185 << 3 = 0x05c8.
        let packet = decode(Self.extensionChain(fragmentWord: "05 c8"), link: .raw)
        #expect(packet.layerKeys == ["ipv6", "data"])
        #expect(packet.diagnosticList == ["note ipv6.fragment"])
        #expect(packet.value("ipv6.fraghdr.offset") == .number(185))
        #expect(packet.value("ipv6.fraghdr.more") == .flag(false))
    }

    @Test("Payload length larger than the bytes present: ipv6.plen.bad")
    func payloadLengthTooLarge() throws {
        let packet = decode(setting16(Samples.tcpIPv6, at: 4, to: 100), link: .raw)
        #expect(packet.layerKeys == ["ipv6", "tcp", "data"])
        #expect(packet.diagnosticList == ["error ipv6.plen.bad"])
        let diagnostic = try #require(packet.diagnostic("ipv6.plen.bad"))
        #expect(diagnostic.message == "payload length 100 is more than the 25 bytes present")
        #expect(diagnostic.offset == 4)
        #expect(diagnostic.length == 2)
        #expect(packet.note("tcp.checksum") == "[unverified: segment not captured whole]")
    }

    @Test("The same length with the snap length to blame: no error")
    func payloadCutBySnapLength() {
        let packet = decode(Array(Samples.tcpIPv6.prefix(50)), link: .raw, originalLength: 65)
        #expect(packet.layerKeys == ["ipv6", "tcp"])
        #expect(packet.diagnosticList == ["warning wire.truncated"])
        #expect(packet.diagnostic("ipv6.plen.bad") == nil)
        #expect(packet.layer("tcp")?.span == Span(40, 10))
    }

    @Test("An extension header longer than the payload is malformed")
    func extensionHeaderRunsPastPayload() {
        let bytes = hex(
            "60 00 00 00 00 08 00 40", // version 6, payload length 8, next header 0 hop-by-hop, hop limit 64
            "2001 0db8 0000 0000 0000 0000 0000 0001", // source 2001:db8::1
            "2001 0db8 0000 0000 0000 0000 0000 0002", // destination 2001:db8::2
            "3b 01 01 04 00 00 00 00") // RFC 8200 §4.3 hop-by-hop: next header 59, length 1 (16 bytes), only 8 present
        let packet = decode(bytes, link: .raw)
        #expect(packet.layerKeys == ["ipv6", "data"])
        #expect(packet.diagnosticList == ["error wire.malformed"])
        #expect(packet.diagnostic("wire.malformed")?.message == "IPv6 extension header is malformed: it needs 56 bytes but only 48 are there")
        #expect(packet.layer("data")?.span == Span(40, 8))
    }

    @Test("Address text follows RFC 5952", arguments: [
        ("2001 0db8 0000 0000 0000 0000 0000 0001", "2001:db8::1"),
        ("0000 0000 0000 0000 0000 0000 0000 0001", "::1"),
        ("fe80 0000 0000 0000 0000 0000 0001 0002", "fe80::1:2"),
        ("0000 0000 0000 0000 0000 0000 0000 0000", "::"),
        ("0001 0000 0000 0000 0000 0000 0000 0000", "1::"),
        ("ff02 0000 0000 0000 0000 0000 0000 00fb", "ff02::fb"),
        ("2001 0db8 0000 0001 0001 0001 0001 0001", "2001:db8:0:1:1:1:1:1"), // §4.2.2: one zero group stays
        ("2001 0000 0000 0001 0000 0000 0000 0001", "2001:0:0:1::1"),        // §4.2.3: the longest run
        ("2001 0db8 0000 0000 0001 0000 0000 0001", "2001:db8::1:0:0:1"),    // §4.2.3: the first of equal runs
        ("2001 0DB8 0000 0000 0000 0000 0000 ABCD", "2001:db8::abcd"),       // §4.3: lowercase
        ("0000 0000 0000 0000 0000 ffff c000 0201", "::ffff:192.0.2.1"),     // §5: IPv4-mapped
    ])
    func addressText(bytes: String, text: String) {
        #expect(AddressFormat.ip(hex(bytes)) == text)
        #expect(IPAddress(hex(bytes)).description == text)
    }
}
