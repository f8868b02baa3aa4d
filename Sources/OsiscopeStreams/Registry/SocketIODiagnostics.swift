import OsiscopeWire

/// The diagnostics of Socket.IO, each key defined once.
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
