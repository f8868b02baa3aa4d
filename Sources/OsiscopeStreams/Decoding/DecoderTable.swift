import OsiscopeWire

/// What the first bytes of a connection say about one protocol.
public enum FirstBytesVerdict: Sendable {
    /// This protocol. `hint` goes to the decoder (what the guess learnt, e.g. compression);
    /// `swapsDirections`: the first packet seen came from the server; `guessed`: no
    /// handshake proves it, so views say "guessed"; `feedsHeldBytes`: decode the bytes held
    /// while deciding (else decoding starts with the latest bytes).
    case yes(hint: (any Sendable)? = nil, swapsDirections: Bool = false, guessed: Bool = false,
             feedsHeldBytes: Bool = true)
    case no
    case needMore
}

/// The first bytes of a connection, for heuristics.
public struct FirstBytes: Sendable {
    /// Everything held so far in each direction (the latest bytes included).
    public var held: DirectionPair<ArraySlice<UInt8>>
    /// The bytes that just arrived, and from where; nil when judging at the end.
    public var latest: ArraySlice<UInt8>?
    public var latestDirection: Direction?
    /// No more bytes will come.
    public var atEnd: Bool
}

/// What a decoder is made with.
public struct DecoderSetup: Sendable {
    public var stream: Int
    public var options: StreamOptions
    /// The connection's opening (SYN) was captured.
    public var sawOpening: Bool
    /// What a heuristic or the handing-over decoder learnt (a `WebSocketGuess`, an `HTTPUpgrade`).
    public var hint: (any Sendable)?
    /// Chosen by a heuristic with no handshake to prove it (views say "guessed").
    public var guessed: Bool
}

/// One protocol the stream stage can decode, and the ways a connection is found to carry it.
public struct DecoderRow: Sendable {
    /// The name used by `--decode-as PORT=NAME` and in conversation tables.
    public var name: String
    /// Server ports that choose this decoder without looking at the bytes.
    public var ports: Set<UInt16>
    /// HTTP Upgrade tokens (lower case) that hand a connection to it.
    public var upgradeTokens: Set<String>
    /// WebSocket subprotocols and TLS ALPN names that choose it.
    public var subprotocols: Set<String>
    public var alpn: Set<String>
    public var heuristic: (@Sendable (FirstBytes) -> FirstBytesVerdict)?
    public var make: @Sendable (DecoderSetup) -> any ConnectionDecoder

    public init(name: String, ports: Set<UInt16> = [], upgradeTokens: Set<String> = [], subprotocols: Set<String> = [],
                alpn: Set<String> = [], heuristic: (@Sendable (FirstBytes) -> FirstBytesVerdict)? = nil,
                make: @escaping @Sendable (DecoderSetup) -> any ConnectionDecoder) {
        self.name = name
        self.ports = ports
        self.upgradeTokens = upgradeTokens
        self.subprotocols = subprotocols
        self.alpn = alpn
        self.heuristic = heuristic
        self.make = make
    }
}

/// A decoder of payloads carried by another protocol, and which payloads it takes.
public struct PayloadDecoderRow: Sendable {
    public var name: String
    /// HTTP request paths (prefixes) whose bodies it decodes.
    public var pathPrefixes: [String]
    /// Judges a request URI (Engine.IO's query parameters on any path).
    public var requestMatcher: (@Sendable (String) -> Bool)?
    /// WebSocket subprotocols whose messages it decodes.
    public var subprotocols: Set<String>
    /// Judges a carried payload when neither path nor subprotocol chose a decoder.
    public var heuristic: (@Sendable (CarriedPayload) -> Bool)?
    /// Also hand it HTTP messages without a body (Engine.IO's polling GETs belong to a session).
    public var wantsEmptyBodies = false
    public var make: @Sendable (DecoderSetup) -> any PayloadDecoder

    public init(name: String, pathPrefixes: [String] = [], requestMatcher: (@Sendable (String) -> Bool)? = nil,
                subprotocols: Set<String> = [], heuristic: (@Sendable (CarriedPayload) -> Bool)? = nil,
                make: @escaping @Sendable (DecoderSetup) -> any PayloadDecoder) {
        self.name = name
        self.pathPrefixes = pathPrefixes
        self.requestMatcher = requestMatcher
        self.subprotocols = subprotocols
        self.heuristic = heuristic
        self.make = make
    }
}

/// Chooses the decoder for a byte stream: by a port forced with `--decode-as`, by port, by
/// HTTP Upgrade token, by WebSocket subprotocol or ALPN, or by a heuristic on the first bytes,
/// in that order. Adding a protocol is a decoder and a row here.
public struct DecoderTable: Sendable {
    public var rows: [DecoderRow]
    public var payloadRows: [PayloadDecoderRow]
    /// `--decode-as PORT=NAME`: the named row decodes connections on that port.
    public var forcedPorts: [UInt16: String] = [:]
    /// Bytes held per connection while no heuristic has decided.
    public var lookahead = 64 << 10

    public init(rows: [DecoderRow], payloadRows: [PayloadDecoderRow] = []) {
        self.rows = rows
        self.payloadRows = payloadRows
    }

    /// HTTP/1.x and WebSocket (after an Upgrade, or guessed from its frames), and Engine.IO
    /// (with Socket.IO) in long-polling bodies and WebSocket messages.
    public static let standard = DecoderTable(rows: [HTTPConnectionDecoder.row, WebSocketConnectionDecoder.row],
                                              payloadRows: [EngineIODecoder.row])

    public func row(named name: String) -> DecoderRow? { rows.first { $0.name == name } }

    public var names: [String] { rows.map(\.name) }

    /// The row a port chooses: forced first, then the rows' own ports.
    func row(forPorts ports: [UInt16]) -> (row: DecoderRow, forced: Bool)? {
        for port in ports {
            if let name = forcedPorts[port], let row = row(named: name) { return (row, true) }
        }
        for port in ports {
            if let row = rows.first(where: { $0.ports.contains(port) }) { return (row, false) }
        }
        return nil
    }

    public func row(forUpgradeToken token: String) -> DecoderRow? {
        let token = token.lowercased()
        return rows.first { $0.upgradeTokens.contains(token) }
    }

    public func row(forALPN name: String) -> DecoderRow? { rows.first { $0.alpn.contains(name) } }

    /// The row a request URI chooses: by its path, or by what a row sees in it.
    public func payloadRow(forRequest uri: String) -> PayloadDecoderRow? {
        payloadRows.first { row in row.pathPrefixes.contains { uri.hasPrefix($0) } || row.requestMatcher?(uri) == true }
    }

    public func payloadRow(forSubprotocol name: String) -> PayloadDecoderRow? {
        payloadRows.first { $0.subprotocols.contains(name) }
    }

    public func payloadRow(judging payload: CarriedPayload) -> PayloadDecoderRow? {
        payloadRows.first { $0.heuristic?(payload) == true }
    }
}
