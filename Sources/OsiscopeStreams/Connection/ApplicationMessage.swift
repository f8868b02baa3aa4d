import OsiscopeCapture

/// One message of an application protocol found in a TCP connection, with where it came from.
public struct ApplicationMessage: Sendable {
    public enum Content: Sendable {
        case http(HTTPMessage)
        case websocket(WebSocketMessage)
    }

    /// The connection's `tcp.stream` number.
    public var stream: Int
    public var direction: Direction
    /// Numbers of the packets that carried the message's bytes, in stream order.
    public var packets: [Int]
    /// When the message was complete: the time of the packet that delivered its last byte.
    public var timestamp: Timestamp
    public var content: Content
    /// For an HTTP response: the packet that completed its request, and the time since then.
    public var request: (packet: Int, seconds: Double)?

    public var protocolName: String {
        switch content {
        case .http: "http"
        case .websocket: "websocket"
        }
    }
}
