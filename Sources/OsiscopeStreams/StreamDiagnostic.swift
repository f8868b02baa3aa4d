import OsiscopeWire

/// A problem found in a reassembled byte stream (HTTP, WebSocket), located by stream offsets
/// of one direction rather than by packet, since a message can span many packets.
public struct StreamDiagnostic: Sendable, Equatable {
    public var severity: Diagnostic.Severity
    /// A stable key, e.g. "websocket.mask.unmasked_client_frame".
    public var key: String
    public var message: String
    /// Offsets in the direction's byte stream (0 is the first byte after the handshake SYN).
    public var streamRange: Range<Int64>?

    public init(_ kind: DiagnosticDescriptor, _ message: String, streamRange: Range<Int64>? = nil) {
        self.init(kind.severity, kind.key, message, streamRange: streamRange)
    }

    /// For comparisons in tests; decoders name a `DiagnosticDescriptor` instead.
    public init(_ severity: Diagnostic.Severity, _ key: String, _ message: String, streamRange: Range<Int64>? = nil) {
        self.severity = severity
        self.key = key
        self.message = message
        self.streamRange = streamRange
    }
}
