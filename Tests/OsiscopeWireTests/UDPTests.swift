import OsiscopeCapture
@testable import OsiscopeWire
import Testing

@Suite("UDP")
struct UDPTests {
    /// RFC 791 §3.1 header for a 32-byte packet: 20 IP + 12 UDP.
    static let ipv4Header = withIPv4Checksum(hex(
        "45 00 00 20",          // version 4, IHL 5, DS field 0, total length 32
        "00 07 00 00",          // identification 7, no flags, offset 0
        "40 11 00 00",          // TTL 64, protocol 17 UDP, header checksum (computed)
        "c0 00 02 0a",          // source 192.0.2.10
        "c6 33 64 14"))         // destination 198.51.100.20

    /// RFC 768 datagram with the given length and checksum fields.
    static func datagram(length: String = "00 0c", checksum: String) -> [UInt8] {
        hex("14 e9 00 35",      // RFC 768: source port 5353, destination port 53
            length,             // length (header and data)
            checksum,           // checksum
            "74 65 73 74")      // data "test"
    }

    static let checksummed = withTransportChecksum(datagram(checksum: "00 00"), checksumAt: 6,
                                                   source: Samples.clientIPv4, destination: Samples.serverIPv4,
                                                   protocolNumber: 17)

    @Test("Checksum zero over IPv4: the sender did not compute one")
    func zeroChecksumOverIPv4() throws {
        let packet = decode(Self.ipv4Header + Self.datagram(checksum: "00 00"), link: .raw)
        #expect(packet.layerKeys == ["ipv4", "udp", "data"])
        #expect(packet.osiLevels == [.network, .transport, .application])
        #expect(packet.diagnosticList == [])
        let udp = try #require(packet.layer("udp"))
        #expect(udp.title == "User Datagram Protocol")
        #expect(udp.span == Span(20, 8))
        #expect(udp.summary == "5353 → 53 Len=4")
        #expect(udp.fields.map(\.key) == ["udp.srcport", "udp.dstport", "udp.length", "udp.checksum"])
        #expect(packet.value("udp.srcport") == .number(5353))
        #expect(packet.span("udp.srcport") == Span(20, 2))
        #expect(packet.value("udp.dstport") == .number(53))
        #expect(packet.span("udp.dstport") == Span(22, 2))
        #expect(packet.value("udp.length") == .number(12))
        #expect(packet.span("udp.length") == Span(24, 2))
        #expect(packet.value("udp.checksum") == .number(0))
        #expect(packet.span("udp.checksum") == Span(26, 2))
        #expect(packet.note("udp.checksum") == "[none: the sender did not compute one]")
        #expect(packet.layer("data")?.span == Span(28, 4))
        #expect(packet.value("data.data") == .bytes(ascii("test")))

        let transport = try #require(packet.transport)
        #expect(transport.kind == .udp)
        #expect(transport.source.description == "192.0.2.10:5353")
        #expect(transport.destination.description == "198.51.100.20:53")
        #expect(transport.tcp == nil)
    }

    @Test("A correct checksum over IPv4")
    func correctChecksum() {
        // Cross-checked with tshark 4.0: 0x168c.
        #expect(read16(Self.checksummed, at: 6) == 0x168c)
        let packet = decode(Self.ipv4Header + Self.checksummed, link: .raw)
        #expect(packet.diagnosticList == [])
        #expect(packet.value("udp.checksum") == .number(0x168c))
        #expect(packet.note("udp.checksum") == "[correct]")
    }

    @Test("A wrong checksum gives udp.checksum.bad with the right value")
    func wrongChecksum() throws {
        let packet = decode(Self.ipv4Header + Self.datagram(checksum: "ab cd"), link: .raw)
        #expect(packet.diagnosticList == ["warning udp.checksum.bad"])
        #expect(packet.note("udp.checksum") == "[incorrect, should be 0x168c]")
        let diagnostic = try #require(packet.diagnostic("udp.checksum.bad"))
        #expect(diagnostic.offset == 26)
        #expect(diagnostic.length == 2)
    }

    @Test("Length larger than what IP carries: udp.length.bad")
    func lengthTooLarge() throws {
        let packet = decode(Self.ipv4Header + Self.datagram(length: "00 c8", checksum: "00 00"), link: .raw)
        #expect(packet.layerKeys == ["ipv4", "udp", "data"])
        #expect(packet.diagnosticList == ["error udp.length.bad"])
        let diagnostic = try #require(packet.diagnostic("udp.length.bad"))
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message == "length 200 does not fit the 12 bytes IP carries")
        #expect(diagnostic.offset == 24)
        #expect(diagnostic.length == 2)
        #expect(packet.value("udp.length") == .number(200))
        #expect(packet.note("udp.checksum") == "[unverified: datagram not captured whole]")
        #expect(packet.layer("udp")?.summary == "5353 → 53 Len=192")
        // What is there is still shown.
        #expect(packet.layer("data")?.span == Span(28, 4))
    }

    @Test("Length below the 8-byte header: udp.length.bad")
    func lengthTooSmall() {
        let packet = decode(Self.ipv4Header + Self.datagram(length: "00 04", checksum: "00 00"), link: .raw)
        #expect(packet.layerKeys == ["ipv4", "udp"])
        #expect(packet.diagnosticList == ["error udp.length.bad"])
        #expect(packet.layer("udp")?.summary == "5353 → 53 Len=0")
    }

    /// RFC 8200 §3 header for 12 bytes of UDP from 2001:db8::1 to 2001:db8::2.
    static let ipv6Header = hex(
        "60 00 00 00",          // version 6, traffic class 0, flow label 0
        "00 0c 11 40",          // payload length 12, next header 17 UDP, hop limit 64
        "2001 0db8 0000 0000 0000 0000 0000 0001",
        "2001 0db8 0000 0000 0000 0000 0000 0002")

    @Test("UDP over IPv6: the checksum covers the IPv6 pseudo-header")
    func checksumOverIPv6() {
        let datagram = withTransportChecksum(hex("04 d2 16 2e 00 0c 00 00 64 61 74 61"), // ports 1234 → 5678, length 12, "data"
                                             checksumAt: 6, source: Samples.clientIPv6, destination: Samples.serverIPv6,
                                             protocolNumber: 17)
        // Cross-checked with tshark 4.0: 0xb09e.
        #expect(read16(datagram, at: 6) == 0xb09e)
        let packet = decode(Self.ipv6Header + datagram, link: .raw)
        #expect(packet.layerKeys == ["ipv6", "udp", "data"])
        #expect(packet.diagnosticList == [])
        #expect(packet.note("udp.checksum") == "[correct]")
        #expect(packet.transport?.source.description == "[2001:db8::1]:1234")
    }

    @Test("Checksum zero is not allowed over IPv6 (RFC 8200 §8.1)")
    func zeroChecksumOverIPv6() {
        let packet = decode(Self.ipv6Header + hex("04 d2 16 2e 00 0c 00 00 64 61 74 61"), link: .raw)
        #expect(packet.diagnosticList == ["warning udp.checksum.bad"])
        #expect(packet.note("udp.checksum") == "[incorrect, should be 0xb09e]")
    }

    @Test("UDP header cut by the snap length")
    func headerCutBySnapLength() {
        let bytes = Self.ipv4Header + Self.checksummed
        let packet = decode(Array(bytes.prefix(24)), link: .raw, originalLength: 32)
        #expect(packet.layerKeys == ["ipv4", "udp"])
        #expect(packet.diagnosticList == ["warning wire.truncated"])
        #expect(packet.layer("udp")?.span == Span(20, 4))
        #expect(packet.layer("udp")?.fields.count == 0)
        #expect(packet.transport == nil)
    }

    @Test("Data cut by the snap length: the checksum cannot be checked")
    func dataCutBySnapLength() {
        let bytes = Self.ipv4Header + Self.checksummed
        let packet = decode(Array(bytes.prefix(30)), link: .raw, originalLength: 32)
        #expect(packet.layerKeys == ["ipv4", "udp", "data"])
        #expect(packet.diagnosticList == [])
        #expect(packet.note("udp.checksum") == "[unverified: datagram not captured whole]")
        #expect(packet.layer("data")?.span == Span(28, 2))
    }
}
