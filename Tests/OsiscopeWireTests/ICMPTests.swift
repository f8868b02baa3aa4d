import OsiscopeCapture
@testable import OsiscopeWire
import Testing

@Suite("ICMP and ICMPv6")
struct ICMPTests {
    @Test("Echo request: type, code, checksum, identifier, sequence number")
    func echoRequest() throws {
        let packet = decode(Samples.pingIPv4, link: .raw)
        #expect(packet.layerKeys == ["ipv4", "icmp", "data"])
        #expect(packet.osiLevels == [.network, .network, .application])
        #expect(packet.diagnosticList == [])
        let icmp = try #require(packet.layer("icmp"))
        #expect(icmp.title == "Internet Control Message Protocol")
        #expect(icmp.span == Span(20, 8))
        #expect(icmp.summary == "Echo (ping) request id=0x1234, seq=1")
        #expect(icmp.fields.map(\.key) == ["icmp.type", "icmp.code", "icmp.checksum", "icmp.ident", "icmp.seq"])
        #expect(packet.value("icmp.type") == .number(8))
        #expect(packet.note("icmp.type") == "(Echo (ping) request)")
        #expect(packet.span("icmp.type") == Span(20, 1))
        #expect(packet.value("icmp.code") == .number(0))
        #expect(packet.span("icmp.code") == Span(21, 1))
        #expect(packet.value("icmp.checksum") == .number(UInt64(read16(Samples.pingICMP, at: 2))))
        #expect(packet.note("icmp.checksum") == "[correct]")
        #expect(packet.span("icmp.checksum") == Span(22, 2))
        #expect(packet.value("icmp.ident") == .number(0x1234))
        #expect(packet.span("icmp.ident") == Span(24, 2))
        #expect(packet.value("icmp.seq") == .number(1))
        #expect(packet.span("icmp.seq") == Span(26, 2))
        #expect(packet.layer("data")?.span == Span(28, 8))
        #expect(packet.value("data.data") == .bytes(ascii("abcdefgh")))
        #expect(packet.transport == nil)
    }

    @Test("Echo reply")
    func echoReply() {
        let ip = withIPv4Checksum(hex(
            "45 00 00 24",          // RFC 791 §3.1: version 4, IHL 5, total length 36
            "ef 01 00 00",          // identification 0xef01, no flags
            "40 01 00 00",          // TTL 64, protocol 1 ICMP, checksum (computed)
            "c6 33 64 14",          // source 198.51.100.20
            "c0 00 02 0a"))         // destination 192.0.2.10
        let message = hex(
            "00 00",                // RFC 792: type 0 echo reply, code 0
            "00 00",                // checksum (computed below)
            "12 34 00 01",          // identifier 0x1234, sequence number 1: those of the request
            "61 62 63 64 65 66 67 68") // the request's data, echoed
        let icmp = setting16(message, at: 2, to: internetChecksum(message))
        let packet = decode(ip + icmp, link: .raw)
        #expect(packet.layerKeys == ["ipv4", "icmp", "data"])
        #expect(packet.diagnosticList == [])
        #expect(packet.value("icmp.type") == .number(0))
        #expect(packet.note("icmp.type") == "(Echo (ping) reply)")
        #expect(packet.note("icmp.checksum") == "[correct]")
        #expect(packet.value("icmp.ident") == .number(0x1234))
        #expect(packet.value("icmp.seq") == .number(1))
        #expect(packet.layer("icmp")?.summary == "Echo (ping) reply id=0x1234, seq=1")
    }

    @Test("A wrong ICMP checksum")
    func wrongChecksum() throws {
        let good = read16(Samples.pingICMP, at: 2)
        let packet = decode(setting16(Samples.pingIPv4, at: 22, to: good ^ 0x00ff), link: .raw)
        #expect(packet.diagnosticList == ["warning icmp.checksum.bad"])
        #expect(packet.note("icmp.checksum") == "[incorrect, should be \(hex4(good))]")
        let diagnostic = try #require(packet.diagnostic("icmp.checksum.bad"))
        #expect(diagnostic.offset == 22)
        #expect(diagnostic.length == 2)
    }

    /// An error message from 198.51.100.20 quoting a UDP datagram of 192.0.2.10 (56 bytes).
    static func destinationUnreachable(type: UInt8, code: UInt8) -> [UInt8] {
        let ip = withIPv4Checksum(hex(
            "45 00 00 38",          // RFC 791 §3.1: version 4, IHL 5, total length 56
            "00 00 00 00",          // identification 0, no flags
            "40 01 00 00",          // TTL 64, protocol 1 ICMP, checksum (computed)
            "c6 33 64 14",          // source 198.51.100.20
            "c0 00 02 0a"))         // destination 192.0.2.10
        let quoted = withIPv4Checksum(hex(
            "45 00 00 20 00 07 00 00 40 11 00 00", // the original datagram's IPv4 header (UDP, 32 bytes)
            "c0 00 02 0a c6 33 64 14"))             // from 192.0.2.10 to 198.51.100.20
        let message = [type, code] + hex(
            "00 00",                // RFC 792: checksum (computed below)
            "00 00 00 00")          // unused
            + quoted + hex("14 e9 00 35 00 0c 00 00") // and the first 8 bytes of its UDP header
        return ip + setting16(message, at: 2, to: internetChecksum(message))
    }

    @Test("Error messages are named by type and code", arguments: [
        (UInt8(3), UInt8(0), "Destination unreachable", "Network unreachable"),
        (3, 1, "Destination unreachable", "Host unreachable"),
        (3, 3, "Destination unreachable", "Port unreachable"),
        (3, 4, "Destination unreachable", "Fragmentation needed"),
        (3, 13, "Destination unreachable", "Communication administratively filtered"),
        (3, 9, "Destination unreachable", "Destination unreachable"),
        (11, 0, "Time exceeded", "Time to live exceeded in transit"),
        (11, 1, "Time exceeded", "Time exceeded"),
    ])
    func errorMessages(type: UInt8, code: UInt8, typeName: String, codeName: String) throws {
        let packet = decode(Self.destinationUnreachable(type: type, code: code), link: .raw)
        #expect(packet.layerKeys == ["ipv4", "icmp"])
        #expect(packet.diagnosticList == [])
        #expect(packet.value("icmp.type") == .number(UInt64(type)))
        #expect(packet.note("icmp.type") == "(\(typeName))")
        #expect(packet.value("icmp.code") == .number(UInt64(code)))
        #expect(packet.note("icmp.code") == "(\(codeName))")
        #expect(packet.note("icmp.checksum") == "[correct]")
        let icmp = try #require(packet.layer("icmp"))
        #expect(icmp.summary == (codeName == typeName ? typeName : "\(typeName) (\(codeName))"))
        // The message runs to the end; the four unused bytes and the quoted datagram are in it.
        #expect(icmp.span == Span(20, 36))
        #expect(icmp.field("icmp.ident") == nil)
        // RFC 792: the quote is the datagram's IP header and 8 bytes of its payload, decoded
        // inside the ICMP layer (as tshark does: cross-checked with tshark 4.0.17).
        #expect(icmp.quoted.map(\.protocolKey) == ["ipv4", "udp"])
        #expect(icmp.quoted.map { Span($0.offset, $0.length) } == [Span(28, 20), Span(48, 8)])
        let quotedIP = icmp.quoted[0], quotedUDP = icmp.quoted[1]
        #expect(quotedIP.field("ip.src")?.value == .text("192.0.2.10"))
        #expect(quotedIP.field("ip.dst")?.value == .text("198.51.100.20"))
        #expect(quotedIP.field("ip.len")?.value == .number(32))
        #expect(quotedUDP.field("udp.srcport")?.value == .number(5353))
        #expect(quotedUDP.field("udp.dstport")?.value == .number(53))
        #expect(quotedUDP.field("udp.length")?.value == .number(12))
        #expect(quotedUDP.summary == "5353 → 53 Len=4")
        #expect(quotedUDP.field("udp.checksum")?.note == "[none: the sender did not compute one]")
        #expect(quotedIP.diagnostics.isEmpty && quotedUDP.diagnostics.isEmpty)
        // The quoted datagram's addresses and ports are not this packet's.
        #expect(packet.layer("udp") == nil)
        #expect(packet.value("ip.src") == .text("198.51.100.20"))
        #expect(packet.transport == nil)
    }

    @Test("An unnamed type shows its numbers")
    func unknownType() {
        let message = hex("2a 00 00 00 00 00 00 00") // type 42, code 0, checksum (computed), 4 more bytes
        let icmp = setting16(message, at: 2, to: internetChecksum(message))
        let ip = withIPv4Checksum(setting16(Samples.pingIPv4Header, at: 2, to: 28))
        let packet = decode(ip + icmp, link: .raw)
        #expect(packet.layerKeys == ["ipv4", "icmp"])
        #expect(packet.layer("icmp")?.summary == "type 42, code 0")
        #expect(packet.note("icmp.type") == nil)
        #expect(packet.note("icmp.code") == nil)
        #expect(packet.note("icmp.checksum") == "[correct]")
    }

    @Test("ICMP header cut by the snap length")
    func cutBySnapLength() {
        let packet = decode(Array(Samples.pingIPv4.prefix(22)), link: .raw, originalLength: 36)
        #expect(packet.layerKeys == ["ipv4", "icmp"])
        #expect(packet.diagnosticList == ["warning wire.truncated"])
        #expect(packet.diagnostic("wire.truncated")?.message == "ICMP header cut off by the capture's snap length: 2 of 4 bytes captured")
        #expect(packet.layer("icmp")?.span == Span(20, 2))
    }

    @Test("Echo data cut by the snap length: checksum not verified")
    func dataCutBySnapLength() {
        let packet = decode(Array(Samples.pingIPv4.prefix(30)), link: .raw, originalLength: 36)
        #expect(packet.layerKeys == ["ipv4", "icmp", "data"])
        #expect(packet.diagnosticList == [])
        #expect(packet.note("icmp.checksum") == "[unverified: message not captured whole]")
        #expect(packet.layer("data")?.span == Span(28, 2))
    }

    // MARK: ICMPv6

    static let linkLocal2 = hex("fe80 0000 0000 0000 0000 0000 0001 0002") // fe80::1:2
    static let linkLocal1 = hex("fe80 0000 0000 0000 0000 0000 0000 0001") // fe80::1

    /// RFC 4443 §4.1 echo request from fe80::1:2 to fe80::1 (52 bytes).
    static func echoV6(type: UInt8 = 128, checksum: UInt16? = nil) -> [UInt8] {
        let header = hex(
            "60 00 00 00",          // RFC 8200 §3: version 6, traffic class 0, flow label 0
            "00 0c",                // payload length 12
            "3a",                   // next header 58 ICMPv6
            "40",                   // hop limit 64
            "fe80 0000 0000 0000 0000 0000 0001 0002",  // source fe80::1:2
            "fe80 0000 0000 0000 0000 0000 0000 0001")  // destination fe80::1
        let message = [type] + hex(
            "00",                   // RFC 4443 §4.1: code 0
            "00 00",                // checksum over the pseudo-header and the message (RFC 4443 §2.3)
            "00 2a",                // identifier 42
            "00 07",                // sequence number 7
            "70 69 6e 67")          // data "ping"
        let computed = withTransportChecksum(message, checksumAt: 2, source: linkLocal2, destination: linkLocal1,
                                             protocolNumber: 58)
        return header + (checksum.map { setting16(computed, at: 2, to: $0) } ?? computed)
    }

    @Test("ICMPv6 echo request with a checksum computed over the pseudo-header")
    func icmpv6EchoRequest() throws {
        let bytes = Self.echoV6()
        // Cross-checked with tshark 4.0: 0xa3b1.
        #expect(read16(bytes, at: 42) == 0xa3b1)
        let packet = decode(bytes, link: .raw)
        #expect(packet.layerKeys == ["ipv6", "icmpv6", "data"])
        #expect(packet.osiLevels == [.network, .network, .application])
        #expect(packet.diagnosticList == [])
        #expect(packet.value("ipv6.src") == .text("fe80::1:2"))
        #expect(packet.value("ipv6.dst") == .text("fe80::1"))
        #expect(packet.layer("ipv6")?.summary == "fe80::1:2 → fe80::1")

        let icmp = try #require(packet.layer("icmpv6"))
        #expect(icmp.title == "Internet Control Message Protocol v6")
        #expect(icmp.span == Span(40, 8))
        #expect(icmp.summary == "Echo (ping) request id=0x002a, seq=7")
        #expect(packet.value("icmpv6.type") == .number(128))
        #expect(packet.note("icmpv6.type") == "(Echo (ping) request)")
        #expect(packet.value("icmpv6.code") == .number(0))
        #expect(packet.value("icmpv6.checksum") == .number(0xa3b1))
        #expect(packet.note("icmpv6.checksum") == "[correct]")
        #expect(packet.span("icmpv6.checksum") == Span(42, 2))
        #expect(packet.value("icmpv6.echo.identifier") == .number(42))
        #expect(packet.span("icmpv6.echo.identifier") == Span(44, 2))
        #expect(packet.value("icmpv6.echo.sequence_number") == .number(7))
        #expect(packet.span("icmpv6.echo.sequence_number") == Span(46, 2))
        #expect(packet.layer("data")?.span == Span(48, 4))
        #expect(packet.value("data.data") == .bytes(ascii("ping")))
    }

    @Test("ICMPv6 echo reply")
    func icmpv6EchoReply() {
        let packet = decode(Self.echoV6(type: 129), link: .raw)
        #expect(packet.diagnosticList == [])
        #expect(packet.note("icmpv6.type") == "(Echo (ping) reply)")
        #expect(packet.note("icmpv6.checksum") == "[correct]")
        #expect(packet.layer("icmpv6")?.summary == "Echo (ping) reply id=0x002a, seq=7")
    }

    /// RFC 4443 §3.1 port unreachable from 2001:db8::2 to 2001:db8::1, quoting the whole
    /// IPv6 + TCP packet that caused it (65 bytes; RFC 4443 quotes as much as fits).
    static let portUnreachableV6: [UInt8] = {
        let header = hex(
            "60 00 00 00",          // RFC 8200 §3: version 6
            "00 49",                // payload length 73 = 8 ICMPv6 + 65 quoted
            "3a 40")                // next header 58 ICMPv6, hop limit 64
            + Samples.serverIPv6 + Samples.clientIPv6
        let message = hex(
            "01 04",                // type 1 destination unreachable, code 4 port unreachable
            "00 00",                // checksum (computed below)
            "00 00 00 00")          // unused
            + Samples.tcpIPv6
        return header + withTransportChecksum(message, checksumAt: 2, source: Samples.serverIPv6,
                                              destination: Samples.clientIPv6, protocolNumber: 58)
    }()

    @Test("An ICMPv6 error decodes the IPv6 packet and TCP segment it quotes")
    func icmpv6QuotesTheDatagram() throws {
        let packet = decode(Self.portUnreachableV6, link: .raw)
        #expect(packet.layerKeys == ["ipv6", "icmpv6"])
        #expect(packet.diagnosticList == [])
        #expect(packet.note("icmpv6.checksum") == "[correct]")
        let icmp = try #require(packet.layer("icmpv6"))
        #expect(icmp.summary == "Destination unreachable (Port unreachable)")
        #expect(icmp.span == Span(40, 73))
        #expect(icmp.quoted.map(\.protocolKey) == ["ipv6", "tcp", "data"])
        #expect(icmp.quoted.map { Span($0.offset, $0.length) } == [Span(48, 40), Span(88, 20), Span(108, 5)])
        let quotedIP = icmp.quoted[0], quotedTCP = icmp.quoted[1]
        #expect(quotedIP.field("ipv6.src")?.value == .text("2001:db8::1"))
        #expect(quotedTCP.field("tcp.srcport")?.value == .number(51000))
        #expect(quotedTCP.field("tcp.dstport")?.value == .number(443))
        #expect(quotedTCP.field("tcp.seq_raw")?.value == .number(4096))
        #expect(icmp.quoted.allSatisfy { $0.diagnostics.isEmpty })
        // The quoted segment is not this packet's transport.
        #expect(packet.transport == nil)
        #expect(packet.value("ipv6.src") == .text("2001:db8::2"))
    }

    @Test("An ICMPv6 checksum computed without the pseudo-header is wrong")
    func icmpv6ChecksumWithoutPseudoHeader() throws {
        // The IPv4 way: over the message alone (type 128, code 0, id 42, seq 7, "ping").
        let ipv4Style = internetChecksum(hex("80 00 00 00 00 2a 00 07 70 69 6e 67"))
        #expect(ipv4Style == 0xa0fd)
        let packet = decode(Self.echoV6(checksum: ipv4Style), link: .raw)
        #expect(packet.diagnosticList == ["warning icmpv6.checksum.bad"])
        #expect(packet.note("icmpv6.checksum") == "[incorrect, should be 0xa3b1]")
        #expect(packet.diagnostic("icmpv6.checksum.bad")?.offset == 42)
    }
}
