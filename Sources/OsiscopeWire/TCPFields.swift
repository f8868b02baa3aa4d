/// Field table for the Transmission Control Protocol (RFC 9293), keyed as in Wireshark.
enum TCPFields {
    static let sourcePort = FieldDescriptor("tcp.srcport", "Source Port",
        blurb: "The sender's port: together with the IP addresses it tells which conversation the segment belongs to.")
    static let destinationPort = FieldDescriptor("tcp.dstport", "Destination Port",
        blurb: "The receiver's port, which picks the program (80 for HTTP, for example) that gets the data.")
    static let sequence = FieldDescriptor("tcp.seq_raw", "Sequence Number (raw)",
        blurb: "Number of the first data byte in this segment; the receiver uses it to put bytes in order.")
    static let acknowledgment = FieldDescriptor("tcp.ack_raw", "Acknowledgment Number (raw)",
        blurb: "The next byte the sender expects from the other side: everything before it has arrived.")
    static let headerLength = FieldDescriptor("tcp.hdr_len", "Header Length", mask: 0xF0,
        blurb: "Length of the TCP header in bytes (the field counts 32-bit words); over 20 means options follow.")
    static let flags = FieldDescriptor("tcp.flags", "Flags", .hex(digits: 4), mask: 0x0FFF,
        blurb: "Control bits: SYN opens a connection, ACK acknowledges, FIN closes, RST aborts, PSH delivers now.")
    static let reserved = FieldDescriptor("tcp.flags.res", "Reserved", .flag, mask: 0x0E00,
        blurb: "Reserved for future use; must be zero.")
    static let accurateECN = FieldDescriptor("tcp.flags.ae", "Accurate ECN", .flag, mask: 0x0100,
        blurb: "Used by Accurate ECN feedback (formerly the ECN nonce bit).")
    static let cwr = FieldDescriptor("tcp.flags.cwr", "Congestion Window Reduced", .flag, mask: 0x0080,
        blurb: "The sender slowed down after being told of congestion.")
    static let ece = FieldDescriptor("tcp.flags.ece", "ECN-Echo", .flag, mask: 0x0040,
        blurb: "Tells the other side that the network signalled congestion.")
    static let urgent = FieldDescriptor("tcp.flags.urg", "Urgent", .flag, mask: 0x0020,
        blurb: "The urgent pointer field is meaningful (rarely used today).")
    static let ack = FieldDescriptor("tcp.flags.ack", "Acknowledgment", .flag, mask: 0x0010,
        blurb: "The acknowledgment number is valid; set on every segment after the first SYN.")
    static let push = FieldDescriptor("tcp.flags.push", "Push", .flag, mask: 0x0008,
        blurb: "Asks the receiver to hand the data to the application without waiting for more.")
    static let reset = FieldDescriptor("tcp.flags.reset", "Reset", .flag, mask: 0x0004,
        blurb: "Aborts the connection at once, for example when nothing listens on the port.")
    static let syn = FieldDescriptor("tcp.flags.syn", "Syn", .flag, mask: 0x0002,
        blurb: "Synchronize: opens a connection and announces the first sequence number (the three-way handshake).")
    static let fin = FieldDescriptor("tcp.flags.fin", "Fin", .flag, mask: 0x0001,
        blurb: "Finish: the sender has no more data; each side sends its own FIN to close.")
    static let window = FieldDescriptor("tcp.window_size_value", "Window",
        blurb: "How many more bytes the sender of this segment can receive now (flow control), before scaling.")
    static let checksum = FieldDescriptor("tcp.checksum", "Checksum", .hex(digits: 4),
        blurb: "Detects corruption of the segment, computed over a pseudo-header with the IP addresses too.")
    static let urgentPointer = FieldDescriptor("tcp.urgent_pointer", "Urgent Pointer",
        blurb: "Where urgent data ends, when the URG flag is set.")
    static let options = FieldDescriptor("tcp.options", "Options", .none,
        blurb: "Extensions negotiated mostly in the SYN: segment size, window scaling, selective ACKs, timestamps.")
    static let optionKind = FieldDescriptor("tcp.option_kind", "Kind",
        blurb: "Which option this is.")
    static let optionLength = FieldDescriptor("tcp.option_len", "Length",
        blurb: "Length of the option in bytes, including kind and length.")
    static let mss = FieldDescriptor("tcp.options.mss_val", "MSS Value",
        blurb: "Maximum segment size: the largest payload the sender of this SYN wants to receive in one segment.")
    static let windowScale = FieldDescriptor("tcp.options.wscale.shift", "Shift count",
        blurb: "Window scale: later window values from this side are multiplied by 2 to this power (RFC 7323).")
    static let windowMultiplier = FieldDescriptor("tcp.options.wscale.multiplier", "Multiplier",
        blurb: "The factor window values are multiplied by: 2 to the shift count.")
    static let sackPermitted = FieldDescriptor("tcp.options.sack_perm", "SACK permitted", .none,
        blurb: "The sender can receive selective acknowledgments (RFC 2018).")
    static let sackLeft = FieldDescriptor("tcp.options.sack_le", "left edge",
        blurb: "First sequence number of a block that arrived beyond a gap.")
    static let sackRight = FieldDescriptor("tcp.options.sack_re", "right edge",
        blurb: "Sequence number just after that block.")
    static let sack = FieldDescriptor("tcp.options.sack", "SACK", .none,
        blurb: "Selective acknowledgment: blocks that arrived although earlier bytes are missing.")
    static let timestampValue = FieldDescriptor("tcp.options.timestamp.tsval", "Timestamp value",
        blurb: "The sender's clock, echoed back by the receiver so both can measure round-trip time (RFC 7323).")
    static let timestampEcho = FieldDescriptor("tcp.options.timestamp.tsecr", "Timestamp echo reply",
        blurb: "The latest timestamp value received from the other side.")
    static let payloadLength = FieldDescriptor("tcp.len", "TCP Segment Len",
        blurb: "How many bytes of application data this segment carries.")
    /// The flag bits in display order with their short names.
    static let flagBits: [(descriptor: FieldDescriptor, name: String)] = [
        (reserved, "Reserved"), (accurateECN, "AE"), (cwr, "CWR"), (ece, "ECE"), (urgent, "URG"), (ack, "ACK"),
        (push, "PSH"), (reset, "RST"), (syn, "SYN"), (fin, "FIN"),
    ]
    static let flagDescriptors = flagBits.map(\.descriptor)

    /// "SYN, ACK" for 0x012: lowest bit first, as Wireshark names them.
    static func flagNames(_ flags: UInt16) -> String {
        let names = flagBits.reversed().filter { UInt64(flags) & $0.descriptor.mask! != 0 && $0.descriptor !== reserved }
            .map(\.name)
        return names.isEmpty ? "none" : names.joined(separator: ", ")
    }
}
