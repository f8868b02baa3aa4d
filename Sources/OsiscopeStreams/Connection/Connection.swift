import OsiscopeCapture
import OsiscopeWire

/// One TCP connection on its way from segments to application messages: reassembly, then
/// HTTP, then (after an upgrade, or by a guess) WebSocket.
struct Connection {
    enum Mode {
        /// No payload seen yet.
        case undecided
        case http(HTTPConversationParser)
        case webSocket(client: WebSocketStreamDecoder, server: WebSocketStreamDecoder)
        /// Neither HTTP nor WebSocket: bytes are reassembled and counted only.
        case opaque
    }

    /// Something found while processing one packet, to be shown on that packet.
    enum Finding {
        case httpMessage(HTTPMessage)
        case handshake(WebSocketHandshake)
        case frame(WebSocketFrame, Direction)
        case webSocketMessage(WebSocketMessage)
        case diagnostic(StreamDiagnostic, Direction)
    }

    var summary: ConnectionSummary
    var reassembler = TCPReassembler()

    /// True once the bytes are known to be HTTP or WebSocket.
    var decodesApplication: Bool {
        switch mode {
        case .http, .webSocket: true
        case .undecided, .opaque: false
        }
    }
    var origins: [Direction: StreamOrigins] = [.client: StreamOrigins(), .server: StreamOrigins()]
    var mode = Mode.undecided
    let options: StreamOptions
    /// Bytes held while guessing whether a connection without handshake is WebSocket.
    var guessBuffer: [Direction: [UInt8]] = [.client: [], .server: []]
    var guessStart: [Direction: Int64] = [:]
    /// When set, reassembly events are kept here for `follow`.
    var followed: [StreamEvent]?
    /// The first packet seen came from the server (a capture that started mid-connection, as
    /// the WebSocket guess found from the masking): directions are swapped from then on.
    var swapped = false

    init(summary: ConnectionSummary, options: StreamOptions) {
        self.summary = summary
        self.options = options
    }

    /// Feeds the packet's segment; returns what was completed by it.
    mutating func process(_ segment: TCPSegmentInfo, from direction: Direction, packet: CapturedPacket)
        -> (findings: [Finding], analysis: [Diagnostic]) {
        let sender = swapped ? direction.opposite : direction
        var side = summary.sides[sender]!
        side.packets += 1
        side.payloadBytes += segment.payloadLength
        side.wireBytes += packet.originalLength
        summary.sides[sender] = side
        summary.lastSeen = packet.timestamp
        if segment.has(TCPSegmentInfo.syn) && !segment.has(TCPSegmentInfo.ack) { summary.sawHandshake = true }
        if segment.has(TCPSegmentInfo.rst) { summary.state = .reset }

        let (events, analysis) = reassembler.process(segment, from: direction, packet: packet)
        return (handle(events), analysis)
    }

    /// True once the connection ended and its decoding state was dropped; only counts go on.
    private(set) var isReleased = false

    mutating func release() {
        isReleased = true
        reassembler = TCPReassembler()
        origins = [.client: StreamOrigins(), .server: StreamOrigins()]
        mode = .opaque
        guessBuffer = [.client: [], .server: []]
    }

    mutating func finish() -> [Finding] {
        guard !isReleased else { return [] }
        var findings = handle(reassembler.flush())
        switch mode {
        case .http(var parser):
            mode = .opaque // Hand the parser over, so mutating it does not copy its buffers.
            findings += httpFindings(parser.finish())
            mode = .http(parser)
        case .webSocket(var client, var server):
            mode = .opaque // Hand the decoders over, so mutating them does not copy their buffers.
            findings += webSocketFindings(client.finish(), .client) + webSocketFindings(server.finish(), .server)
            mode = .webSocket(client: client, server: server)
        case .undecided:
            findings += decideWithoutMoreBytes()
        case .opaque: break
        }
        return findings
    }

    private mutating func handle(_ rawEvents: [StreamEvent]) -> [Finding] {
        var findings: [Finding] = []
        let events = swapped ? rawEvents.map(Self.swap) : rawEvents
        followed?.append(contentsOf: events)
        for event in events {
            switch event {
            case .data(let chunk):
                origins[chunk.direction]!.record(chunk)
                findings += feed(chunk.bytes, from: chunk.direction, at: chunk.streamOffset)
            case .gap(let direction, let at, let length):
                findings.append(.diagnostic(StreamDiagnostic(.warning, "tcp.reassembly.gap",
                    "\(length) bytes of the \(direction.rawValue) stream were not captured", streamRange: at..<(at + length)),
                    direction))
                findings += gap(from: direction, at: at, length: length)
            case .finished(let direction):
                if case .http(var parser) = mode {
                    mode = .opaque // Hand the parser over, so mutating it does not copy its buffers.
                    findings += httpFindings(parser.close(from: direction))
                    mode = .http(parser)
                }
                // The reassembler counts directions as captured; `direction` may be swapped.
                let other = swapped ? direction : direction.opposite
                if reassembler.isFinished(other) && summary.state != .reset { summary.state = .closed }
            case .reset:
                summary.state = .reset
            }
        }
        return findings
    }

    private static func swap(_ event: StreamEvent) -> StreamEvent {
        switch event {
        case .data(var chunk):
            chunk.direction = chunk.direction.opposite
            return .data(chunk)
        case .gap(let direction, let at, let length): return .gap(direction.opposite, at: at, length: length)
        case .finished(let direction): return .finished(direction.opposite)
        case .reset(let direction): return .reset(direction.opposite)
        }
    }

    // MARK: protocol choice

    private mutating func feed(_ bytes: ArraySlice<UInt8>, from direction: Direction, at offset: Int64) -> [Finding] {
        switch mode {
        case .undecided:
            return decide(with: bytes, from: direction, at: offset)
        case .http(var parser):
            mode = .opaque // Hand the parser over, so mutating it does not copy its buffers.
            let events = parser.feed(bytes, from: direction, at: offset)
            mode = .http(parser)
            return httpFindings(events)
        case .webSocket(var client, var server):
            mode = .opaque // Hand the decoders over, so mutating them does not copy their buffers.
            defer { mode = .webSocket(client: client, server: server) }
            if direction == .client { return webSocketFindings(client.feed(bytes, at: offset), .client) }
            return webSocketFindings(server.feed(bytes, at: offset), .server)
        case .opaque:
            return []
        }
    }

    private mutating func gap(from direction: Direction, at offset: Int64, length: Int64) -> [Finding] {
        switch mode {
        case .http(var parser):
            mode = .opaque // Hand the parser over, so mutating it does not copy its buffers.
            let events = parser.gap(from: direction, at: offset, length: length)
            mode = .http(parser)
            return httpFindings(events)
        case .webSocket(var client, var server):
            mode = .opaque // Hand the decoders over, so mutating them does not copy their buffers.
            defer { mode = .webSocket(client: client, server: server) }
            if direction == .client { return webSocketFindings(client.gap(at: offset, length: length), .client) }
            return webSocketFindings(server.gap(at: offset, length: length), .server)
        case .undecided:
            // Whatever was buffered for a guess no longer continues: start the guess after the gap.
            guessBuffer[direction] = []
            guessStart[direction] = offset + length
            return []
        case .opaque:
            return []
        }
    }

    /// Picks the protocol from the first bytes: a configured WebSocket port, HTTP, or a guess.
    private mutating func decide(with bytes: ArraySlice<UInt8>, from direction: Direction, at offset: Int64) -> [Finding] {
        let forced = options.webSocketPorts.contains(summary.server.port) || options.webSocketPorts.contains(summary.client.port)
        if !forced && HTTPSyntax.isPlausibleStart(bytes, kind: direction == .client ? .request : .response) {
            mode = .http(HTTPConversationParser(options: options.http, startsMidStream: !summary.sawHandshake))
            summary.protocolName = "http"
            return feed(bytes, from: direction, at: offset)
        }
        if guessStart[direction] == nil { guessStart[direction] = offset }
        guessBuffer[direction]!.append(contentsOf: bytes)
        let guess = WebSocketGuess.examine(client: guessBuffer[.client]![...], server: guessBuffer[.server]![...])
        if forced || guess.verdict == .webSocket {
            return startWebSocket(guess: guess, forced: forced)
        }
        let held = guessBuffer[.client]!.count + guessBuffer[.server]!.count
        if guess.verdict == .notWebSocket || held > WebSocketGuess.defaultLookahead || !options.guessWebSocket {
            mode = .opaque
            guessBuffer = [.client: [], .server: []]
        }
        return []
    }

    private mutating func decideWithoutMoreBytes() -> [Finding] {
        let guess = WebSocketGuess.examine(client: guessBuffer[.client]![...], server: guessBuffer[.server]![...])
        if guess.clientFrames + guess.serverFrames > 0 && guess.verdict != .notWebSocket {
            var findings = startWebSocket(guess: guess, forced: false)
            findings += finish()
            return findings
        }
        return []
    }

    private mutating func startWebSocket(guess: WebSocketGuess, forced: Bool) -> [Finding] {
        summary.protocolName = "websocket"
        summary.protocolGuessed = !forced
        var held = guessBuffer
        if guess.directionsSwapped {
            swapped = true
            (summary.client, summary.server) = (summary.server, summary.client)
            (summary.sides[.client], summary.sides[.server]) = (summary.sides[.server], summary.sides[.client])
            (origins[.client], origins[.server]) = (origins[.server], origins[.client])
            (held[.client], held[.server]) = (held[.server], held[.client])
            (guessStart[.client], guessStart[.server]) = (guessStart[.server], guessStart[.client])
        }
        let client = WebSocketStreamDecoder(direction: .client, guess: guess, maxFramePayload: options.maximumMessageBytes,
                                            maxMessageSize: options.maximumMessageBytes)
        let server = WebSocketStreamDecoder(direction: .server, guess: guess, maxFramePayload: options.maximumMessageBytes,
                                            maxMessageSize: options.maximumMessageBytes)
        mode = .webSocket(client: client, server: server)
        guessBuffer = [.client: [], .server: []]
        var findings: [Finding] = []
        for direction in Direction.allCases where !held[direction]!.isEmpty {
            findings += feed(held[direction]![...], from: direction, at: guessStart[direction] ?? 0)
        }
        return findings
    }

    // MARK: findings

    private mutating func httpFindings(_ events: [HTTPEvent]) -> [Finding] {
        var findings: [Finding] = []
        for event in events {
            switch event {
            case .headComplete: break
            case .message(let message):
                summary.messages += 1
                findings.append(.httpMessage(message))
            case .diagnostic(let diagnostic, let direction):
                findings.append(.diagnostic(diagnostic, direction))
            case .upgraded(let upgrade):
                findings += switchToWebSocket(upgrade)
            }
        }
        return findings
    }

    /// After `101 Switching Protocols` to websocket: check the handshake and decode frames
    /// from the offsets the HTTP parser handed over, starting with the bytes it already read.
    private mutating func switchToWebSocket(_ upgrade: HTTPUpgrade) -> [Finding] {
        guard upgrade.kind == .upgrade, upgrade.protocolName?.lowercased() == "websocket" else {
            mode = .opaque
            return []
        }
        let handshake = WebSocketHandshake(
            request: upgrade.request?.head.headers ?? [], method: upgrade.request?.head.method,
            status: upgrade.response.head.status ?? 0, response: upgrade.response.head.headers,
            requestRange: upgrade.request?.head.range, responseRange: upgrade.response.head.range)
        summary.protocolName = "websocket"
        var client = WebSocketStreamDecoder(direction: .client, handshake: handshake,
                                            maxFramePayload: options.maximumMessageBytes, maxMessageSize: options.maximumMessageBytes)
        var server = WebSocketStreamDecoder(direction: .server, handshake: handshake,
                                            maxFramePayload: options.maximumMessageBytes, maxMessageSize: options.maximumMessageBytes)
        var findings: [Finding] = [.handshake(handshake)]
        findings += webSocketFindings(client.feed(upgrade.clientBytes[...], at: upgrade.clientOffset), .client)
        findings += webSocketFindings(server.feed(upgrade.serverBytes[...], at: upgrade.serverOffset), .server)
        mode = .webSocket(client: client, server: server)
        return findings
    }

    private mutating func webSocketFindings(_ output: WebSocketStreamDecoder.Output, _ direction: Direction) -> [Finding] {
        summary.messages += output.messages.count
        return output.frames.map { .frame($0, direction) } + output.messages.map { .webSocketMessage($0) }
            + output.diagnostics.map { .diagnostic($0, direction) }
    }
}
