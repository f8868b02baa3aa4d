import OsiscopeWire
/// The payload of a close frame (RFC 6455 §5.5.1): an optional status code and a UTF-8 reason.
public struct WebSocketClose: Sendable, Equatable {
    /// Nil when the close frame had an empty payload (the receiver then reports 1005).
    public var code: WebSocketCloseCode?
    /// The reason bytes after the code (at most 123 in a valid close frame).
    public var reasonBytes: [UInt8]
    public var reasonIsValidUTF8: Bool

    public init(code: WebSocketCloseCode?, reasonBytes: [UInt8] = []) {
        self.code = code
        self.reasonBytes = reasonBytes
        reasonIsValidUTF8 = UTF8Validation.isValid(reasonBytes)
    }

    /// The reason as text (invalid UTF-8 replaced by U+FFFD).
    public var reason: String { String(decoding: reasonBytes, as: UTF8.self) }

    /// Reads a close payload; nil for a 1-byte payload (which cannot hold a code).
    public init?(payload: [UInt8]) {
        switch payload.count {
        case 0: self.init(code: nil)
        case 1: return nil
        default: self.init(code: WebSocketCloseCode(UInt16(payload[0]) << 8 | UInt16(payload[1])),
                           reasonBytes: Array(payload[2...]))
        }
    }
}

/// One WebSocket message of one direction (RFC 6455 §5.4, §5.5): a data message joined from
/// its frames, unmasked and inflated, or one control frame.
public struct WebSocketMessage: Sendable, Equatable {
    public var direction: Direction
    /// .text, .binary, .close, .ping or .pong; .reserved(n) for a frame with a reserved
    /// opcode, and .continuation for continuation frames whose first frame was never seen.
    public var opcode: WebSocketOpcode
    /// Frames that made up the message (control frames between fragments not counted).
    public var frameCount: Int
    /// RSV1 was set on the first frame with permessage-deflate (RFC 7692 §6).
    public var compressed: Bool
    /// The application payload: unmasked, joined, inflated; at most the assembler's limit.
    public var payload: [UInt8]
    /// Payload length after unmasking and inflating. When inflation stopped at the limit,
    /// this is the limit (the real length is unknown).
    public var length: UInt64
    /// Payload bytes on the wire (before inflating), the sum of the frames' payload lengths.
    public var wireLength: UInt64
    /// `payload` holds only the first bytes of the message (a limit was reached).
    public var payloadTruncated: Bool
    /// False when bytes of the message were lost (a capture gap or the capture's end), or when
    /// its last fragment never came.
    public var isComplete: Bool
    /// Whether `payload` is UTF-8 (a sequence cut by truncation at the end is accepted).
    /// Required for text messages (RFC 6455 §8.1); informative for the other opcodes.
    public var isValidUTF8: Bool
    /// For close messages with a well-formed payload.
    public var close: WebSocketClose?
    /// From the first byte of the first frame to the last byte of the last frame.
    public var streamRange: Range<Int64>
    /// Each frame of the message (header and payload), in order.
    public var frameRanges: [Range<Int64>]
    /// Where the unmasked bytes (before inflating) are in the stream, frame by frame.
    public var payloadRanges: [Range<Int64>]
    /// The joined, unmasked payload before inflating, for a compressed message.
    public var wirePayload: [UInt8]?
    /// Bytes of frame headers (2 to 14 per frame): the WebSocket layer's overhead.
    public var headerBytes: Int
    public var diagnostics: [StreamDiagnostic]

    public init(
        direction: Direction, opcode: WebSocketOpcode, frameCount: Int = 1, compressed: Bool = false,
        payload: [UInt8], length: UInt64? = nil, wireLength: UInt64? = nil, payloadTruncated: Bool = false,
        isComplete: Bool = true, close: WebSocketClose? = nil, streamRange: Range<Int64>,
        frameRanges: [Range<Int64>]? = nil, payloadRanges: [Range<Int64>] = [], wirePayload: [UInt8]? = nil,
        headerBytes: Int = 0, diagnostics: [StreamDiagnostic] = []
    ) {
        self.direction = direction
        self.opcode = opcode
        self.frameCount = frameCount
        self.compressed = compressed
        self.payload = payload
        self.length = length ?? UInt64(payload.count)
        self.wireLength = wireLength ?? UInt64(payload.count)
        self.payloadTruncated = payloadTruncated
        self.isComplete = isComplete
        isValidUTF8 = UTF8Validation.isValid(payload, allowIncompleteEnd: payloadTruncated || !isComplete)
        self.close = close
        self.streamRange = streamRange
        self.frameRanges = frameRanges ?? [streamRange]
        self.payloadRanges = payloadRanges
        self.wirePayload = wirePayload
        self.headerBytes = headerBytes
        self.diagnostics = diagnostics
    }

    /// The payload as text when it is valid UTF-8.
    public var text: String? {
        isValidUTF8 ? String(decoding: payload, as: UTF8.self) : nil
    }

    public var isControl: Bool { opcode.isControl }
}
