/// The 4-bit opcode of a WebSocket frame (RFC 6455 §5.2, §11.8). Values the RFC leaves
/// reserved (3-7 for data, 11-15 for control) are kept as `.reserved(value)`, never trapped on.
public enum WebSocketOpcode: Sendable, Hashable, CustomStringConvertible {
    case continuation
    case text
    case binary
    case close
    case ping
    case pong
    case reserved(UInt8)

    /// Reads the low 4 bits of `value`.
    public init(rawValue value: UInt8) {
        switch value & 0x0F {
        case 0x0: self = .continuation
        case 0x1: self = .text
        case 0x2: self = .binary
        case 0x8: self = .close
        case 0x9: self = .ping
        case 0xA: self = .pong
        default: self = .reserved(value & 0x0F)
        }
    }

    public var rawValue: UInt8 {
        switch self {
        case .continuation: 0x0
        case .text: 0x1
        case .binary: 0x2
        case .close: 0x8
        case .ping: 0x9
        case .pong: 0xA
        case .reserved(let value): value & 0x0F
        }
    }

    /// Control frames (close, ping, pong and the reserved 0xB-0xF) have the high opcode bit set
    /// (RFC 6455 §5.5): they may not be fragmented and carry at most 125 payload bytes.
    public var isControl: Bool { rawValue & 0x08 != 0 }

    /// Text, binary and continuation frames carry application data (RFC 6455 §5.6).
    public var isData: Bool { !isControl }

    public var isReserved: Bool {
        if case .reserved = self { return true }
        return false
    }

    /// The name used in JSON and in the views: "text", "binary", "close", "ping", "pong",
    /// "continuation", or "reserved(0x3)".
    public var name: String {
        switch self {
        case .continuation: "continuation"
        case .text: "text"
        case .binary: "binary"
        case .close: "close"
        case .ping: "ping"
        case .pong: "pong"
        case .reserved(let value): "reserved(0x\(String(value & 0x0F, radix: 16, uppercase: true)))"
        }
    }

    public var description: String { name }

    /// A sentence for learners (RFC 6455 §5.2 and §11.8).
    public var meaning: String {
        switch self {
        case .continuation: "Continuation frame: more of the message a previous text or binary frame started."
        case .text: "Text frame: the payload is UTF-8 text."
        case .binary: "Binary frame: the payload is arbitrary bytes for the application."
        case .close: "Close frame: starts or answers the closing handshake, with an optional status code and reason."
        case .ping: "Ping frame: a keep-alive or latency check; the other side must answer with a pong."
        case .pong: "Pong frame: the answer to a ping, echoing its payload (or an unsolicited heartbeat)."
        case .reserved: isControl
            ? "Reserved control opcode: RFC 6455 defines no meaning for it; without an extension that does, it is a protocol error."
            : "Reserved data opcode: RFC 6455 defines no meaning for it; without an extension that does, it is a protocol error."
        }
    }
}
