/// How an Engine.IO packet travelled.
public enum EngineIOTransport: String, Sendable, Equatable {
    case polling, websocket
}

/// What the server announced in its open packet.
public struct EngineIOHandshake: Sendable, Equatable {
    public var sid: String
    public var upgrades: [String]
    /// Milliseconds, as announced.
    public var pingInterval: Int?
    public var pingTimeout: Int?
    public var maxPayload: Int?

    /// The open packet's JSON; nil when it has no sid.
    init?(_ value: JSONValue) {
        guard let sid = value["sid"]?.stringValue else { return nil }
        self.sid = sid
        if case .array(let names) = value["upgrades"] { upgrades = names.compactMap(\.stringValue) } else { upgrades = [] }
        pingInterval = value["pingInterval"]?.integerValue
        pingTimeout = value["pingTimeout"]?.integerValue
        maxPayload = value["maxPayload"]?.integerValue
    }
}

/// One Engine.IO packet as a message of its own.
public struct EngineIOMessage: Sendable {
    public var packet: EngineIOPacket
    public var version: EngineIOVersion
    public var transport: EngineIOTransport
    /// The session's id: from the request's `sid` parameter, the open packet, or the upgrade.
    public var sid: String?
    /// The open packet's contents.
    public var handshake: EngineIOHandshake?
    /// For a pong (v4) or ping answer: seconds since the ping it answers (found across connections).
    public var sincePing: Double?
    public var diagnostics: [StreamDiagnostic]

    public init(packet: EngineIOPacket, version: EngineIOVersion, transport: EngineIOTransport, sid: String?,
                handshake: EngineIOHandshake? = nil, diagnostics: [StreamDiagnostic] = []) {
        self.packet = packet
        self.version = version
        self.transport = transport
        self.sid = sid
        self.handshake = handshake
        self.diagnostics = diagnostics
    }

    /// `2probe`/`3probe`: the test of a new WebSocket before the upgrade.
    public var isProbe: Bool { (packet.type == .ping || packet.type == .pong) && packet.data == Array("probe".utf8) }
}

/// Who a broadcast reached: one server message sent at the same moment to several sessions.
public struct Broadcast: Sendable, Equatable {
    /// Numbers broadcasts 1, 2, … in order of their first copy.
    public var id: Int
    public var copies: Int
    /// This copy's place among them, from 0.
    public var index: Int
    /// The connections the copies went to, in order.
    public var streams: [Int]
}

/// One Socket.IO packet as a message of its own, attachments put back in place.
public struct SocketIOMessage: Sendable {
    public var packet: SocketIOPacket
    /// The Engine.IO revision beneath: Socket.IO v5 runs on v4, v4 on v3.
    public var engineVersion: EngineIOVersion
    public var transport: EngineIOTransport
    /// The Engine.IO session.
    public var session: String?
    /// The Socket.IO id of the socket in this namespace, once the server's CONNECT gave it.
    public var socketID: String?
    /// For an ack: the packet that completed the event it answers, and the seconds since then.
    public var ackedPacket: Int?
    public var rtt: Double?
    public var broadcast: Broadcast?
    public var diagnostics: [StreamDiagnostic]

    public init(packet: SocketIOPacket, engineVersion: EngineIOVersion, transport: EngineIOTransport, session: String?,
                diagnostics: [StreamDiagnostic] = []) {
        self.packet = packet
        self.engineVersion = engineVersion
        self.transport = transport
        self.session = session
        self.diagnostics = diagnostics
    }

    /// The event's name: the first element of an EVENT's array.
    public var event: String? {
        guard packet.type.isEvent, case .array(let elements) = packet.data else { return nil }
        return elements.first?.stringValue
    }

    /// An event's arguments after its name; an ack's data; nil for the other types.
    public var args: [JSONValue]? {
        guard case .array(let elements) = packet.data else { return nil }
        if packet.type.isEvent { return Array(elements.dropFirst()) }
        return packet.type.isAck ? elements : nil
    }

    /// The protocol revision as Socket.IO numbers it.
    public var protocolVersion: Int { engineVersion == .v4 ? 5 : 4 }
}
