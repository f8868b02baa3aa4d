import Testing
import OsiscopeStreams
import OsiscopeWire
@testable import OsiscopeFilter

/// What a filter means on values: Wireshark's any/all rules for repeated fields, numbers,
/// booleans, addresses and networks, byte strings and slices, strings, sets and names.
@Suite struct FilterEvaluationTests {
    static let port = FieldDescriptor("tcp.srcport", "Source Port", blurb: "")
    static let flags = FieldDescriptor("tcp.flags", "Flags", .hex(digits: 4), blurb: "")
    static let key = FieldDescriptor("websocket.masking_key", "Masking-Key", .hex(digits: 8), blurb: "")

    /// Ports 40000 → 8080, flags 0x012, SYN set, 127.0.0.1 → 10.1.2.3, a masking key, a text,
    /// a payload, a time, and two opcodes (two frames in one packet).
    static var packet: FieldSet {
        var set = FieldSet()
        set.add("tcp.srcport", FilterOccurrence(.number(40000), port))
        set.add("tcp.dstport", FilterOccurrence(.number(8080), port))
        set.add("tcp.flags", FilterOccurrence(.number(0x012), flags))
        set.add("tcp.flags.syn", FilterOccurrence(.flag(true)))
        set.add("ip.src", FilterOccurrence(.text("127.0.0.1")))
        set.add("ip.dst", FilterOccurrence(.text("10.1.2.3")))
        set.add("ipv6.src", FilterOccurrence(.text("fe80::1")))
        set.add("eth.src", FilterOccurrence(.text("00:1a:2b:3c:4d:5e")))
        set.add("websocket.masking_key", FilterOccurrence(.number(0x1234_abcd), key))
        set.add("http.request.uri", FilterOccurrence(.text("/socket.io/?EIO=4&transport=polling")))
        set.add("data.data", FilterOccurrence(.bytes([0x47, 0x45, 0x54, 0x20, 0x2f])))
        set.add("http.time", FilterOccurrence(.seconds(0.25)))
        set.add("websocket.opcode", FilterOccurrence(.number(1), WebSocketOpcodeNames.descriptor))
        set.add("websocket.opcode", FilterOccurrence(.number(9), WebSocketOpcodeNames.descriptor))
        set.add("tcp.analysis.retransmission", FilterOccurrence(.none))
        return set
    }

    static func matches(_ expression: String) throws -> Bool {
        try DisplayFilter(expression).matches(packet)
    }

    @Test func presenceOfFieldsAndProtocolsAndDiagnostics() throws {
        #expect(try Self.matches("tcp.srcport"))
        #expect(try Self.matches("tcp.analysis.retransmission"))
        #expect(try !Self.matches("udp.srcport"))
        #expect(try !Self.matches("tcp.analysis.duplicate_ack"))
        #expect(try Self.matches("!udp.srcport && tcp.port"))
    }

    @Test func integersInEveryBaseAndRelation() throws {
        #expect(try Self.matches("tcp.srcport == 40000"))
        #expect(try Self.matches("tcp.srcport == 0x9c40"))
        #expect(try Self.matches("tcp.srcport == 0116100")) // octal, as C's strtol reads a leading 0
        #expect(try Self.matches("tcp.srcport > 39999 && tcp.srcport >= 40000 && tcp.srcport < 40001 && tcp.srcport <= 40000"))
        #expect(try !Self.matches("tcp.srcport > 40000"))
        #expect(try Self.matches("tcp.flags == 0x012 && tcp.flags == 18"))
        #expect(try Self.matches("tcp.srcport > tcp.dstport"))
        #expect(try !Self.matches("tcp.srcport < tcp.dstport"))
    }

    @Test func booleansAsNumbersAndWords() throws {
        for yes in ["1", "true", "TRUE", "True"] { #expect(try Self.matches("tcp.flags.syn == \(yes)")) }
        for no in ["0", "false"] { #expect(try !Self.matches("tcp.flags.syn == \(no)")) }
        #expect(try Self.matches("tcp.flags.syn != 0"))
    }

    @Test func repeatedFieldsAnyEqualAllNotEqual() throws {
        // tcp.port is the source and the destination port.
        #expect(try Self.matches("tcp.port == 8080"))
        #expect(try Self.matches("tcp.port == 40000"))
        #expect(try !Self.matches("tcp.port != 8080")) // tshark 4.0: != is "all not equal"
        #expect(try Self.matches("tcp.port != 443"))
        #expect(try Self.matches("!(tcp.port == 443)"))
        #expect(try !Self.matches("udp.port != 53")) // absent: no comparison holds
        #expect(try Self.matches("websocket.opcode == 9 && websocket.opcode == 1"))
    }

    @Test func addressesAndNetworks() throws {
        #expect(try Self.matches("ip.addr == 127.0.0.1"))
        #expect(try Self.matches("ip.src == 127.0.0.0/8 && ip.dst == 10.0.0.0/8"))
        #expect(try !Self.matches("ip.src == 10.0.0.0/8"))
        #expect(try Self.matches("ip.dst == 10.1.2.3/32"))
        #expect(try !Self.matches("ip.addr == 192.168.0.0/16"))
        #expect(try Self.matches("ip.dst > 9.255.255.255 && ip.dst < 10.1.2.4"))
        #expect(try Self.matches("ipv6.src == fe80::/10 && ipv6.addr == fe80::1"))
        #expect(try !Self.matches("ipv6.src == ::1"))
        #expect(try Self.matches("eth.src == 00:1a:2b:3c:4d:5e && eth.src == 00-1a-2b-3c-4d-5e"))
        #expect(try Self.matches("eth.src[0:3] == 00:1a:2b"))
        #expect(try Self.matches("ip.src[0] == 7f"))
    }

    @Test func byteStringsSlicesAndContains() throws {
        #expect(try Self.matches("websocket.masking_key == 12:34:ab:cd"))
        #expect(try Self.matches("websocket.masking_key[0:2] == 12:34"))
        #expect(try Self.matches("websocket.masking_key[1-2] == 34:ab"))
        #expect(try Self.matches("websocket.masking_key[-1] == cd"))
        #expect(try Self.matches("websocket.masking_key[2:] == ab:cd"))
        #expect(try !Self.matches("websocket.masking_key[3:2] == cd")) // past the end: no value
        #expect(try Self.matches("data.data contains \"GET\" && data.data contains 20:2f"))
        #expect(try Self.matches("data.data[0:3] == \"GET\""))
        #expect(try !Self.matches("data.data contains \"POST\""))
    }

    @Test func stringsContainsAndCaseInsensitiveMatches() throws {
        #expect(try Self.matches("http.request.uri contains \"transport=polling\""))
        #expect(try !Self.matches("http.request.uri contains \"Transport\""))
        #expect(try Self.matches("http.request.uri matches \"TRANSPORT=(polling|websocket)\""))
        #expect(try !Self.matches("http.request.uri matches \"(?-i)TRANSPORT\""))
        #expect(try Self.matches("http.request.uri matches \"^/socket\\\\.io/\""))
        #expect(try Self.matches("http.request.uri == \"/socket.io/?EIO=4&transport=polling\""))
        #expect(try Self.matches("http.request.uri > \"/a\" && http.request.uri < \"/t\""))
    }

    @Test func setsAndRanges() throws {
        #expect(try Self.matches("tcp.port in {80, 443, 8080}"))
        #expect(try !Self.matches("tcp.port in {80, 443}"))
        #expect(try Self.matches("tcp.srcport in {1024..65535}"))
        #expect(try Self.matches("tcp.dstport in {1..10, 8000..8999}"))
        #expect(try !Self.matches("tcp.dstport in {1..10, 9000..9999}"))
        #expect(try Self.matches("ip.dst in {192.168.0.0/16, 10.0.0.0/8}"))
        #expect(try Self.matches("http.time in {0.2..0.3}"))
    }

    @Test func timesAsDecimals() throws {
        #expect(try Self.matches("http.time > 0.2"))
        #expect(try !Self.matches("http.time > 0.25"))
        #expect(try Self.matches("http.time >= 0.25 && http.time == 0.25"))
    }

    @Test func valueNamesOfRegistryFields() throws {
        #expect(try Self.matches("websocket.opcode == \"text\""))
        #expect(try Self.matches("websocket.opcode == \"Ping\""))
        #expect(try !Self.matches("websocket.opcode == \"close\""))
        #expect(try Self.matches("websocket.opcode == text"))
    }

    @Test func protocolBytesForContainsAndSlices() throws {
        var set = FieldSet()
        set.add("frame", FilterOccurrence(.bytes(Array("GET / HTTP/1.1\r\n".utf8))))
        #expect(try DisplayFilter("frame contains \"HTTP/1.1\"").matches(set))
        #expect(try DisplayFilter("frame[0:3] == 47:45:54").matches(set))
        #expect(try DisplayFilter("frame[-2:] == 0d:0a").matches(set))
        #expect(try !DisplayFilter("frame contains \"POST\"").matches(set))
    }
}

/// The registry row of the WebSocket opcode, with its value names.
enum WebSocketOpcodeNames {
    static let descriptor = Registry.registry(named: "websocket")!.fields.first { $0.descriptor.key == "websocket.opcode" }!.descriptor
}
