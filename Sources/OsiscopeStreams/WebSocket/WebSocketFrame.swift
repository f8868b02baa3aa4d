import OsiscopeWire
/// One WebSocket frame as it was on the wire (RFC 6455 §5.2), located by stream offsets of
/// its direction, with its payload already unmasked.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-------+-+-------------+-------------------------------+
/// |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
/// |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
/// |N|V|V|V|       |S|             |   (if payload len==126/127)   |
/// | |1|2|3|       |K|             |                               |
/// +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
/// |     Extended payload length continued, if payload len == 127  |
/// + - - - - - - - - - - - - - - - +-------------------------------+
/// |                               |Masking-key, if MASK set to 1  |
/// +-------------------------------+-------------------------------+
/// | Masking-key (continued)       |          Payload Data         |
/// +-------------------------------- - - - - - - - - - - - - - - - +
/// ```
public struct WebSocketFrame: Sendable, Equatable {
    public var fin: Bool
    public var rsv1: Bool
    public var rsv2: Bool
    public var rsv3: Bool
    public var opcode: WebSocketOpcode
    public var masked: Bool
    /// The 4 masking-key bytes when `masked`.
    public var maskingKey: [UInt8]?
    /// The 7-bit payload length field as sent (0...127): 126 and 127 announce an extended length.
    public var payloadLengthField: UInt8
    /// The 16-bit extended payload length, when `payloadLengthField` is 126.
    public var extendedLength16: UInt16?
    /// The 64-bit extended payload length, when `payloadLengthField` is 127.
    public var extendedLength64: UInt64?
    /// The payload length the header announces.
    public var payloadLength: UInt64
    /// Stream offsets of the header (2 to 14 bytes).
    public var headerRange: Range<Int64>
    /// Stream offsets of the payload as announced (it may reach past what was captured).
    public var payloadRange: Range<Int64>
    /// The unmasked payload bytes that were captured, at most the parser's payload limit.
    /// Bytes lost in a capture gap are left out (see `missingPayloadBytes`).
    public var payload: [UInt8]
    /// The payload was longer than the parser's limit: `payload` holds only its first bytes.
    public var payloadTruncated: Bool
    /// Payload bytes that were never seen: lost in a capture gap, or cut by the end of the capture.
    public var missingPayloadBytes: UInt64
    /// Problems with the frame's own encoding (e.g. a length not in its shortest form).
    /// Protocol rules that need context (masking direction, fragmentation) are checked by
    /// `WebSocketMessageAssembler`.
    public var diagnostics: [StreamDiagnostic]
    /// Bytes were lost just before this frame (a capture gap, or the start of a capture taken
    /// mid-connection) and the parser had to look for it: frames may be missing before it.
    public var followsLostBytes: Bool

    public init(
        fin: Bool, rsv1: Bool = false, rsv2: Bool = false, rsv3: Bool = false, opcode: WebSocketOpcode,
        masked: Bool, maskingKey: [UInt8]? = nil, payloadLengthField: UInt8,
        extendedLength16: UInt16? = nil, extendedLength64: UInt64? = nil, payloadLength: UInt64,
        headerRange: Range<Int64>, payloadRange: Range<Int64>, payload: [UInt8],
        payloadTruncated: Bool = false, missingPayloadBytes: UInt64 = 0, diagnostics: [StreamDiagnostic] = [],
        followsLostBytes: Bool = false
    ) {
        self.fin = fin
        self.rsv1 = rsv1
        self.rsv2 = rsv2
        self.rsv3 = rsv3
        self.opcode = opcode
        self.masked = masked
        self.maskingKey = maskingKey
        self.payloadLengthField = payloadLengthField
        self.extendedLength16 = extendedLength16
        self.extendedLength64 = extendedLength64
        self.payloadLength = payloadLength
        self.headerRange = headerRange
        self.payloadRange = payloadRange
        self.payload = payload
        self.payloadTruncated = payloadTruncated
        self.missingPayloadBytes = missingPayloadBytes
        self.diagnostics = diagnostics
        self.followsLostBytes = followsLostBytes
    }

    /// Header and payload together.
    public var frameRange: Range<Int64> { headerRange.lowerBound..<payloadRange.upperBound }
    public var headerLength: Int { Int(headerRange.upperBound - headerRange.lowerBound) }
    /// Every payload byte was captured and kept.
    public var isPayloadComplete: Bool { !payloadTruncated && missingPayloadBytes == 0 }
    /// The masking key as one big-endian number (how Wireshark shows `websocket.masking_key`).
    public var maskingKeyValue: UInt32? {
        guard let key = maskingKey, key.count == 4 else { return nil }
        return key.reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// Byte layout of a frame header (RFC 6455 §5.2), shared by the parser, the guesser and the
/// views: offsets are relative to the first header byte.
public enum WebSocketFrameLayout {
    /// First byte: FIN, RSV1-3, opcode.
    public static let finBit: UInt8 = 0x80
    public static let rsv1Bit: UInt8 = 0x40
    public static let rsv2Bit: UInt8 = 0x20
    public static let rsv3Bit: UInt8 = 0x10
    /// The three RSV bits together, as Wireshark's `websocket.rsv` reads them.
    public static let rsvMask: UInt8 = rsv1Bit | rsv2Bit | rsv3Bit
    public static let opcodeMask: UInt8 = 0x0F
    /// Second byte: MASK and the 7-bit payload length.
    public static let maskBit: UInt8 = 0x80
    public static let lengthMask: UInt8 = 0x7F
    /// 7-bit values announcing an extended length.
    public static let length16Marker: UInt8 = 126
    public static let length64Marker: UInt8 = 127
    /// Largest payload length the 7-bit field holds; also the control-frame limit (§5.5).
    public static let maxShortLength: UInt64 = 125
    public static let extendedLengthOffset = 2
    public static let maskingKeyLength = 4
    /// The longest header: 2 + 8 + 4 bytes.
    public static let maxHeaderLength = 14

    /// Header length from the first two header bytes: 2, plus 2 or 8 for an extended length,
    /// plus 4 for a masking key.
    public static func headerLength(secondByte: UInt8) -> Int {
        let extended: Int
        switch secondByte & lengthMask {
        case length16Marker: extended = 2
        case length64Marker: extended = 8
        default: extended = 0
        }
        return 2 + extended + (secondByte & maskBit != 0 ? maskingKeyLength : 0)
    }

    /// Offset of the masking key within the header.
    public static func maskingKeyOffset(secondByte: UInt8) -> Int {
        headerLength(secondByte: secondByte) - maskingKeyLength
    }
}
