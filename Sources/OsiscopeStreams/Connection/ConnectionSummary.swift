import OsiscopeCapture
import OsiscopeWire

/// What a conversation table shows about one TCP connection.
public struct ConnectionSummary: Sendable {
    public enum State: String, Sendable {
        /// Still open at the end of the capture (or its end was not captured).
        case open
        /// Both sides sent FIN.
        case closed
        /// One side sent RST.
        case reset
    }

    public struct Side: Sendable, Equatable {
        public var packets = 0
        /// TCP payload bytes as sent (tcp.len summed; retransmissions counted again).
        public var payloadBytes = 0
        /// Bytes on the wire, headers included.
        public var wireBytes = 0
    }

    public var stream: Int
    public var client: Endpoint
    public var server: Endpoint
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    /// "tcp" until something more is recognised: "http", "websocket".
    public var protocolName = "tcp"
    /// True when the protocol was guessed from the bytes (no handshake captured).
    public var protocolGuessed = false
    public var state = State.open
    public var sawHandshake = false
    public var sides = DirectionPair(both: Side())
    public var messages = 0

    public var duration: Double { lastSeen.seconds(since: firstSeen) }
}
