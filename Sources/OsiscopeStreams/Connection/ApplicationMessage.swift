import OsiscopeCapture
import OsiscopeWire

/// A message of a protocol added through the decoder table (not HTTP or WebSocket): what it
/// says, as named values in order.
public protocol ProtocolMessage: Sendable {
    var protocolName: String { get }
    /// Key-value pairs for JSON and message lists, in order: `kind`, `text`, …
    var properties: [(key: String, value: FieldValue)] { get }
}

/// Bytes of one direction that the capture lost: a message of its own in the message list,
/// so that what is missing is as visible as what arrived.
public struct TCPGap: Sendable, Equatable {
    public var direction: Direction
    /// Stream offsets of the missing bytes.
    public var range: Range<Int64>
    /// The last packet that brought bytes before the hole, and the first after it (nil when the
    /// stream ended with the hole).
    public var packetBefore: Int?
    public var packetAfter: Int?

    public var bytes: Int64 { Int64(range.count) }
}

/// The request an HTTP response answers: where it was, how long the answer took, what it asked.
public struct AnsweredRequest: Sendable, Equatable {
    /// The packet that completed the request.
    public var packet: Int
    /// Seconds from that packet to the one that completed the response.
    public var seconds: Double
    public var method: String?
    public var uri: String?

    public init(packet: Int, seconds: Double, method: String? = nil, uri: String? = nil) {
        self.packet = packet
        self.seconds = seconds
        self.method = method
        self.uri = uri
    }
}

/// One message of an application protocol found in a TCP connection, with where it came from.
public struct ApplicationMessage: Sendable {
    public enum Content: Sendable {
        case http(HTTPMessage)
        case websocket(WebSocketMessage)
        case engineIO(EngineIOMessage)
        case socketIO(SocketIOMessage)
        case other(any ProtocolMessage)
        /// Bytes the capture lost.
        case gap(TCPGap)
    }

    /// The connection's `tcp.stream` number.
    public var stream: Int
    public var direction: Direction
    /// The message's bytes: for HTTP the whole message in the stream, for WebSocket the
    /// unmasked (and inflated) payload; each maps down to the packets that carried it.
    public var source: ByteSource
    /// Numbers of the packets that carried the message's bytes, in stream order.
    public var packets: [Int]
    /// When the message was complete: the capture time of the packet that delivered its last byte.
    public var timestamp: Timestamp
    /// When its first byte was captured.
    public var startTimestamp: Timestamp
    public var content: Content
    /// For an HTTP response: the request it answers.
    public var request: AnsweredRequest?
    /// The Engine.IO session (sid) the message belongs to: its engine.io and socket.io
    /// entries, and the HTTP and WebSocket messages that carried them.
    public var session: String?

    /// - Parameter wire: the message's bytes as sent (a WebSocket message's frames, headers
    ///   included), which name its packets and its start; `source` when nil.
    public init(stream: Int, direction: Direction, source: ByteSource, wire: ByteSource? = nil, timestamp: Timestamp,
                content: Content, request: AnsweredRequest? = nil, packets listed: [Int]? = nil) {
        self.stream = stream
        self.direction = direction
        self.source = source
        let spans = (wire ?? source).packetSpans
        packets = listed ?? ByteSource.packetNumbers(spans)
        // The packet that brought the last byte completed the message, even when the stage
        // learnt of it later (a gap found, the connection closed).
        self.timestamp = spans.last?.time ?? timestamp
        startTimestamp = spans.map(\.time).min() ?? timestamp
        self.content = content
        self.request = request
    }

    /// The problems found in the message, whatever its protocol.
    public var diagnostics: [StreamDiagnostic] {
        switch content {
        case .http(let http): http.diagnostics
        case .websocket(let websocket): websocket.diagnostics
        case .engineIO(let engineIO): engineIO.diagnostics
        case .socketIO(let socketIO): socketIO.diagnostics
        case .other, .gap: []
        }
    }

    public var protocolName: String {
        switch content {
        case .http: "http"
        case .websocket: "websocket"
        case .engineIO: "engine.io"
        case .socketIO: "socket.io"
        case .other(let message): message.protocolName
        case .gap: "tcp"
        }
    }
}
