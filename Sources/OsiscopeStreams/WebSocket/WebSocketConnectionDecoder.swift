import OsiscopeWire

/// WebSocket on a connection, both directions: after an Upgrade (the handshake is checked
/// and its agreed extensions used), or chosen by a guess from the frames, or forced.
final class WebSocketConnectionDecoder: ConnectionDecoder {
    static let row = DecoderRow(name: "websocket", upgradeTokens: ["websocket"], heuristic: { first in
        let guess = WebSocketGuess.examine(client: first.held.client, server: first.held.server)
        if guess.verdict == .webSocket
            || (first.atEnd && guess.clientFrames + guess.serverFrames > 0 && guess.verdict != .notWebSocket) {
            return .yes(hint: guess, swapsDirections: guess.directionsSwapped, guessed: true)
        }
        return guess.verdict == .notWebSocket ? .no : .needMore
    }, make: { setup in WebSocketConnectionDecoder(setup) })

    let protocolName = "websocket"
    let displayName = "WebSocket"
    private var decoders: DirectionPair<WebSocketStreamDecoder>
    private let handshake: WebSocketHandshake?
    private let guessed: Bool
    private let setup: DecoderSetup
    /// The path of the upgrade request, which may choose a payload decoder (Engine.IO's
    /// `/socket.io/`); nil without a captured handshake.
    private let path: String?
    /// The decoder of the messages' payloads, once the table chose one.
    private var payloadDecoder: (any PayloadDecoder)?
    private var payloadDecoderChosen = false

    init(_ setup: DecoderSetup) {
        let limit = setup.options.maximumMessageBytes
        guessed = setup.guessed
        self.setup = setup
        path = (setup.hint as? HTTPUpgrade)?.request?.head.uri
        if let upgrade = setup.hint as? HTTPUpgrade {
            let handshake = WebSocketHandshake(
                request: upgrade.request?.head.headers ?? [], method: upgrade.request?.head.method,
                status: upgrade.response.head.status ?? 0, response: upgrade.response.head.headers,
                requestRange: upgrade.request?.head.range, responseRange: upgrade.response.head.range)
            self.handshake = handshake
            decoders = DirectionPair(
                client: WebSocketStreamDecoder(direction: .client, handshake: handshake, maxFramePayload: limit, maxMessageSize: limit),
                server: WebSocketStreamDecoder(direction: .server, handshake: handshake, maxFramePayload: limit, maxMessageSize: limit))
        } else {
            handshake = nil
            let guess = setup.hint as? WebSocketGuess
            func make(_ direction: Direction) -> WebSocketStreamDecoder {
                WebSocketStreamDecoder(direction: direction, perMessageDeflate: guess?.perMessageDeflate,
                                       maxFramePayload: limit, maxMessageSize: limit, assumeDeflateOnRSV1: true)
            }
            decoders = DirectionPair(client: make(.client), server: make(.server))
        }
        decoders.client.assembler.maxInflatedBytes = setup.options.maximumInflatedBytes
        decoders.server.assembler.maxInflatedBytes = setup.options.maximumInflatedBytes
    }

    func begin(_ context: inout DecoderContext) {
        guard let handshake else { return }
        context.add(WebSocketHandshakeRecord(handshake: handshake))
        context.addToLastHTTPMessage(handshake.diagnostics)
    }

    func feed(_ bytes: ArraySlice<UInt8>, from direction: Direction, at offset: Int64, _ context: inout DecoderContext) {
        report(decoders[direction].feed(bytes, at: offset), direction, &context)
    }

    func gap(from direction: Direction, at offset: Int64, length: Int64, _ context: inout DecoderContext) {
        report(decoders[direction].gap(at: offset, length: length), direction, &context)
    }

    func finish(_ context: inout DecoderContext) {
        report(decoders.client.finish(), .client, &context)
        report(decoders.server.finish(), .server, &context)
        payloadDecoder?.finish(&context)
    }

    private func report(_ output: WebSocketStreamDecoder.Output, _ direction: Direction, _ context: inout DecoderContext) {
        // A message is shown on the layer of the frame that completed it.
        var messageByLastFrame: [Int64: WebSocketMessage] = [:]
        for message in output.messages {
            if let last = message.frameRanges.last { messageByLastFrame[last.lowerBound] = message }
        }
        for frame in output.frames {
            let frameSource = context.source(for: frame.frameRange, direction)
            if frame.opcode != .continuation { context.started(protocolName, direction, at: frameSource) }
            context.add(WebSocketFrameRecord(frame: frame, message: messageByLastFrame[frame.headerRange.lowerBound],
                                             source: frameSource, guessed: guessed))
        }
        for message in output.messages {
            let frames = context.source(for: message.frameRanges, direction)
            let carried = ApplicationMessage(stream: context.stream, direction: direction,
                                             source: Self.payloadSource(of: message, frames), wire: frames,
                                             timestamp: context.time, content: .websocket(message))
            context.complete(carried)
            if message.opcode == .text || message.opcode == .binary {
                handOn(CarriedPayload(direction: direction, bytes: message.payload, source: carried.source, carrier: carried),
                       &context)
            }
        }
        for diagnostic in output.diagnostics { context.diagnose(diagnostic, direction) }
    }

    /// Data messages go to the payload decoder the table chooses: by the agreed subprotocol,
    /// by the upgrade request's path, or by a heuristic on the first message.
    private func handOn(_ payload: CarriedPayload, _ context: inout DecoderContext) {
        if !payloadDecoderChosen {
            payloadDecoderChosen = true
            let table = setup.options.decoders
            let row = handshake?.chosenProtocol.flatMap(table.payloadRow(forSubprotocol:))
                ?? path.flatMap(table.payloadRow(forRequest:)) ?? table.payloadRow(judging: payload)
            payloadDecoder = row?.make(setup)
        }
        payloadDecoder?.decode(payload, &context)
    }

    /// The message's bytes as the application sent them: its frames' payloads joined and
    /// unmasked (positions kept, so each byte maps to one stream byte), then inflated when
    /// compressed (each byte maps to the whole compressed payload).
    static func payloadSource(of message: WebSocketMessage, _ frames: ByteSource) -> ByteSource {
        var pieces: [ByteSource.Piece] = []
        var at: Int64 = 0
        for range in message.payloadRanges where !range.isEmpty {
            pieces.append(ByteSource.Piece(range: at..<(at + Int64(range.count)), origin: .parent(range, exact: true)))
            at += Int64(range.count)
        }
        let joined = ByteSource(kind: .unmaskedPayload, parent: frames, pieces: pieces,
                                bytes: message.wirePayload ?? message.payload)
        guard message.compressed, !message.payload.isEmpty else { return joined }
        return ByteSource(kind: .inflatedMessage, parent: joined,
                          pieces: [ByteSource.Piece(range: 0..<Int64(message.payload.count),
                                                    origin: .parent(0..<at, exact: false))],
                          bytes: message.payload)
    }
}
