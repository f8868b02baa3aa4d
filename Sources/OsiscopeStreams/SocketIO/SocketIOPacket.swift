import Foundation

/// Socket.IO packet types (protocol v4 and v5); unknown values are kept.
public enum SocketIOPacketType: Sendable, Equatable {
    case connect, disconnect, event, ack, connectError, binaryEvent, binaryAck
    case unknown(UInt8)

    public init(code: UInt8) {
        switch code {
        case 0: self = .connect
        case 1: self = .disconnect
        case 2: self = .event
        case 3: self = .ack
        case 4: self = .connectError
        case 5: self = .binaryEvent
        case 6: self = .binaryAck
        default: self = .unknown(code)
        }
    }

    /// The contract's names: "CONNECT", "EVENT", …
    public var name: String {
        switch self {
        case .connect: "CONNECT"
        case .disconnect: "DISCONNECT"
        case .event: "EVENT"
        case .ack: "ACK"
        case .connectError: "CONNECT_ERROR"
        case .binaryEvent: "BINARY_EVENT"
        case .binaryAck: "BINARY_ACK"
        case .unknown(let code): "UNKNOWN(\(code))"
        }
    }

    public var code: UInt8 {
        switch self {
        case .connect: 0
        case .disconnect: 1
        case .event: 2
        case .ack: 3
        case .connectError: 4
        case .binaryEvent: 5
        case .binaryAck: 6
        case .unknown(let code): code
        }
    }

    public var hasAttachments: Bool { self == .binaryEvent || self == .binaryAck }
    public var isEvent: Bool { self == .event || self == .binaryEvent }
    public var isAck: Bool { self == .ack || self == .binaryAck }
}

/// One Socket.IO packet as the default parser writes it:
/// `<type>[<attachments>-][<namespace>,][<ack id>][<JSON>]`.
public struct SocketIOPacket: Sendable, Equatable {
    public var type: SocketIOPacketType
    /// "/" when the packet names none.
    public var namespace: String
    /// v4 clients put a query after the namespace (`/admin?token=1`).
    public var namespaceQuery: String?
    public var attachments: Int
    public var ackID: Int?
    /// The JSON after the header; nil when there is none.
    public var data: JSONValue?
    /// Where each part is in the packet's text (the layer's fields point there).
    public var layout = Layout()

    public struct Layout: Sendable {
        public var attachments: Range<Int>?
        public var namespace: Range<Int>?
        public var ackID: Range<Int>?
        public var data: Range<Int>?
    }

    /// Packets are equal when they say the same, wherever their parts were.
    public static func == (lhs: SocketIOPacket, rhs: SocketIOPacket) -> Bool {
        lhs.type == rhs.type && lhs.namespace == rhs.namespace && lhs.namespaceQuery == rhs.namespaceQuery
            && lhs.attachments == rhs.attachments && lhs.ackID == rhs.ackID && lhs.data == rhs.data
    }

    public init(type: SocketIOPacketType, namespace: String = "/", namespaceQuery: String? = nil, attachments: Int = 0,
                ackID: Int? = nil, data: JSONValue? = nil) {
        self.type = type
        self.namespace = namespace
        self.namespaceQuery = namespaceQuery
        self.attachments = attachments
        self.ackID = ackID
        self.data = data
    }

    /// Ack ids and attachment counts longer than this are not numbers Socket.IO writes.
    static let maximumDigits = 15

    public static func parse(_ bytes: some Collection<UInt8>) -> Result<SocketIOPacket, SocketIOParseError> {
        let text = Array(bytes)
        var index = 0
        func fail(_ reason: String) -> Result<SocketIOPacket, SocketIOParseError> {
            .failure(SocketIOParseError(offset: index, reason: reason))
        }
        func digits() -> Int? {
            let start = index
            while index < text.count, index - start <= maximumDigits, text[index].isASCIIDigit { index += 1 }
            return index > start ? Int(String(decoding: text[start..<index], as: UTF8.self)) : nil
        }
        guard let first = text.first else { return fail("an empty Socket.IO packet") }
        guard first.isASCIIDigit else { return fail("a Socket.IO packet starts with its type digit") }
        var packet = SocketIOPacket(type: SocketIOPacketType(code: first - UInt8(ascii: "0")))
        index = 1
        if packet.type.hasAttachments {
            guard let count = digits(), index < text.count, text[index] == UInt8(ascii: "-") else {
                return fail("a binary packet gives its number of attachments and '-' after its type")
            }
            packet.attachments = count
            packet.layout.attachments = 1..<index
            index += 1
        }
        if index < text.count, text[index] == UInt8(ascii: "/") {
            let start = index
            while index < text.count, text[index] != UInt8(ascii: ",") { index += 1 }
            var name = String(decoding: text[start..<index], as: UTF8.self)
            if let question = name.firstIndex(of: "?") {
                packet.namespaceQuery = String(name[name.index(after: question)...])
                name = String(name[..<question])
            }
            packet.namespace = name
            packet.layout.namespace = start..<index
            if index < text.count { index += 1 }
        }
        let idStart = index
        packet.ackID = digits()
        if index - idStart > maximumDigits { return fail("an ack id longer than \(maximumDigits) digits") }
        if packet.ackID != nil { packet.layout.ackID = idStart..<index }
        if index < text.count {
            packet.layout.data = index..<text.count
            switch JSONParser.parse(text[index...]) {
            case .success(let value): packet.data = value
            case .failure(let error):
                index += error.offset
                return fail("invalid JSON: \(error.reason)")
            }
        }
        return .success(packet)
    }


    /// Puts each attachment where its placeholder `{"_placeholder":true,"num":N}` is, as
    /// `{"_binary_base64": "…"}`; returns the numbers of the placeholders that had no attachment.
    /// Each attachment is encoded once; a placeholder repeated many times shares that text, and
    /// placeholders beyond `maximumFilledBytes` of attachments stay as they are (counted in `missing`).
    public static func fill(_ value: JSONValue, with attachments: [[UInt8]], missing: inout [Int]) -> JSONValue {
        var encoded: [Int: String] = [:]
        var filled = 0
        return fill(value, attachments, &encoded, &filled, &missing)
    }

    /// Attachment bytes put into one packet's arguments at most.
    public static let maximumFilledBytes = 64 << 20

    private static func fill(_ value: JSONValue, _ attachments: [[UInt8]], _ encoded: inout [Int: String], _ filled: inout Int,
                             _ missing: inout [Int]) -> JSONValue {
        switch value {
        case .array(let elements):
            return .array(elements.map { fill($0, attachments, &encoded, &filled, &missing) })
        case .object(let members):
            if value["_placeholder"] == .bool(true), let number = value["num"]?.integerValue {
                guard number < attachments.count, filled + attachments[number].count <= maximumFilledBytes else {
                    missing.append(number)
                    return value
                }
                filled += attachments[number].count
                let text = encoded[number] ?? Data(attachments[number]).base64EncodedString()
                encoded[number] = text
                return .object([JSONValue.Member("_binary_base64", .string(text))])
            }
            return .object(members.map { JSONValue.Member($0.key, fill($0.value, attachments, &encoded, &filled, &missing)) })
        default:
            return value
        }
    }
}

/// Why a text is not a Socket.IO packet, and where (offset into the packet).
public struct SocketIOParseError: Error, Sendable, Equatable {
    public var offset: Int
    public var reason: String
}
