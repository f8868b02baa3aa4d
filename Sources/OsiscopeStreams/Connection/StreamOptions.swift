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

    public init() {}
}
