import OsiscopeWire

/// The fields of the engine.io layer.
enum EngineIOFields {
    static let type = FieldDescriptor("engine.io.type", "Packet type", names: { value in
        value <= 6 ? EngineIOPacketType(code: UInt8(value)).name : nil
    }, blurb: "The first character of an Engine.IO packet: 0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade, 6 noop.")
    static let transport = FieldDescriptor("engine.io.transport", "Transport", .text,
        blurb: "How the packet travelled: in an HTTP long-polling body or a WebSocket message.")
    static let version = FieldDescriptor("engine.io.version", "Protocol revision",
        blurb: "The EIO query parameter: 4 for current servers (Socket.IO v3 and later), 3 for Socket.IO v2.")
    static let sid = FieldDescriptor("engine.io.sid", "Session id", .text,
        blurb: "The session the server gave in its open packet; every later request carries it as the sid parameter.")
    static let data = FieldDescriptor("engine.io.data", "Data", .text,
        blurb: "What follows the packet type: a Socket.IO packet in a message, \"probe\" in the upgrade's ping and pong.")
    static let binary = FieldDescriptor("engine.io.binary", "Binary data", .bytes,
        blurb: "A binary packet's bytes: a WebSocket binary frame, or base64 after 'b' in a polling payload.")
    static let base64 = FieldDescriptor("engine.io.base64", "Base64-encoded", .flag,
        blurb: "The binary packet came as text (b followed by base64), because a polling payload is text.")
    static let upgrades = FieldDescriptor("engine.io.upgrades", "Upgrades", .text,
        blurb: "The transports the client may upgrade to from long-polling (usually websocket).")
    static let pingInterval = FieldDescriptor("engine.io.ping_interval", "Ping interval (ms)",
        blurb: "How often the server sends a heartbeat ping (in v3 the client pings).")
    static let pingTimeout = FieldDescriptor("engine.io.ping_timeout", "Ping timeout (ms)",
        blurb: "How long a ping may wait for its pong before the session counts as dead.")
    static let maxPayload = FieldDescriptor("engine.io.max_payload", "Maximum payload (bytes)",
        blurb: "The largest long-polling payload the server accepts.")

    static let all = [type, transport, version, sid, data, binary, base64, upgrades, pingInterval, pingTimeout, maxPayload]
}
