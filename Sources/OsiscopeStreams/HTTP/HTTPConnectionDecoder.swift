import OsiscopeCapture
import OsiscopeWire

/// HTTP/1.x on a connection: the conversation parser, request/response pairing in time,
/// bodies handed to a payload decoder when the table has one for their path, and the
/// connection handed to the decoder an Upgrade names.
final class HTTPConnectionDecoder: ConnectionDecoder {
    static let row = DecoderRow(name: "http", heuristic: { first in
        guard let latest = first.latest, let direction = first.latestDirection else { return .no }
        // An HTTP start line is proof enough; decoding starts at it (a capture that began
        // mid-message shows the first whole message).
        return HTTPSyntax.isPlausibleStart(latest, kind: direction == .client ? .request : .response)
            ? .yes(feedsHeldBytes: false) : .no
    }, make: { setup in HTTPConnectionDecoder(setup) })

    let protocolName = "http"
    let displayName = "HTTP"
    private var parser: HTTPConversationParser
    private let setup: DecoderSetup
    /// Requests waiting for an answer: request index → packet, time and request line.
    private var waiting: [Int: (packet: Int, time: Timestamp, method: String?, uri: String?)] = [:]
    /// Requests whose bodies a payload decoder takes, by request index, and the decoders.
    private var bodyDecoders: [String: any PayloadDecoder] = [:]
    private var requestPaths: [Int: String] = [:]

    init(_ setup: DecoderSetup) {
        self.setup = setup
        parser = HTTPConversationParser(options: setup.options.http, startsMidStream: !setup.sawOpening)
    }

    func feed(_ bytes: ArraySlice<UInt8>, from direction: Direction, at offset: Int64, _ context: inout DecoderContext) {
        handle(parser.feed(bytes, from: direction, at: offset), &context)
    }

    func gap(from direction: Direction, at offset: Int64, length: Int64, _ context: inout DecoderContext) {
        handle(parser.gap(from: direction, at: offset, length: length), &context)
    }

    func end(from direction: Direction, _ context: inout DecoderContext) {
        handle(parser.close(from: direction), &context)
    }

    func finish(_ context: inout DecoderContext) {
        handle(parser.finish(), &context)
        for decoder in bodyDecoders.values { decoder.finish(&context) }
    }

    private func handle(_ events: [HTTPEvent], _ context: inout DecoderContext) {
        for event in events {
            switch event {
            case .headComplete(let head, let direction):
                context.started(protocolName, direction, at: context.source(for: head.range, direction))
            case .message(let message):
                complete(message, &context)
            case .diagnostic(let diagnostic, let direction):
                context.diagnose(diagnostic, direction)
            case .upgraded(let upgrade):
                handOver(upgrade, &context)
            }
        }
    }

    private func complete(_ message: HTTPMessage, _ context: inout DecoderContext) {
        var request: AnsweredRequest?
        if message.direction == .client {
            if let number = context.packet {
                waiting[message.index] = (number, context.time, message.head.method, message.head.uri)
                // Requests never answered must not pile up: keep the newest ones, as the parser does.
                if waiting.count > setup.options.http.maxPendingRequests, let oldest = waiting.keys.min() {
                    waiting[oldest] = nil
                }
            }
            requestPaths[message.index] = message.head.uri
            if requestPaths.count > setup.options.http.maxPendingRequests, let oldest = requestPaths.keys.min() {
                requestPaths[oldest] = nil
            }
        } else if let answered = message.answers, let seen = waiting[answered] {
            request = AnsweredRequest(packet: seen.packet, seconds: context.time.seconds(since: seen.time),
                                      method: seen.method, uri: seen.uri)
            if !message.head.isInterim { waiting[answered] = nil }
        }
        let source = context.source(for: message.range, message.direction)
        context.add(HTTPLayerRecord(message: message, source: source, request: request))
        let carried = ApplicationMessage(stream: context.stream, direction: message.direction, source: source,
                                         timestamp: context.time, content: .http(message), request: request)
        context.complete(carried)
        handBody(of: message, carried, &context)
        if message.direction == .server, let answered = message.answers, !message.head.isInterim {
            requestPaths[answered] = nil
        }
    }

    /// A body whose request path a payload decoder claims (Engine.IO long-polling) goes to it.
    private func handBody(of message: HTTPMessage, _ carried: ApplicationMessage, _ context: inout DecoderContext) {
        let path = message.direction == .client ? message.head.uri : message.answers.flatMap { requestPaths[$0] }
        guard let path, let row = setup.options.decoders.payloadRow(forRequest: path) else { return }
        let body = message.decodedBody ?? message.body
        guard !body.isEmpty || row.wantsEmptyBodies else { return }
        let decoder = bodyDecoders[row.name] ?? row.make(setup)
        bodyDecoders[row.name] = decoder
        let bodySource = context.source(for: message.bodyRange, message.direction)
        let source = ByteSource(kind: .decodedBody, parent: bodySource,
                                pieces: [ByteSource.Piece(range: 0..<Int64(body.count),
                                                          origin: .parent(bodySource.range, exact: message.decodedBody == nil
                                                                              && message.chunks == nil))],
                                bytes: body)
        decoder.decode(CarriedPayload(direction: message.direction, bytes: body, source: source, carrier: carried), &context)
    }

    /// After `101 Switching Protocols`: the connection goes to the decoder the Upgrade token names.
    private func handOver(_ upgrade: HTTPUpgrade, _ context: inout DecoderContext) {
        guard upgrade.kind == .upgrade, let token = upgrade.protocolName,
              let row = setup.options.decoders.row(forUpgradeToken: token) else {
            context.handOver(to: IgnoredConnection(protocolName: protocolName, displayName: displayName))
            return
        }
        var next = setup
        next.hint = upgrade
        let decoder = row.make(next)
        context.handOver(to: decoder)
        decoder.begin(&context)
        // The bytes the HTTP parser read past the switch belong to the new protocol.
        decoder.feed(upgrade.clientBytes[...], from: .client, at: upgrade.clientOffset, &context)
        decoder.feed(upgrade.serverBytes[...], from: .server, at: upgrade.serverOffset, &context)
    }
}

/// A connection whose bytes no decoder reads any more (a CONNECT tunnel, an unknown Upgrade).
final class IgnoredConnection: ConnectionDecoder {
    let protocolName: String
    let displayName: String
    var decodesPayload: Bool { false }

    init(protocolName: String, displayName: String) {
        self.protocolName = protocolName
        self.displayName = displayName
    }

    func feed(_ bytes: ArraySlice<UInt8>, from direction: Direction, at offset: Int64, _ context: inout DecoderContext) {}
    func gap(from direction: Direction, at offset: Int64, length: Int64, _ context: inout DecoderContext) {}
    func finish(_ context: inout DecoderContext) {}
}
