/// Settings of the stream stage; every limit is a diagnostic when hit, never a crash.
public struct StreamOptions: Sendable {
    public var http = HTTPParserOptions()
    /// Largest WebSocket payload kept per frame and per message after inflating.
    public var maximumMessageBytes = 16 << 20
    /// Which decoder reads a connection; `--decode-as PORT=NAME` sets `decoders.forcedPorts`.
    public var decoders = DecoderTable.standard
    /// Table rows whose heuristics are not tried (e.g. "websocket": no guessing without a handshake).
    public var disabledHeuristics: Set<String> = []
    /// Capture seconds a closed connection stays known (TIME-WAIT), and any quiet one.
    public var closedLinger: Double = 120
    public var idleLimit: Double = 3600
    /// TCP connections tracked at once; past it the quietest are forgotten, with a diagnostic.
    public var maximumConnections = 100_000
    /// Bytes and segments held behind a hole per direction; past either the hole is declared lost.
    public var maximumHeldBytes = 4 << 20
    public var maximumHeldSegments = 4096
    /// Bytes inflated per WebSocket direction over the whole connection: each message is bounded
    /// by `maximumMessageBytes`, this bounds the work a stream of small deflate bombs can cause.
    public var maximumInflatedBytes = 1 << 30
    /// Largest Engine.IO payload (a polling body or a WebSocket message) decoded into packets.
    /// Socket.IO servers refuse more than 1,000,000 bytes unless configured otherwise
    /// (maxHttpBufferSize), and a JSON tree costs many times its text.
    public var maximumEngineIOPayloadBytes = 1_000_000

    public init() {}
}
