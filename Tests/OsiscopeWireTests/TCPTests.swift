import OsiscopeCapture
@testable import OsiscopeWire
import Testing

@Suite("TCP")
struct TCPTests {
    /// The correct checksum of Samples.synTCP, as the helper computed it.
    static let synChecksum = read16(Samples.synTCP, at: 16)

    /// The SYN with its TCP checksum (frame bytes 50–51) replaced.
    static func synWithChecksum(_ value: UInt16) -> [UInt8] {
        setting16(Samples.tcpSYN, at: 50, to: value)
    }

    @Test("SYN header fields: ports, sequence numbers, header length, flags, window")
    func synHeaderFields() throws {
        let packet = decode(Samples.tcpSYN, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "ipv4", "tcp"])
        #expect(packet.diagnosticList == [])
        let tcp = try #require(packet.layer("tcp"))
        #expect(tcp.title == "Transmission Control Protocol")
        #expect(tcp.osi == .transport)
        #expect(tcp.span == Span(34, 40))
        #expect(tcp.summary == "40000 → 8080 [SYN] Seq=1000000000 Win=64240 Len=0")

        #expect(packet.value("tcp.srcport") == .number(40000))
        #expect(packet.span("tcp.srcport") == Span(34, 2))
        #expect(packet.value("tcp.dstport") == .number(8080))
        #expect(packet.span("tcp.dstport") == Span(36, 2))
        #expect(packet.value("tcp.seq_raw") == .number(1_000_000_000))
        #expect(packet.span("tcp.seq_raw") == Span(38, 4))
        #expect(packet.value("tcp.ack_raw") == .number(0))
        #expect(packet.span("tcp.ack_raw") == Span(42, 4))
        #expect(packet.value("tcp.hdr_len") == .number(40))
        #expect(packet.note("tcp.hdr_len") == "bytes (10)")
        #expect(packet.span("tcp.hdr_len") == Span(46, 1))
        #expect(packet.value("tcp.window_size_value") == .number(64240))
        #expect(packet.span("tcp.window_size_value") == Span(48, 2))
        #expect(packet.span("tcp.checksum") == Span(50, 2))
        #expect(packet.value("tcp.urgent_pointer") == .number(0))
        #expect(packet.span("tcp.urgent_pointer") == Span(52, 2))
        let length = try #require(packet.field("tcp.len"))
        #expect(length.value == .number(0))
        #expect(length.generated)
    }

    @Test("Flags 0x002: value, hex format, note and one child per bit")
    func synFlags() throws {
        let packet = decode(Samples.tcpSYN, link: .ethernet)
        let flags = try #require(packet.field("tcp.flags"))
        #expect(flags.value == .number(0x002))
        #expect(flags.descriptor.format == .hex(digits: 4))
        #expect(flags.note == "(SYN)")
        #expect(flags.span == Span(46, 2))
        #expect(flags.children.map(\.key) == [
            "tcp.flags.res", "tcp.flags.ae", "tcp.flags.cwr", "tcp.flags.ece", "tcp.flags.urg",
            "tcp.flags.ack", "tcp.flags.push", "tcp.flags.reset", "tcp.flags.syn", "tcp.flags.fin",
        ])
        #expect(flags.children.map(\.value) == [
            .flag(false), .flag(false), .flag(false), .flag(false), .flag(false),
            .flag(false), .flag(false), .flag(false), .flag(true), .flag(false),
        ])
        #expect(flags.children.allSatisfy { $0.span == Span(46, 2) })
    }

    @Test("Flag names are listed lowest bit first, as Wireshark writes them",
          arguments: [
              (UInt16(0x012), "SYN, ACK"), (0x018, "PSH, ACK"), (0x011, "FIN, ACK"), (0x004, "RST"),
              (0x014, "RST, ACK"), (0x0c2, "SYN, ECE, CWR"), (0x000, "none"), (0x800, "none"),
          ])
    func flagNames(flags: UInt16, names: String) {
        #expect(TCPFields.flagNames(flags) == names)
    }

    @Test("SYN/ACK summary shows the acknowledgment number")
    func synAckSummary() {
        // RFC 9293 §3.1: flags byte 47 = 0x12 (SYN, ACK); acknowledgment number 42 at bytes 42–45.
        var frame = replacing(Samples.tcpSYN, at: 42, with: hex("00 00 00 2a"))
        frame = replacing(frame, at: 47, with: [0x12])
        let segment = withTransportChecksum(Array(frame[34...]), checksumAt: 16, source: Samples.clientIPv4,
                                            destination: Samples.serverIPv4, protocolNumber: 6)
        let packet = decode(Array(frame[..<34]) + segment, link: .ethernet)
        #expect(packet.value("tcp.flags") == .number(0x012))
        #expect(packet.note("tcp.flags") == "(SYN, ACK)")
        #expect(packet.value("tcp.flags.ack") == .flag(true))
        #expect(packet.layer("tcp")?.summary == "40000 → 8080 [SYN, ACK] Seq=1000000000 Ack=42 Win=64240 Len=0")
        #expect(packet.note("tcp.checksum") == "[correct]")
    }

    @Test("SYN options: MSS, SACK permitted, timestamps, NOP, window scale")
    func synOptions() throws {
        let packet = decode(Samples.tcpSYN, link: .ethernet)
        let options = try #require(packet.field("tcp.options"))
        #expect(options.span == Span(54, 20))
        #expect(options.note == "(20 bytes)")
        #expect(options.children.map(\.key) == [
            "tcp.options.mss", "tcp.options.sack_perm", "tcp.options.timestamp", "tcp.option_kind", "tcp.options.wscale",
        ])
        #expect(options.children.map(\.span) == [Span(54, 4), Span(58, 2), Span(60, 10), Span(70, 1), Span(71, 3)])

        // RFC 9293 §3.2: Maximum Segment Size, kind 2, length 4.
        let mss = options.children[0]
        #expect(mss.note == "1460 bytes")
        #expect(mss.children.map(\.key) == ["tcp.option_kind", "tcp.option_len", "tcp.options.mss_val"])
        #expect(mss.children.map(\.value) == [.number(2), .number(4), .number(1460)])
        #expect(mss.children.map(\.span) == [Span(54, 1), Span(55, 1), Span(56, 2)])
        #expect(packet.value("tcp.options.mss_val") == .number(1460))

        // RFC 2018 §2: SACK permitted, kind 4, length 2, no value.
        let sackPermitted = options.children[1]
        #expect(sackPermitted.value == .none)
        #expect(sackPermitted.note == nil)
        #expect(sackPermitted.children.map(\.value) == [.number(4), .number(2)])
        #expect(sackPermitted.children.map(\.span) == [Span(58, 1), Span(59, 1)])

        // RFC 7323 §3: timestamps, kind 8, length 10.
        let timestamps = options.children[2]
        #expect(timestamps.note == "TSval 1234567, TSecr 0")
        #expect(timestamps.children.map(\.key) == [
            "tcp.option_kind", "tcp.option_len", "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
        ])
        #expect(timestamps.children.map(\.value) == [.number(8), .number(10), .number(1_234_567), .number(0)])
        #expect(timestamps.children.map(\.span) == [Span(60, 1), Span(61, 1), Span(62, 4), Span(66, 4)])

        // RFC 9293 §3.2: No-Operation, a single byte of kind 1.
        let nop = options.children[3]
        #expect(nop.value == .number(1))
        #expect(nop.note == "(No-Operation)")
        #expect(nop.children.isEmpty)

        // RFC 7323 §2: window scale, kind 3, length 3, shift 7.
        let windowScale = options.children[4]
        #expect(windowScale.note == "shift 7 (multiply by 128)")
        #expect(windowScale.children.map(\.key) == [
            "tcp.option_kind", "tcp.option_len", "tcp.options.wscale.shift", "tcp.options.wscale.multiplier",
        ])
        #expect(windowScale.children.map(\.value) == [.number(3), .number(3), .number(7), .number(128)])
        #expect(windowScale.children.map(\.generated) == [false, false, false, true])
        #expect(packet.span("tcp.options.wscale.shift") == Span(73, 1))
    }

    @Test("SACK blocks after two NOPs")
    func sackBlocks() throws {
        let ip = withIPv4Checksum(hex(
            "45 00 00 3c",          // RFC 791 §3.1: version 4, IHL 5, total length 60
            "00 01 40 00",          // identification 1, DF
            "40 06 00 00",          // TTL 64, protocol TCP, checksum (computed)
            "c6 33 64 14 c0 00 02 0a")) // source 198.51.100.20, destination 192.0.2.10
        let tcp = withTransportChecksum(hex(
            "1f 90 9c 40",          // RFC 9293 §3.1: source port 8080, destination port 40000
            "00 00 03 e8",          // sequence number 1000
            "00 00 03 e9",          // acknowledgment number 1001
            "a0 10 01 00",          // data offset 10 (40 bytes), flags ACK, window 256
            "00 00 00 00",          // checksum (computed), urgent pointer 0
            "01 01",                // two No-Operation bytes to align the option
            "05 12",                // RFC 2018 §3: SACK, kind 5, length 18 (two blocks)
            "00 00 07 d1 00 00 0b b9", // block 1: left edge 2001, right edge 3001
            "00 00 0f a1 00 00 13 89"), // block 2: left edge 4001, right edge 5001
            checksumAt: 16, source: Samples.serverIPv4, destination: Samples.clientIPv4, protocolNumber: 6)
        let packet = decode(ip + tcp, link: .raw)
        #expect(packet.layerKeys == ["ipv4", "tcp"])
        #expect(packet.diagnosticList == [])
        #expect(packet.note("tcp.checksum") == "[correct]")
        let options = try #require(packet.field("tcp.options"))
        #expect(options.children.map(\.key) == ["tcp.option_kind", "tcp.option_kind", "tcp.options.sack"])
        let sack = options.children[2]
        #expect(sack.span == Span(42, 18))
        #expect(sack.note == "2001-3001 4001-5001")
        #expect(sack.children.map(\.key) == [
            "tcp.option_kind", "tcp.option_len",
            "tcp.options.sack_le", "tcp.options.sack_re", "tcp.options.sack_le", "tcp.options.sack_re",
        ])
        #expect(sack.children.map(\.value) == [.number(5), .number(18), .number(2001), .number(3001), .number(4001), .number(5001)])
        #expect(sack.children.map(\.span) == [Span(42, 1), Span(43, 1), Span(44, 4), Span(48, 4), Span(52, 4), Span(56, 4)])
    }

    @Test("An option length that runs past the header")
    func optionLengthRunsPastHeader() {
        // Data offset 6 (24 bytes): one MSS option claiming length 8 in a 4-byte option area.
        let ip = withIPv4Checksum(setting16(Samples.pingIPv4Header, at: 8, to: 0x4006)) // TTL 64, protocol 6
        let ipWithLength = withIPv4Checksum(setting16(ip, at: 2, to: 44))           // total length 20 + 24
        let tcp = withTransportChecksum(hex(
            "9c 40 1f 90 00 00 00 01 00 00 00 00", // ports 40000 → 8080, sequence 1, acknowledgment 0
            "60 02 ff ff 00 00 00 00",             // data offset 6, SYN, window 65535, checksum, urgent pointer
            "02 08 05 b4"),                        // MSS kind 2 with a length of 8
            checksumAt: 16, source: Samples.clientIPv4, destination: Samples.serverIPv4, protocolNumber: 6)
        let packet = decode(ipWithLength + tcp, link: .raw)
        #expect(packet.layerKeys == ["ipv4", "tcp"])
        #expect(packet.diagnosticList == ["error tcp.option.len.invalid"])
        #expect(packet.diagnostic("tcp.option.len.invalid")?.offset == 40)
        #expect(packet.diagnostic("tcp.option.len.invalid")?.length == 4)
        #expect(packet.note("tcp.checksum") == "[correct]")
    }

    @Test("A correct checksum is marked correct")
    func checksumCorrect() throws {
        // Cross-checked with tshark 4.0: 0x3224 for IPv4, 0xc8b7 for TCP.
        #expect(Self.synChecksum == 0xc8b7)
        let packet = decode(Samples.tcpSYN, link: .ethernet)
        #expect(packet.value("tcp.checksum") == .number(0xc8b7))
        #expect(packet.note("tcp.checksum") == "[correct]")
        #expect(packet.diagnosticList == [])
        #expect(packet.transport?.tcp?.badChecksum == false)
    }

    @Test("A checksum equal to the pseudo-header sum was left to the network card")
    func checksumOffloaded() {
        // With checksum offload the stack stores only the folded pseudo-header sum.
        let pseudo = onesComplementSum(pseudoHeader(source: Samples.clientIPv4, destination: Samples.serverIPv4,
                                                    protocolNumber: 6, length: 40))
        let packet = decode(Self.synWithChecksum(pseudo), link: .ethernet)
        #expect(packet.value("tcp.checksum") == .number(UInt64(pseudo)))
        #expect(packet.note("tcp.checksum") == "[not yet computed: left to the network card (checksum offload)]")
        #expect(packet.diagnosticList == [])
        #expect(packet.transport?.tcp?.badChecksum == false)
    }

    @Test("A wrong checksum gives tcp.checksum.bad with the expected value")
    func checksumWrong() throws {
        let packet = decode(Self.synWithChecksum(0x1234), link: .ethernet)
        let expected = "[incorrect, should be \(hex4(Self.synChecksum))]"
        #expect(expected == "[incorrect, should be 0xc8b7]")
        #expect(packet.value("tcp.checksum") == .number(0x1234))
        #expect(packet.note("tcp.checksum") == expected)
        #expect(packet.diagnosticList == ["warning tcp.checksum.bad"])
        let diagnostic = try #require(packet.diagnostic("tcp.checksum.bad"))
        #expect(diagnostic.message == "TCP checksum is wrong \(expected)")
        #expect(diagnostic.offset == 50)
        #expect(diagnostic.length == 2)
        #expect(packet.transport?.tcp?.badChecksum == true)
    }

    @Test("Transport info for conversation tracking")
    func transportInfo() throws {
        let packet = decode(Samples.tcpSYN, link: .ethernet)
        let transport = try #require(packet.transport)
        #expect(transport.kind == .tcp)
        #expect(transport.source.description == "192.0.2.10:40000")
        #expect(transport.destination.description == "198.51.100.20:8080")
        #expect(transport.tcp == TCPSegmentInfo(sequence: 1_000_000_000, acknowledgment: 0, flags: 0x002, window: 64240,
                                                payloadOffset: 74, payloadLength: 0, badChecksum: false, windowShift: 7))
    }

    @Test("TCP header cut by the snap length: wire.truncated, ports still shown")
    func headerCutBySnapLength() throws {
        // 40 of 74 bytes: 6 bytes of the TCP header.
        let packet = decode(Array(Samples.tcpSYN.prefix(40)), link: .ethernet, originalLength: 74)
        #expect(packet.layerKeys == ["eth", "ipv4", "tcp"])
        #expect(packet.diagnosticList == ["warning wire.truncated"])
        let tcp = try #require(packet.layer("tcp"))
        #expect(tcp.span == Span(34, 6))
        #expect(tcp.diagnostics.first?.message == "TCP header cut off by the capture's snap length: 6 of 20 bytes captured")
        #expect(tcp.fields.map(\.key) == ["tcp.srcport", "tcp.dstport"])
    }

    @Test("TCP options cut by the snap length: wire.truncated")
    func optionsCutBySnapLength() throws {
        // 60 of 74 bytes: the fixed header and 6 of the 20 option bytes.
        let packet = decode(Array(Samples.tcpSYN.prefix(60)), link: .ethernet, originalLength: 74)
        #expect(packet.layerKeys == ["eth", "ipv4", "tcp"])
        #expect(packet.diagnosticList == ["warning wire.truncated"])
        #expect(packet.diagnostic("wire.truncated")?.message == "TCP options header cut off by the capture's snap length: 26 of 40 bytes captured")
        #expect(packet.layer("tcp")?.span == Span(34, 26))
        #expect(packet.value("tcp.hdr_len") == .number(40))
        #expect(packet.field("tcp.options") == nil)
        #expect(packet.value("tcp.len") == .number(0))
    }

    @Test("Data offset beyond the segment IP delimits: malformed, not truncated")
    func headerLongerThanSegment() {
        // Data offset 15 (60 bytes) although IP carries only 40 TCP bytes; nothing was cut.
        let frame = replacing(Samples.tcpSYN, at: 46, with: [0xf0])
        let packet = decode(frame, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "ipv4", "tcp"])
        #expect(packet.diagnosticList == ["error wire.malformed"])
        #expect(packet.value("tcp.hdr_len") == .number(60))
        #expect(packet.layer("tcp")?.span == Span(34, 40))
    }

    @Test("Data offset below 5: tcp.hdr_len.bad")
    func dataOffsetTooSmall() throws {
        // Data offset 4 (16 bytes), less than the 20-byte minimum header.
        let frame = replacing(Samples.tcpSYN, at: 46, with: [0x40])
        let packet = decode(frame, link: .ethernet)
        #expect(packet.layerKeys == ["eth", "ipv4", "tcp"])
        #expect(packet.diagnosticList == ["error tcp.hdr_len.bad"])
        let diagnostic = try #require(packet.diagnostic("tcp.hdr_len.bad"))
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message == "header length 16 is less than the minimum of 20 bytes")
        #expect(diagnostic.offset == 46)
        #expect(diagnostic.length == 1)
        #expect(packet.value("tcp.hdr_len") == .number(16))
        #expect(packet.note("tcp.hdr_len") == "bytes (4)")
        #expect(packet.field("tcp.options") == nil)
        #expect(packet.layer("tcp")?.span == Span(34, 20))
        #expect(packet.value("tcp.len") == .number(0))
    }

    @Test("Payload cut by the snap length: tcp.len counts the bytes sent")
    func payloadCutBySnapLength() {
        // The IPv6 sample with 2 of its 5 data bytes captured.
        let packet = decode(Array(Samples.tcpIPv6.prefix(62)), link: .raw, originalLength: 65)
        #expect(packet.layerKeys == ["ipv6", "tcp", "data"])
        #expect(packet.diagnosticList == [])
        #expect(packet.value("tcp.len") == .number(5))
        #expect(packet.note("tcp.checksum") == "[unverified: segment not captured whole]")
        #expect(packet.layer("data")?.span == Span(60, 2))
        #expect(packet.transport?.tcp?.payloadLength == 5)
        #expect(packet.transport?.tcp?.payloadOffset == 60)
    }
}
