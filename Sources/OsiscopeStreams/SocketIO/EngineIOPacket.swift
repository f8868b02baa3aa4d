import Foundation

/// Engine.IO packet types (the first character of a packet, protocol v3 and v4); unknown
/// values are kept, not trapped.
public enum EngineIOPacketType: Sendable, Equatable {
    case open, close, ping, pong, message, upgrade, noop
    case unknown(UInt8)

    public init(code: UInt8) {
        switch code {
        case 0: self = .open
        case 1: self = .close
        case 2: self = .ping
        case 3: self = .pong
        case 4: self = .message
        case 5: self = .upgrade
        case 6: self = .noop
        default: self = .unknown(code)
        }
    }

    public var code: UInt8 {
        switch self {
        case .open: 0
        case .close: 1
        case .ping: 2
        case .pong: 3
        case .message: 4
        case .upgrade: 5
        case .noop: 6
        case .unknown(let code): code
        }
    }

    /// The contract's names: "open", "close", "ping", "pong", "message", "upgrade", "noop".
    public var name: String {
        switch self {
        case .open: "open"
        case .close: "close"
        case .ping: "ping"
        case .pong: "pong"
        case .message: "message"
        case .upgrade: "upgrade"
        case .noop: "noop"
        case .unknown(let code): "unknown(\(code))"
        }
    }
}

/// The Engine.IO protocol revision, from the `EIO` query parameter.
public enum EngineIOVersion: Int, Sendable, Equatable {
    case v3 = 3
    case v4 = 4
}

/// One Engine.IO packet: its type and its data, where it sits in the payload that carried it.
public struct EngineIOPacket: Sendable, Equatable {
    public var type: EngineIOPacketType
    /// What follows the type: the text of a text packet, the bytes of a binary one.
    public var data: [UInt8]
    /// A binary packet (a WebSocket binary frame, or base64 `b…` in a polling payload).
    public var isBinary: Bool
    /// It came base64-encoded in a text payload (`b…`).
    public var base64: Bool
    /// Where the packet's bytes are in its carrier's payload: a text packet with its type
    /// character (after a v3 `len:` prefix), a binary packet's data (after a v3 type byte), a
    /// base64 packet's text.
    public var range: Range<Int>

    public init(type: EngineIOPacketType, data: [UInt8], isBinary: Bool = false, base64: Bool = false, range: Range<Int>) {
        self.type = type
        self.data = data
        self.isBinary = isBinary
        self.base64 = base64
        self.range = range
    }

    /// The data as text, when it is valid UTF-8 (Socket.IO packets, the open packet's JSON).
    public var text: String? { isBinary ? nil : String(validating: data, as: UTF8.self) }

    /// A packet in its text encoding (one WebSocket text frame, one piece of a polling payload):
    /// a type digit, or `b` and base64 for binary (in v3 `b` is followed by the type digit).
    /// Nil, with the reason, when it is not one.
    static func parseText(_ bytes: ArraySlice<UInt8>, version: EngineIOVersion, at offset: Int)
        -> Result<EngineIOPacket, EngineIOParseError> {
        let range = offset..<(offset + bytes.count)
        guard let first = bytes.first else { return .failure(EngineIOParseError(offset: offset, reason: "an empty packet")) }
        if first == UInt8(ascii: "b") {
            var encoded = bytes.dropFirst()
            var type = EngineIOPacketType.message
            if version == .v3 {
                guard let digit = encoded.first, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else {
                    return .failure(EngineIOParseError(offset: offset + 1, reason: "a v3 base64 packet needs its type after 'b'"))
                }
                type = EngineIOPacketType(code: digit - UInt8(ascii: "0"))
                encoded = encoded.dropFirst()
            }
            guard let decoded = Data(base64Encoded: Data(encoded)) else {
                return .failure(EngineIOParseError(offset: offset + 1, reason: "the 'b' packet's data is not base64"))
            }
            return .success(EngineIOPacket(type: type, data: [UInt8](decoded), isBinary: true, base64: true, range: range))
        }
        guard first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            return .failure(EngineIOParseError(offset: offset, reason: "a packet starts with its type digit, not '\(first.quotedInMessage)'"))
        }
        return .success(EngineIOPacket(type: EngineIOPacketType(code: first - UInt8(ascii: "0")), data: Array(bytes.dropFirst()),
                                       range: range))
    }

    /// A WebSocket binary frame: in v4 a binary message as it is; in v3 its first byte is the type.
    static func parseBinaryFrame(_ bytes: [UInt8], version: EngineIOVersion) -> EngineIOPacket {
        if version == .v3, let first = bytes.first {
            return EngineIOPacket(type: EngineIOPacketType(code: first), data: Array(bytes.dropFirst()), isBinary: true,
                                  range: 1..<bytes.count)
        }
        return EngineIOPacket(type: .message, data: bytes, isBinary: true, range: 0..<bytes.count)
    }

}

/// Why bytes are not an Engine.IO packet or payload, and where (offset in the payload).
public struct EngineIOParseError: Error, Sendable, Equatable {
    public var offset: Int
    public var reason: String
    /// The payload's framing broke (a v3 length prefix), not one packet: the rest is lost.
    public var framing = false

    public init(offset: Int, reason: String, framing: Bool = false) {
        self.offset = offset
        self.reason = reason
        self.framing = framing
    }
}
