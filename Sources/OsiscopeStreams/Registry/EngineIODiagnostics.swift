import OsiscopeWire

/// The diagnostics of Engine.IO, each key defined once.
enum EngineIODiagnostics {
    static let payloadLimit = DiagnosticDescriptor("engine.io.payload.limit", .warning,
        "an Engine.IO payload of … bytes, over the limit: its packets are not decoded")
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
        payloadLimit, malformed, framing, openInvalid, unknownType, transportError, afterClose, heartbeatLate, heartbeatMissing, pingOverdue,
    ]
}
