import OsiscopeCapture
import OsiscopeWire

/// What one TCP conversation cost and how its two sides took turns: the figures of `stats`,
/// `compare` and the lessons, counted from the packets and the messages they carried.
public struct ConversationFigures: Sendable, Equatable {
    /// Header bytes per OSI layer: what the wire carried besides the application's payload.
    public struct Overhead: Sendable, Equatable {
        /// Link headers and trailers (padding, FCS): the frame minus the IP datagram.
        public var l2 = 0
        /// IP headers, IPv6 extension headers included.
        public var l3 = 0
        /// TCP headers, options included.
        public var l4 = 0
        /// HTTP request and response heads (and chunk framing), WebSocket frame headers.
        public var l7 = 0

        public var total: Int { l2 + l3 + l4 + l7 }

        public mutating func add(_ other: Overhead) {
            l2 += other.l2
            l3 += other.l3
            l4 += other.l4
            l7 += other.l7
        }
    }

    public struct Side: Sendable, Equatable {
        public var packets = 0
        /// HTTP and WebSocket messages (control frames included).
        public var messages = 0
        /// HTTP bodies as sent and every WebSocket frame's payload as sent (masked, compressed).
        public var payloadBytes = 0
        public var overhead = Overhead()
        /// Bytes on the wire: every frame's original length.
        public var wireBytes = 0
        /// TCP payload as sent (`tcp.len` summed; retransmissions counted again).
        public var tcpPayloadBytes = 0
        /// Stream bytes the capture lost.
        public var lostBytes = 0

        public mutating func add(_ other: Side) {
            packets += other.packets
            messages += other.messages
            payloadBytes += other.payloadBytes
            overhead.add(other.overhead)
            wireBytes += other.wireBytes
            tcpPayloadBytes += other.tcpPayloadBytes
            lostBytes += other.lostBytes
        }

        /// Header bytes of every layer per message, nil without messages.
        public var overheadPerMessage: Double? {
            messages == 0 ? nil : Double(overhead.total) / Double(messages)
        }
    }

    /// Request-to-response times of HTTP exchanges, in seconds.
    public struct Latency: Sendable, Equatable {
        public var minimum: Double
        public var median: Double
        public var maximum: Double
        public var count: Int
    }

    public var stream: Int
    public var protocolName: String
    public var client: Endpoint
    public var server: Endpoint
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    public var sides = DirectionPair(both: Side())
    /// How often the sender of consecutive messages changed.
    public var turns = 0
    /// Server messages that answer no client request: HTTP responses without a request, and
    /// WebSocket messages that do not directly follow a client message (pongs answer always).
    public var serverInitiated = 0
    /// HTTP requests the client sent.
    public var requests = 0
    /// Time during which both sides had a message in flight: sent (its first packet captured) and
    /// not yet acknowledged by the other side's TCP.
    public var overlapSeconds = 0.0
    /// How many times that began: each is a moment when both sides were sending at once.
    public var overlaps = 0
    public var latency: Latency?

    public var durationSeconds: Double { lastSeen.seconds(since: firstSeen) }

    public init(stream: Int, protocolName: String, client: Endpoint, server: Endpoint, firstSeen: Timestamp, lastSeen: Timestamp) {
        self.stream = stream
        self.protocolName = protocolName
        self.client = client
        self.server = server
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}
