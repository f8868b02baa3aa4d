import Testing
@testable import OsiscopeCapture

@Suite struct PacketFilterTests {
    /// Ethernet II + IPv4 (RFC 791) + TCP (RFC 9293) SYN from 10.0.0.1:40000 to 10.0.0.2:8080.
    static let synToPort8080: [UInt8] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, // eth dst, src, type IPv4
        0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, // v4, len 40, DF, TTL 64, TCP
        10, 0, 0, 1, 10, 0, 0, 2, // addresses
        0x9c, 0x40, 0x1f, 0x90, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0, // ports, seq 1, SYN
    ]

    func packet(_ linkType: LinkType = .ethernet) -> CapturedPacket {
        CapturedPacket(number: 1, timestamp: Timestamp(seconds: 0, nanoseconds: 0), originalLength: 54,
                       linkType: linkType, data: Self.synToPort8080)
    }

    @Test func matchesWithLibpcapsCompiler() throws {
        #expect(try PacketFilter(expression: "tcp port 8080").matches(packet()))
        #expect(try PacketFilter(expression: "tcp[tcpflags] & tcp-syn != 0 and host 10.0.0.2").matches(packet()))
        #expect(try !PacketFilter(expression: "udp").matches(packet()))
        #expect(try !PacketFilter(expression: "port 80").matches(packet()))
    }

    @Test func rejectsASyntaxError() {
        #expect(throws: FilterError.self) { try PacketFilter(expression: "tcp port eighty") }
    }

    @Test func compilesPerLinkType() throws {
        var raw = packet(.raw)
        raw.data = Array(raw.data.dropFirst(14))
        let filter = try PacketFilter(expression: "dst host 10.0.0.2")
        #expect(filter.matches(raw))
        #expect(filter.matches(packet()))
    }
}
