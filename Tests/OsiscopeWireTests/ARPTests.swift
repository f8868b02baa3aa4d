import OsiscopeCapture
@testable import OsiscopeWire
import Testing

@Suite("ARP")
struct ARPTests {
    /// Broadcast ARP request from 192.168.1.100 for 192.168.1.1, padded to 60 bytes.
    static let request = hex(
        "ff ff ff ff ff ff",    // IEEE 802.3 §3.2.3: destination broadcast
        "00 1b 21 3a 4f 5e",    // source 00:1b:21:3a:4f:5e
        "08 06",                // EtherType 0x0806 ARP
        "00 01",                // RFC 826: ar$hrd 1 Ethernet
        "08 00",                // ar$pro 0x0800 IPv4
        "06",                   // ar$hln 6
        "04",                   // ar$pln 4
        "00 01",                // ar$op 1 request
        "00 1b 21 3a 4f 5e",    // ar$sha sender hardware address
        "c0 a8 01 64",          // ar$spa sender protocol address 192.168.1.100
        "00 00 00 00 00 00",    // ar$tha target hardware address: unknown yet
        "c0 a8 01 01",          // ar$tpa target protocol address 192.168.1.1
        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00") // padding to 60 bytes

    /// The reply from 192.168.1.1, as captured by its sender (no padding yet).
    static let reply = hex(
        "00 1b 21 3a 4f 5e",    // destination: the asker
        "00 0c 29 aa bb cc",    // source 00:0c:29:aa:bb:cc
        "08 06",                // EtherType ARP
        "00 01 08 00 06 04",    // RFC 826: Ethernet, IPv4, sizes 6 and 4
        "00 02",                // ar$op 2 reply
        "00 0c 29 aa bb cc",    // ar$sha: the answer
        "c0 a8 01 01",          // ar$spa 192.168.1.1
        "00 1b 21 3a 4f 5e",    // ar$tha: the asker's hardware address
        "c0 a8 01 64")          // ar$tpa 192.168.1.100

    @Test("ARP request: every field, summary and Ethernet padding")
    func request() throws {
        #expect(Self.request.count == 60)
        let packet = decode(Self.request, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "arp"])
        #expect(packet.osiLevels == [.dataLink, .dataLink])
        #expect(packet.diagnosticList == [])
        #expect(packet.value("eth.dst") == .text("ff:ff:ff:ff:ff:ff"))
        #expect(packet.value("eth.dst.ig") == .flag(true))
        #expect(packet.value("eth.type") == .number(0x0806))

        let arp = try #require(packet.layer("arp"))
        #expect(arp.title == "Address Resolution Protocol")
        #expect(arp.span == Span(14, 28))
        #expect(arp.summary == "Who has 192.168.1.1? Tell 192.168.1.100")
        #expect(arp.fields.map(\.key) == [
            "arp.hw.type", "arp.proto.type", "arp.hw.size", "arp.proto.size", "arp.opcode",
            "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac", "arp.dst.proto_ipv4",
        ])
        #expect(arp.fields.map(\.span) == [
            Span(14, 2), Span(16, 2), Span(18, 1), Span(19, 1), Span(20, 2),
            Span(22, 6), Span(28, 4), Span(32, 6), Span(38, 4),
        ])
        #expect(arp.fields.map(\.value) == [
            .number(1), .number(0x0800), .number(6), .number(4), .number(1),
            .text("00:1b:21:3a:4f:5e"), .text("192.168.1.100"), .text("00:00:00:00:00:00"), .text("192.168.1.1"),
        ])
        #expect(packet.field("arp.opcode")?.descriptor.names?(1) == "request")
        #expect(packet.field("arp.hw.type")?.descriptor.names?(1) == "Ethernet")
        #expect(packet.value("eth.padding") == .bytes(Array(repeating: 0, count: 18)))
        #expect(packet.span("eth.padding") == Span(42, 18))
        #expect(packet.transport == nil)
    }

    @Test("ARP reply: opcode 2 and summary \"… is at …\"")
    func reply() throws {
        let packet = decode(Self.reply, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "arp"])
        #expect(packet.diagnosticList == [])
        #expect(packet.value("arp.opcode") == .number(2))
        #expect(packet.field("arp.opcode")?.descriptor.names?(2) == "reply")
        #expect(packet.value("arp.src.hw_mac") == .text("00:0c:29:aa:bb:cc"))
        #expect(packet.value("arp.src.proto_ipv4") == .text("192.168.1.1"))
        #expect(packet.value("arp.dst.hw_mac") == .text("00:1b:21:3a:4f:5e"))
        #expect(packet.value("arp.dst.proto_ipv4") == .text("192.168.1.100"))
        #expect(packet.layer("arp")?.summary == "192.168.1.1 is at 00:0c:29:aa:bb:cc")
        #expect(packet.field("eth.padding") == nil)
    }

    @Test("Another opcode is named by its number's name")
    func reverseRequest() {
        let packet = decode(replacing(Self.reply, at: 20, with: hex("00 03")), link: .ethernet) // ar$op 3 reverse request
        #expect(packet.value("arp.opcode") == .number(3))
        #expect(packet.layer("arp")?.summary == "reverse request")
        let unnamed = decode(replacing(Self.reply, at: 20, with: hex("00 09")), link: .ethernet)
        #expect(unnamed.layer("arp")?.summary == "opcode 9")
    }

    @Test("Address sizes other than 6 and 4 are shown as bytes")
    func otherAddressSizes() {
        let frame = hex(
            "ff ff ff ff ff ff 00 1b 21 3a 4f 5e 08 06", // Ethernet header, EtherType ARP
            "00 06 08 00",          // RFC 826: ar$hrd 6 (IEEE 802), ar$pro IPv4
            "08 04 00 01",          // ar$hln 8, ar$pln 4, request
            "01 02 03 04 05 06 07 08 c0 a8 01 64", // sender: 8-byte hardware address, 192.168.1.100
            "00 00 00 00 00 00 00 00 c0 a8 01 01") // target: unknown, 192.168.1.1
        let packet = decode(frame, link: .ethernet)
        #expect(packet.diagnosticList == [])
        #expect(packet.layer("arp")?.span == Span(14, 32))
        #expect(packet.value("arp.src.hw") == .bytes(hex("01 02 03 04 05 06 07 08")))
        #expect(packet.span("arp.src.hw") == Span(22, 8))
        #expect(packet.field("arp.src.hw_mac") == nil)
        #expect(packet.value("arp.dst.proto_ipv4") == .text("192.168.1.1"))
        #expect(packet.span("arp.dst.proto_ipv4") == Span(42, 4))
    }

    @Test("ARP addresses cut by the snap length")
    func cutBySnapLength() throws {
        let packet = decode(Array(Self.request.prefix(30)), link: .ethernet, originalLength: 60)
        #expect(packet.layerKeys == ["eth", "arp", "data"])
        #expect(packet.diagnosticList == ["warning wire.truncated"])
        #expect(packet.diagnostic("wire.truncated")?.message == "ARP header cut off by the capture's snap length: 16 of 28 bytes captured")
        let arp = try #require(packet.layer("arp"))
        #expect(arp.span == Span(14, 16))
        #expect(arp.field("arp.opcode")?.value == .number(1))
        #expect(arp.field("arp.src.hw_mac") == nil)
        #expect(packet.layer("data")?.span == Span(22, 8))
    }

    @Test("The same bytes with nothing cut are malformed")
    func tooShortIsMalformed() {
        let packet = decode(Array(Self.request.prefix(30)), link: .ethernet)
        #expect(packet.layerKeys == ["eth", "arp", "data"])
        #expect(packet.diagnosticList == ["error wire.malformed"])
    }
}
