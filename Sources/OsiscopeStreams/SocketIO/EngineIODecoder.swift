import OsiscopeCapture
import OsiscopeWire

/// Engine.IO, and Socket.IO above it, in the payloads of one connection: long-polling bodies
/// or WebSocket messages. Each packet becomes an engine.io message, each Socket.IO packet a
/// socket.io message after it. What spans connections (acks, heartbeats, socket ids,
/// broadcasts) is the session stage's.
final class EngineIODecoder: PayloadDecoder {
    static let row: PayloadDecoderRow = {
        var row = PayloadDecoderRow(
            name: "engine.io", requestMatcher: { EngineIOQuery(uri: $0) != nil },
            heuristic: { payload in
                // Without a captured upgrade: a WebSocket whose first message is an open packet.
                guard case .websocket = payload.carrier.content else { return false }
                return payload.bytes.starts(with: openPacketStart)
            }, make: { EngineIODecoder($0) })
        row.wantsEmptyBodies = true
        return row
    }()

    /// How an open packet begins on the wire.
    static let openPacketStart = Array(#"0{"sid":""#.utf8)

    let protocolName = "engine.io"
    /// The WebSocket's upgrade request parameters; nil on polling connections.
    private let upgradeQuery: EngineIOQuery?
    /// The session of the payload being decoded: the request's on polling, the WebSocket's.
    private var sid: String?
    private var version: EngineIOVersion
    private var pending = DirectionPair<PendingAttachments?>(both: nil)
    private let maximumPayload: Int

    init(_ setup: DecoderSetup) {
        maximumPayload = setup.options.maximumEngineIOPayloadBytes
        upgradeQuery = ((setup.hint as? HTTPUpgrade)?.request?.head.uri).flatMap(EngineIOQuery.init(uri:))
        sid = upgradeQuery?.sid
        version = upgradeQuery?.version ?? .v4
    }

    func decode(_ payload: CarriedPayload, _ context: inout DecoderContext) {
        let carrierIndex = context.messages.count - 1
        let direction = payload.direction
        let source = payload.source ?? payload.carrier.source
        switch payload.carrier.content {
        case .http(let http):
            let uri = http.head.kind == .request ? http.head.uri : payload.carrier.request?.uri
            guard let query = uri.flatMap(EngineIOQuery.init(uri:)) else { return }
            version = query.version
            // Each polling request names its session (the handshake none: its open packet will).
            sid = query.sid
            if payload.bytes.isEmpty {
                tagSession(carrierIndex, &context)
                return
            }
            if http.head.kind == .response {
                // A POST is answered "ok"; anything but 2xx is the server refusing the request.
                if let status = http.head.status, !(200..<300).contains(status) {
                    let said = String(decoding: payload.bytes.prefix(200), as: UTF8.self)
                    let refusal = StreamDiagnostic(EngineIODiagnostics.transportError,
                                                   "The server refused the Engine.IO request: \(status) \(said)")
                    context.addToLastCarrier([refusal])
                    context.diagnose(refusal, direction)
                    tagSession(carrierIndex, &context)
                    return
                }
                if payload.carrier.request?.method == "POST" { tagSession(carrierIndex, &context); return }
            }
            if isOverLimit(payload, &context) { tagSession(carrierIndex, &context); return }
            var parser = EngineIOPayloadParser(version: version)
            var problems: [StreamDiagnostic] = []
            for item in parser.feed(payload.bytes) + parser.finish() {
                take(item, .polling, direction, source, &context, problems: &problems)
            }
            report(problems, direction, &context)
            // Clients send attachments in the payload of their event: one left waiting is missing.
            if let waiting = pending[direction] {
                pending[direction] = nil
                completeSocketIO(waiting, direction, missing: true, &context)
            }
        case .websocket(let websocket):
            if isOverLimit(payload, &context) { break }
            var problems: [StreamDiagnostic] = []
            let packet = websocket.opcode == .binary ? .success(EngineIOPacket.parseBinaryFrame(payload.bytes, version: version))
                : EngineIOPacket.parseText(payload.bytes[...], version: version, at: 0)
            take(packet, .websocket, direction, source, &context, problems: &problems)
            report(problems, direction, &context)
        default:
            return
        }
        tagSession(carrierIndex, &context)
    }

    /// A payload over the limit is said so on its carrier and not decoded: its JSON as a tree
    /// would take many times its size.
    private func isOverLimit(_ payload: CarriedPayload, _ context: inout DecoderContext) -> Bool {
        guard payload.bytes.count > maximumPayload else { return false }
        let limit = StreamDiagnostic(EngineIODiagnostics.payloadLimit,
            "An Engine.IO payload of \(payload.bytes.count) bytes, more than the limit of \(maximumPayload) "
                + "(--limit engine.io.payload_bytes; Socket.IO servers refuse more unless configured to): its packets are not decoded.")
        context.addToLastCarrier([limit])
        context.diagnose(limit, payload.direction)
        return true
    }

    func finish(_ context: inout DecoderContext) {
        for direction in [Direction.client, .server] {
            guard let waiting = pending[direction] else { continue }
            pending[direction] = nil
            completeSocketIO(waiting, direction, missing: true, &context)
        }
    }

    /// The carrier (the HTTP or WebSocket message) belongs to the session too.
    private func tagSession(_ index: Int, _ context: inout DecoderContext) {
        guard let sid, context.messages.indices.contains(index), context.messages[index].session == nil else { return }
        context.messages[index].session = sid
    }

    /// Problems of one payload said on its carrier and packet: the first few, then how many more
    /// (a crafted body of a million empty packets must not make a million diagnostics).
    private func report(_ problems: [StreamDiagnostic], _ direction: Direction, _ context: inout DecoderContext) {
        guard !problems.isEmpty else { return }
        var shown = Array(problems.prefix(Self.problemsShown))
        if problems.count > Self.problemsShown, let last = shown.last {
            shown[shown.count - 1] = StreamDiagnostic(last.severity, last.key,
                                                      last.message + " (and \(problems.count - Self.problemsShown) more like it in this payload)")
        }
        context.addToLastCarrier(shown)
        for problem in shown { context.diagnose(problem, direction) }
    }

    static let problemsShown = 8

    private func take(_ item: EngineIOPayloadParser.Item, _ transport: EngineIOTransport, _ direction: Direction,
                      _ payloadSource: ByteSource, _ context: inout DecoderContext, problems: inout [StreamDiagnostic]) {
        let packet: EngineIOPacket
        switch item {
        case .failure(let error):
            problems.append(error.framing
                ? StreamDiagnostic(EngineIODiagnostics.framing,
                    "The long-polling payload's framing is broken at byte \(error.offset): \(error.reason); the rest of the payload is skipped")
                : StreamDiagnostic(EngineIODiagnostics.malformed, "Not an Engine.IO packet (byte \(error.offset)): \(error.reason)"))
            return
        case .success(let parsed):
            packet = parsed
        }
        var message = EngineIOMessage(packet: packet, version: version, transport: transport, sid: sid)
        if packet.type == .open {
            if case .success(let value) = JSONParser.parse(packet.data), let handshake = EngineIOHandshake(value) {
                message.handshake = handshake
                sid = handshake.sid
                message.sid = sid
            } else {
                message.diagnostics.append(StreamDiagnostic(EngineIODiagnostics.openInvalid,
                    "The open packet is not a JSON object with a sid: \(String(decoding: packet.data.prefix(80), as: UTF8.self))"))
            }
        }
        if case .unknown(let code) = packet.type {
            message.diagnostics.append(StreamDiagnostic(EngineIODiagnostics.unknownType, "Engine.IO packet type \(code) is not defined"))
        }
        let source = Self.source(of: packet, in: payloadSource)
        var carried = ApplicationMessage(stream: context.stream, direction: direction, source: source,
                                         timestamp: context.time, content: .engineIO(message))
        carried.session = message.sid
        context.started(protocolName, direction, at: source)
        context.complete(carried)
        context.add(EngineIOLayerRecord(message: message, source: source))
        if packet.type == .message { socketIO(message, source, direction, &context) }
    }

    /// The packet's bytes within the payload; a base64 one maps to its text as a whole.
    static func source(of packet: EngineIOPacket, in payload: ByteSource) -> ByteSource {
        let range = Int64(packet.range.lowerBound)..<Int64(packet.range.upperBound)
        return ByteSource(kind: .engineIOPacket, parent: payload,
                          pieces: [ByteSource.Piece(range: 0..<Int64(packet.data.count + (packet.base64 || packet.isBinary ? 0 : 1)),
                                                    origin: .parent(range, exact: !packet.base64))],
                          bytes: packet.base64 || packet.isBinary ? packet.data : nil)
    }

    private func socketIO(_ engine: EngineIOMessage, _ source: ByteSource, _ direction: Direction, _ context: inout DecoderContext) {
        if engine.packet.isBinary {
            guard var waiting = pending[direction] else {
                let kind = Self.looksLikeMessagePack(engine.packet.data) ? SocketIODiagnostics.otherParser
                    : SocketIODiagnostics.attachmentUnexpected
                addToLastEngineIO(StreamDiagnostic(kind, kind.summary), direction, &context)
                return
            }
            waiting.attachments.append(engine.packet.data)
            waiting.sources.append(source)
            pending[direction] = waiting.isComplete ? nil : waiting
            if waiting.isComplete { completeSocketIO(waiting, direction, missing: false, &context) }
            return
        }
        if let waiting = pending[direction] {
            pending[direction] = nil
            completeSocketIO(waiting, direction, missing: true, &context)
        }
        switch SocketIOPacket.parse(engine.packet.data) {
        case .failure(let error):
            addToLastEngineIO(StreamDiagnostic(SocketIODiagnostics.malformed,
                                               "Not a Socket.IO packet (byte \(error.offset + 1)): \(error.reason)"), direction, &context)
        case .success(let packet):
            let waiting = PendingAttachments(packet: packet, engine: engine, source: source)
            if packet.type.hasAttachments && packet.attachments > PendingAttachments.maximum {
                completeSocketIO(waiting, direction, missing: false, &context, limited: true)
            } else if packet.type.hasAttachments && packet.attachments > 0 {
                pending[direction] = waiting
            } else {
                completeSocketIO(waiting, direction, missing: false, &context)
            }
        }
    }

    private func completeSocketIO(_ waiting: PendingAttachments, _ direction: Direction, missing: Bool,
                                  _ context: inout DecoderContext, limited: Bool = false) {
        var packet = waiting.packet
        var diagnostics: [StreamDiagnostic] = []
        if limited {
            diagnostics.append(StreamDiagnostic(SocketIODiagnostics.attachmentLimit,
                "The packet announces \(packet.attachments) attachments, more than the \(PendingAttachments.maximum) kept; its placeholders stay as they are"))
        }
        if missing {
            diagnostics.append(StreamDiagnostic(SocketIODiagnostics.attachmentMissing,
                "The packet announced \(packet.attachments) attachments but \(waiting.attachments.count) arrived before the next packet"))
        }
        if packet.type.hasAttachments, let data = packet.data {
            var unknown: [Int] = []
            packet.data = SocketIOPacket.fill(data, with: waiting.attachments, missing: &unknown)
            for number in unknown where !missing && !limited {
                diagnostics.append(StreamDiagnostic(SocketIODiagnostics.placeholderUnknown,
                    "A placeholder names attachment \(number) of \(waiting.attachments.count)"))
            }
        }
        var message = SocketIOMessage(packet: packet, engineVersion: waiting.engine.version, transport: waiting.engine.transport,
                                      session: waiting.engine.sid, diagnostics: diagnostics)
        if packet.type.isEvent && message.event == nil {
            message.diagnostics.append(StreamDiagnostic(SocketIODiagnostics.eventInvalid, SocketIODiagnostics.eventInvalid.summary))
        }
        let spans = ([waiting.source] + waiting.sources).flatMap(\.packetSpans)
        var carried = ApplicationMessage(stream: context.stream, direction: direction, source: waiting.source, timestamp: context.time,
                                         content: .socketIO(message),
                                         packets: ByteSource.packetNumbers(spans.sorted { $0.packet < $1.packet }))
        if let last = spans.map(\.time).max() { carried.timestamp = last }
        carried.session = message.session
        context.started("socket.io", direction, at: waiting.source)
        context.complete(carried)
        context.add(SocketIOLayerRecord(message: message, source: waiting.source))
    }

    private func addToLastEngineIO(_ diagnostic: StreamDiagnostic, _ direction: Direction, _ context: inout DecoderContext) {
        context.diagnose(diagnostic, direction)
        guard let index = context.messages.lastIndex(where: { $0.protocolName == "engine.io" }),
              case .engineIO(var engine) = context.messages[index].content else { return }
        engine.diagnostics.append(diagnostic)
        context.messages[index].content = .engineIO(engine)
    }

    /// The first byte of a MessagePack map or array, which socket.io-msgpack-parser writes.
    static func looksLikeMessagePack(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first else { return false }
        return (0x80...0x9F).contains(first) || first == 0xDE || first == 0xDF || first == 0xDC || first == 0xDD
    }
}
