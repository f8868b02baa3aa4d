import OsiscopeWire
/// HTTP/1.0 and HTTP/1.1 over one TCP connection (RFC 9112, RFC 9110), incremental and pure:
/// each direction's reassembled bytes go in, in order, with the stream offset of their first
/// byte; events come out. Feed both directions in capture order, so that a response comes after
/// the request it answers (the response's framing depends on the request's method).
///
/// - Messages are framed by Content-Length, chunked transfer coding, or the close of the
///   connection (RFC 9112 §6.3); responses to HEAD and 1xx, 204 and 304 responses have no body.
/// - Responses are paired with requests first in, first out (pipelining, RFC 9112 §9.3.2);
///   1xx interim responses answer the same request as the final response that follows.
/// - After `101 Switching Protocols`, or a 2xx answer to CONNECT, the bytes are another protocol:
///   `.upgraded` says from which offsets, and hands over the bytes already fed. While a request
///   that may switch (Upgrade, CONNECT) awaits its answer, the client's later bytes are held back.
/// - Nothing throws: problems are `StreamDiagnostic`s. After damage (an invalid start line, a bad
///   length, a capture gap) the parser skips to the next line that looks like a start line.
///   A connection whose first bytes are not HTTP (TLS, SSH, HTTP/2) is reported once and ignored.
public struct HTTPConversationParser: Sendable {
    public var options: HTTPParserOptions {
        didSet {
            for side in sides.indices { sides[side].options = options }
        }
    }

    /// A request whose final response has not been seen yet.
    private struct PendingRequest: Sendable {
        var index: Int
        var method: String
        /// Upgrade (HTTP/1.1) or CONNECT: the answer may end HTTP on this connection.
        var mayswitch = false
        /// The request message, kept only while it may switch (for `.upgraded`).
        var message: HTTPMessage?
    }

    /// Client at 0, server at 1.
    private var sides: [HTTPSideParser]
    private var pending: [PendingRequest] = []
    /// Messages may have been lost (gaps, damage): the FIFO pairing may be off.
    private var pairingUncertain = false

    /// - Parameter startsMidStream: the capture began after the connection did (no SYN seen), so the
    ///   first bytes may be the middle of a message: look for a start line instead of judging them.
    public init(options: HTTPParserOptions = HTTPParserOptions(), startsMidStream: Bool = false) {
        self.options = options
        sides = [
            HTTPSideParser(direction: .client, options: options, startsMidStream: startsMidStream),
            HTTPSideParser(direction: .server, options: options, startsMidStream: startsMidStream),
        ]
        pairingUncertain = startsMidStream
    }

    /// Requests (of this conversation) still waiting for their final response.
    public var unansweredRequests: [Int] { pending.map(\.index) }

    /// True once the connection switched protocol (after `.upgraded`).
    public var hasSwitchedProtocol: Bool { sides[1].state == .handedOver }

    /// True once the connection was found not to speak HTTP.
    public var isNotHTTP: Bool { sides[0].state == .ignored }

    /// Bytes held back unparsed: partial lines, and client bytes waiting for an Upgrade's answer.
    var bufferedBytes: Int { sides[0].buffer.count + sides[1].buffer.count }

    // MARK: Input

    /// Bytes of one direction, starting at stream offset `streamOffset`. Bytes already fed are
    /// ignored; bytes skipped over (an offset past the end of what was fed) count as a gap.
    public mutating func feed(_ bytes: ArraySlice<UInt8>, from direction: Direction, at streamOffset: Int64) -> [HTTPEvent] {
        var events: [HTTPEvent] = []
        let side = Self.side(direction)
        var input = bytes
        let received = sides[side].received
        if streamOffset > received {
            applyGap(direction, length: streamOffset - received, &events)
        } else if streamOffset < received {
            let overlap = received - streamOffset
            guard overlap < Int64(input.count) else { return events }
            input = input.dropFirst(Int(overlap))
        }
        sides[side].received += Int64(input.count)
        drive(direction, &input, &events)
        if direction == .client, case .paused = sides[0].state, sides[0].buffer.count > options.maxBufferedBytes {
            events.append(.diagnostic(StreamDiagnostic(
                HTTPDiagnostics.upgradeUnanswered,
                "more than \(options.maxBufferedBytes) bytes followed a request that may switch protocols "
                    + "without an answer; reading them as HTTP"), .client))
            resumeClient(&events)
        }
        return events
    }

    /// Bytes `[streamOffset, streamOffset + length)` of one direction were lost by the capture.
    /// A message framed by a length goes on past a gap inside its body (it ends incomplete);
    /// otherwise the message in progress ends incomplete and the parser resynchronises.
    public mutating func gap(from direction: Direction, at streamOffset: Int64, length: Int64) -> [HTTPEvent] {
        var events: [HTTPEvent] = []
        let end = streamOffset + max(length, 0)
        let received = sides[Self.side(direction)].received
        // Bytes between what was fed and `streamOffset` were never fed either: part of the gap.
        if end > received { applyGap(direction, length: end - received, &events) }
        return events
    }

    /// The direction's sender closed (FIN): a body delimited by the close is complete; any other
    /// message in progress is incomplete.
    public mutating func close(from direction: Direction) -> [HTTPEvent] {
        var events: [HTTPEvent] = []
        if direction == .client, case .paused = sides[0].state {
            // The server may still answer the request the held bytes follow.
            sides[0].closePending = true
            return events
        }
        if let message = sides[Self.side(direction)].end(closed: true, &events) { completed(message, &events) }
        if direction == .server {
            resumeClient(&events, untilDone: true)
            reportUnanswered(because: "the server closed the connection", &events)
        }
        return events
    }

    /// The capture ended: whatever is in progress ends incomplete (including a body delimited by a
    /// close that was not seen).
    public mutating func finish() -> [HTTPEvent] {
        var events: [HTTPEvent] = []
        resumeClient(&events, untilDone: true)
        for direction in Direction.allCases {
            if let message = sides[Self.side(direction)].end(closed: false, &events) { completed(message, &events) }
        }
        reportUnanswered(because: "the capture ended", &events)
        return events
    }

    // MARK: Driving the two sides

    private static func side(_ direction: Direction) -> Int { direction == .client ? 0 : 1 }

    private mutating func drive(_ direction: Direction, _ input: inout ArraySlice<UInt8>, _ events: inout [HTTPEvent]) {
        let side = Self.side(direction)
        while true {
            switch sides[side].advance(&input, &events) {
            case .needMore:
                return
            case .notHTTP(let diagnostic):
                events.append(.diagnostic(diagnostic, direction))
                sides[0].ignore()
                sides[1].ignore()
                pending.removeAll()
                input = input[input.endIndex...]
                return
            case .started:
                if direction == .client { registerRequest(&events) }
            case .head:
                if direction == .client {
                    requestHeadComplete(&events)
                } else if !responseHeadComplete(&input, &events) {
                    return
                }
            case .finished(let message):
                completed(message, &events)
            }
        }
    }

    private mutating func registerRequest(_ events: inout [HTTPEvent]) {
        guard let builder = sides[0].current else { return }
        if pending.count >= options.maxPendingRequests {
            pending.removeFirst()
            if !pairingUncertain {
                events.append(.diagnostic(StreamDiagnostic(
                    HTTPDiagnostics.pairingOverflow,
                    "more than \(options.maxPendingRequests) requests wait for responses; the oldest is forgotten"),
                    .client))
            }
            pairingUncertain = true
        }
        pending.append(PendingRequest(index: builder.index, method: builder.request?.method ?? ""))
    }

    private mutating func requestHeadComplete(_ events: inout [HTTPEvent]) {
        guard let head = sides[0].currentHead, let index = sides[0].current?.index else { return }
        events.append(.headComplete(head, .client))
        if let entry = pending.firstIndex(where: { $0.index == index }) {
            // RFC 9110 §7.8: a server must ignore Upgrade in an HTTP/1.0 request.
            pending[entry].mayswitch = head.method == "CONNECT"
                || (!head.isHTTP10 && !head.headers.values("Upgrade").isEmpty)
        }
        let (framing, diagnostics) = Self.framing(of: head)
        sides[0].addDiagnostics(diagnostics)
        if let framing {
            if let message = sides[0].beginBody(framing) { completed(message, &events) }
        } else {
            completed(sides[0].abortBody(), &events)
        }
    }

    /// Returns false when the connection switched protocols (the rest of `input` was handed over).
    private mutating func responseHeadComplete(_ input: inout ArraySlice<UInt8>, _ events: inout [HTTPEvent]) -> Bool {
        guard let head = sides[1].currentHead else { return true }
        events.append(.headComplete(head, .server))
        let status = head.status ?? 0
        let request = pending.first
        sides[1].setAnswers(request?.index)
        if request == nil {
            sides[1].addDiagnostics([StreamDiagnostic(
                HTTPDiagnostics.responseUnsolicited, "no request is known for this response",
                streamRange: head.startLineRange)])
        } else if pairingUncertain {
            sides[1].addDiagnostics([StreamDiagnostic(
                HTTPDiagnostics.pairingUncertain,
                "messages were lost earlier on this connection, so this response may answer another request",
                streamRange: head.startLineRange)])
        }
        if status == 101 {
            switchProtocols(.upgrade, request: request, &input, &events)
            return false
        }
        if status < 200 {
            // An interim response: the final one still answers the same request (RFC 9110 §15.2).
            if let message = sides[1].beginBody(.none) { completed(message, &events) }
            return true
        }
        if request != nil { pending.removeFirst() }
        if request?.method == "CONNECT", status < 300 {
            switchProtocols(.tunnel, request: request, &input, &events)
            return false
        }
        let framing: HTTPBodyFraming?
        if request?.method == "HEAD" || status == 204 || status == 304 {
            // RFC 9112 §6.3 rule 1: no body, whatever the header fields say.
            framing = HTTPBodyFraming.none
        } else {
            let (decided, diagnostics) = Self.framing(of: head)
            sides[1].addDiagnostics(diagnostics)
            framing = decided
        }
        if let framing {
            if let message = sides[1].beginBody(framing) { completed(message, &events) }
        } else {
            completed(sides[1].abortBody(), &events)
        }
        // The request that might have switched protocols did not: its held bytes are HTTP.
        if let request, case .paused(let paused) = sides[0].state, paused == request.index {
            resumeClient(&events)
        }
        return true
    }

    /// Message body length (RFC 9112 §6.3) from the header fields; nil when it cannot be known.
    private static func framing(of head: HTTPHead) -> (HTTPBodyFraming?, [StreamDiagnostic]) {
        let isRequest = head.kind == .request
        let codings = head.headers.listValues("Transfer-Encoding").map { $0.lowercased() }
        let lengths = head.headers.values("Content-Length")
        let lengthRange = head.headers.firstIndex { $0.name.lowercased() == "content-length" }
            .map { head.headerRanges[$0] } ?? head.range
        var diagnostics: [StreamDiagnostic] = []
        if !codings.isEmpty {
            if !lengths.isEmpty {
                diagnostics.append(StreamDiagnostic(
                    HTTPDiagnostics.contentLengthIgnored,
                    "both Transfer-Encoding and Content-Length: Transfer-Encoding wins (RFC 9112 §6.3), "
                        + "a pattern used for request smuggling", streamRange: lengthRange))
            }
            if codings.last == "chunked" { return (.chunked, diagnostics) }
            if isRequest {
                diagnostics.append(StreamDiagnostic(
                    HTTPDiagnostics.transferEncodingInvalid,
                    "chunked is not the last transfer coding of this request, so its length cannot be known",
                    streamRange: head.range))
                return (nil, diagnostics)
            }
            return (.untilClose, diagnostics)
        }
        if !lengths.isEmpty {
            guard let length = HTTPSyntax.contentLength(lengths) else {
                diagnostics.append(StreamDiagnostic(
                    HTTPDiagnostics.contentLengthInvalid,
                    "invalid Content-Length \"\(lengths.joined(separator: ", "))\": the body cannot be framed",
                    streamRange: lengthRange))
                return (nil, diagnostics)
            }
            return (.contentLength(length), diagnostics)
        }
        // RFC 9112 §6.3 rules 6 and 7.
        return (isRequest ? HTTPBodyFraming.none : .untilClose, diagnostics)
    }

    private mutating func completed(_ message: HTTPMessage, _ events: inout [HTTPEvent]) {
        var message = message
        HTTPContentDecoding.decode(&message, options: options)
        events.append(.message(message))
        guard message.direction == .client,
              let entry = pending.firstIndex(where: { $0.index == message.index }),
              pending[entry].mayswitch else { return }
        pending[entry].message = message
        // Wait for the answer before reading on: the next bytes may be the new protocol.
        if message.isComplete, sides[0].state == .idle { sides[0].pause(request: message.index) }
    }

    private mutating func switchProtocols(_ kind: HTTPUpgrade.Kind, request: PendingRequest?,
                                          _ input: inout ArraySlice<UInt8>, _ events: inout [HTTPEvent]) {
        guard var response = sides[1].beginBody(.none) else { return }
        if kind == .upgrade, request?.mayswitch != true {
            response.diagnostics.append(StreamDiagnostic(
                HTTPDiagnostics.upgradeUnrequested,
                "101 Switching Protocols without a known request asking for an Upgrade",
                streamRange: response.head.startLineRange))
        }
        completed(response, &events)
        let serverOffset = sides[1].consumed
        var serverBytes = sides[1].handOver()
        serverBytes.append(contentsOf: input)
        input = input[input.endIndex...]

        var requestMessage = request?.message
        if case .paused = sides[0].state {
            // The held bytes start right after the request: they are the new protocol.
        } else if let unfinished = sides[0].abandon(StreamDiagnostic(
            HTTPDiagnostics.upgradeRequestIncomplete,
            "the server switched protocols before the end of this request")) {
            if unfinished.index == request?.index { requestMessage = unfinished }
            events.append(.message(unfinished))
        }
        let clientOffset = sides[0].consumed
        let clientBytes = sides[0].handOver()
        sides[0].closePending = false
        pending.removeAll()
        events.append(.upgraded(HTTPUpgrade(
            kind: kind,
            protocolName: kind == .upgrade ? response.head.headers.values("Upgrade").first : nil,
            clientOffset: clientOffset, serverOffset: serverOffset,
            request: requestMessage, response: response,
            clientBytes: clientBytes, serverBytes: serverBytes)))
    }

    /// Reads the client bytes held back after a request that may switch protocols, as HTTP.
    /// With `untilDone`, no answer can come any more (the server closed, the capture ended), so
    /// the bytes are read as HTTP even past further requests that may switch.
    private mutating func resumeClient(_ events: inout [HTTPEvent], untilDone: Bool = false) {
        while case .paused = sides[0].state {
            let held = sides[0].unpause()
            var input = held[...]
            drive(.client, &input, &events)
            if !untilDone { break }
        }
        if case .paused = sides[0].state { return }
        if sides[0].closePending {
            sides[0].closePending = false
            if let message = sides[0].end(closed: true, &events) { completed(message, &events) }
        }
    }

    private mutating func applyGap(_ direction: Direction, length: Int64, _ events: inout [HTTPEvent]) {
        if direction == .client { resumeClient(&events) }
        let (message, lostPlace, messageBegan) = sides[Self.side(direction)].gap(length: length, &events)
        if let message { completed(message, &events) }
        if lostPlace { pairingUncertain = true }
        // A response began in the lost bytes: it answered the oldest waiting request, so the
        // next response seen is paired with the request after it, not shifted by one.
        if direction == .server, messageBegan, !pending.isEmpty { pending.removeFirst() }
    }

    private mutating func reportUnanswered(because reason: String, _ events: inout [HTTPEvent]) {
        guard !pending.isEmpty else { return }
        let indices = pending.map { String($0.index) }.joined(separator: ", ")
        events.append(.diagnostic(StreamDiagnostic(
            HTTPDiagnostics.requestUnanswered,
            "\(pending.count) request(s) got no response before \(reason) (request \(indices))"), .client))
        pending.removeAll()
    }
}
