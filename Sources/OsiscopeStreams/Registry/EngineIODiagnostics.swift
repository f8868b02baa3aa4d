import OsiscopeWire

/// The diagnostics of Engine.IO and Socket.IO, each key defined once.
enum EngineIODiagnostics {
    static let malformed = DiagnosticDescriptor("engine.io.malformed", .error, "Not an Engine.IO packet: …")
    static let framing = DiagnosticDescriptor("engine.io.payload.framing", .error,
        "The long-polling payload's framing is broken at byte …: …; the rest of the payload is skipped")
    static let openInvalid = DiagnosticDescriptor("engine.io.open.invalid", .error,
        "The open packet is not a JSON object with a sid: …")
    static let unknownType = DiagnosticDescriptor("engine.io.type.unknown", .warning, "Engine.IO packet type … is not defined")
    static let transportError = DiagnosticDescriptor("engine.io.transport_error", .warning,
        "The server refused the Engine.IO request: …")
    static let afterClose = DiagnosticDescriptor("engine.io.after_close", .warning,
        "A packet after the session's close packet")
    static let heartbeatLate = DiagnosticDescriptor("engine.io.heartbeat.late", .warning,
        "The heartbeat answer came … ms after the ping, later than the announced pingTimeout of … ms")
    static let heartbeatMissing = DiagnosticDescriptor("engine.io.heartbeat.missing", .warning,
        "This ping was never answered")
    static let pingOverdue = DiagnosticDescriptor("engine.io.heartbeat.overdue", .note,
        "… ms since the last ping, more than the announced pingInterval + pingTimeout (… ms)")

    static let all: [DiagnosticDescriptor] = [
        malformed, framing, openInvalid, unknownType, transportError, afterClose, heartbeatLate, heartbeatMissing, pingOverdue,
    ]
}

enum SocketIODiagnostics {
    static let malformed = DiagnosticDescriptor("socket.io.malformed", .error, "Not a Socket.IO packet: …")
    static let eventInvalid = DiagnosticDescriptor("socket.io.event.invalid", .error,
        "An EVENT's data must be an array whose first element is the event's name")
    static let attachmentMissing = DiagnosticDescriptor("socket.io.attachment.missing", .error,
        "The packet announced … attachments but … arrived before the next packet")
    static let attachmentUnexpected = DiagnosticDescriptor("socket.io.attachment.unexpected", .warning,
        "A binary Engine.IO message that no BINARY_EVENT or BINARY_ACK announced")
    static let placeholderUnknown = DiagnosticDescriptor("socket.io.attachment.placeholder", .error,
        "A placeholder names attachment … of …")
    static let attachmentLimit = DiagnosticDescriptor("socket.io.attachment.limit", .warning,
        "The packet announces … attachments, more than the … kept; its placeholders stay as they are")
    static let ackUnmatched = DiagnosticDescriptor("socket.io.ack.unmatched", .warning,
        "An ACK with id … answers no event that asked for one")
    static let otherParser = DiagnosticDescriptor("socket.io.parser.other", .note,
        "A binary message that is not an attachment: Socket.IO packets sent with a parser other than the default (msgpack?); not decoded")
    static let afterDisconnect = DiagnosticDescriptor("socket.io.after_disconnect", .warning,
        "A packet in namespace … after its DISCONNECT")

    static let all: [DiagnosticDescriptor] = [
        malformed, eventInvalid, attachmentMissing, attachmentUnexpected, placeholderUnknown, attachmentLimit, ackUnmatched,
        otherParser,
        afterDisconnect,
    ]
}
