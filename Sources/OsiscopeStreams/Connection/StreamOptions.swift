/// Settings of the stream stage; every limit is a diagnostic when hit, never a crash.
public struct StreamOptions: Sendable {
    public var http = HTTPParserOptions()
    /// Largest WebSocket payload kept per frame and per message after inflating.
    public var maximumMessageBytes = 16 << 20
    /// Ports whose connections are decoded as WebSocket even without a captured handshake
    /// (`--decode-as PORT=websocket`).
    public var webSocketPorts: Set<UInt16> = []
    /// Guess WebSocket from the bytes when no handshake was captured.
    public var guessWebSocket = true

    public init() {}
}
