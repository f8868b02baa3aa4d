import OsiscopeWire
/// The message parser of one direction of a connection: requests from the client, responses from
/// the server. It frames messages; decisions that need the other direction (which request a
/// response answers, HEAD, CONNECT, protocol switches) are taken by `HTTPConversationParser`,
/// which drives two of these.
///
/// Bytes are never copied except for a partial line (kept in `buffer` until its LF arrives, so
/// at most one head's worth) and the part of a body that is kept. Body bytes are counted straight
/// out of the caller's slice.
struct HTTPSideParser: Sendable {
    enum State: Equatable, Sendable {
        /// Expecting a start line (empty lines before it are skipped, RFC 9112 §2.2).
        case idle
        case head
        case body(remaining: Int64)
        case untilClose
        case chunkSize
        case chunkData(remaining: Int64)
        /// The CRLF after a chunk's data.
        case chunkDataEnd
        case trailers
        /// Looking for the next line that looks like a start line, skipping everything else.
        case resync
        /// Holding bytes back until the answer to this request (Upgrade or CONNECT) is known.
        case paused(request: Int)
        /// The bytes belong to another protocol now.
        case handedOver
        /// The connection does not speak HTTP.
        case ignored
        case closed
    }

    /// Why `advance` returned.
    enum Stop {
        /// All input was used (or kept as a partial line).
        case needMore
        /// A start line was read; `current` is the new message.
        case started
        /// The head is complete; the caller must call `beginBody` or `abortBody`.
        case head
        case finished(HTTPMessage)
        /// The first bytes of the stream are not HTTP.
        case notHTTP(StreamDiagnostic)
    }

    /// A message being read.
    struct Builder: Sendable {
        var index: Int
        var request: HTTPSyntax.RequestLine?
        var status: HTTPSyntax.StatusLine?
        var headers: [HTTPHeader] = []
        var headerRanges: [Range<Int64>] = []
        var startLineRange: Range<Int64>
        var headEnd: Int64?
        var framing: HTTPBodyFraming = .none
        var bodyLength: Int64 = 0
        var body: [UInt8] = []
        var keeping = true
        var chunks: Int?
        var trailers: [HTTPHeader] = []
        var trailerStart: Int64 = 0
        var diagnostics: [StreamDiagnostic] = []
        /// Bytes of the body were lost in a capture gap.
        var hasHole = false
        var bareLFReported = false
        var answers: Int?

        var headStart: Int64 { startLineRange.lowerBound }

        func head(end: Int64) -> HTTPHead {
            HTTPHead(kind: request != nil ? .request : .response,
                     method: request?.method, uri: request?.uri,
                     version: request?.version ?? status?.version ?? "",
                     status: status?.status, reason: status?.reason,
                     headers: headers, startLineRange: startLineRange, headerRanges: headerRanges,
                     range: headStart..<(headEnd ?? end))
        }
    }

    private enum LineResult {
        case line(ArraySlice<UInt8>)
        case needMore
        /// The line would end past the limit; the bytes up to the limit (and possibly beyond, up
        /// to the LF or to the end of the input) were consumed.
        case tooLong
    }

    let direction: Direction
    var options: HTTPParserOptions
    private(set) var state: State
    /// Offset just past the last byte fed or lost in a gap.
    var received: Int64 = 0
    /// Offset of the first byte not yet consumed; `buffer` holds the bytes from here.
    private(set) var consumed: Int64 = 0
    /// A partial line (in line states), or the bytes held back while paused.
    private(set) var buffer: [UInt8] = []
    /// False until the first start line of the stream has been accepted or refused.
    private var judged: Bool
    /// Resynchronising: drop bytes up to and including the next LF first.
    private var discardingLine = false
    /// Where the bytes skipped while resynchronising began.
    private var skipStart: Int64 = 0
    private(set) var current: Builder?
    /// Messages begun so far (the next message's index).
    private var begun = 0
    /// The stream was closed while paused; apply it after resuming.
    var closePending = false

    var kind: HTTPHead.Kind { direction == .client ? .request : .response }

    init(direction: Direction, options: HTTPParserOptions, startsMidStream: Bool) {
        self.direction = direction
        self.options = options
        self.judged = startsMidStream
        self.state = startsMidStream ? .resync : .idle
    }

    // MARK: Driving

    /// Reads as much of `input` as possible, stopping at each point where the caller has to act.
    /// `input` is left with the bytes not used yet.
    mutating func advance(_ input: inout ArraySlice<UInt8>, _ events: inout [HTTPEvent]) -> Stop {
        while true {
            switch state {
            case .handedOver, .ignored, .closed:
                input = input[input.endIndex...]
                return .needMore
            case .paused:
                buffer.append(contentsOf: input)
                input = input[input.endIndex...]
                return .needMore
            case .body(let remaining):
                guard !input.isEmpty else { return .needMore }
                let count = Int(min(remaining, Int64(input.count)))
                takeBody(input.prefix(count))
                input = input.dropFirst(count)
                if Int64(count) == remaining { return .finished(finishMessage(end: consumed, complete: true)) }
                state = .body(remaining: remaining - Int64(count))
            case .untilClose:
                guard !input.isEmpty else { return .needMore }
                takeBody(input)
                input = input[input.endIndex...]
                return .needMore
            case .chunkData(let remaining):
                guard !input.isEmpty else { return .needMore }
                let count = Int(min(remaining, Int64(input.count)))
                takeBody(input.prefix(count))
                input = input.dropFirst(count)
                state = Int64(count) == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - Int64(count))
            case .idle:
                if let stop = idleStep(&input, &events) { return stop }
            case .resync:
                if let stop = resyncStep(&input, &events) { return stop }
            case .head:
                if let stop = headStep(&input) { return stop }
            case .chunkSize:
                if let stop = chunkSizeStep(&input) { return stop }
            case .chunkDataEnd:
                if let stop = chunkDataEndStep(&input) { return stop }
            case .trailers:
                if let stop = trailersStep(&input) { return stop }
            }
        }
    }

    /// Takes the next line (through its LF) from `buffer` + `input`. The line must end at or
    /// before the stream offset `limit`.
    private mutating func nextLine(_ input: inout ArraySlice<UInt8>, limit: Int64) -> LineResult {
        if let lf = input.firstIndex(of: HTTPSyntax.lf) {
            let take = input[input.startIndex...lf]
            input = input[input.index(after: lf)...]
            let length = Int64(buffer.count + take.count)
            if consumed + length > limit {
                consumed += length
                buffer = []
                return .tooLong
            }
            if buffer.isEmpty { return .line(take) }
            buffer.append(contentsOf: take)
            let line = buffer
            buffer = []
            return .line(line[...])
        }
        if consumed + Int64(buffer.count + input.count) > limit {
            consumed += Int64(buffer.count + input.count)
            buffer = []
            input = input[input.endIndex...]
            discardingLine = true
            return .tooLong
        }
        buffer.append(contentsOf: input)
        input = input[input.endIndex...]
        return .needMore
    }

    private mutating func idleStep(_ input: inout ArraySlice<UInt8>, _ events: inout [HTTPEvent]) -> Stop? {
        let lineStart = consumed
        if !judged, !isPlausibleStart(input) {
            return .notHTTP(notHTTPDiagnostic(at: lineStart))
        }
        switch nextLine(&input, limit: lineStart + Int64(options.maxHeadBytes)) {
        case .needMore:
            return .needMore
        case .tooLong:
            judged = true
            let cut = lineStart + Int64(options.maxHeadBytes)
            events.append(.diagnostic(headTooLarge(lineStart..<cut), direction))
            enterResync(at: cut)
            return nil
        case .line(let line):
            let (content, bareLF) = HTTPSyntax.content(of: line)
            let lineEnd = lineStart + Int64(line.count)
            if content.isEmpty {
                consumed = lineEnd
                return nil
            }
            if begin(content, lineStart..<lineEnd, bareLF: bareLF) { return .started }
            consumed = lineEnd
            if !judged { return .notHTTP(notHTTPDiagnostic(at: lineStart)) }
            let what = kind == .request ? "request line" : "status line"
            events.append(.diagnostic(StreamDiagnostic(
                .error, "http.\(kind.rawValue).invalid",
                "not a valid HTTP/1.x \(what): \"\(printable(content))\"; skipping to the next message",
                streamRange: lineStart..<lineEnd), direction))
            enterResync(at: lineEnd)
            return nil
        }
    }

    private mutating func resyncStep(_ input: inout ArraySlice<UInt8>, _ events: inout [HTTPEvent]) -> Stop? {
        if discardingLine {
            guard let lf = input.firstIndex(of: HTTPSyntax.lf) else {
                consumed += Int64(input.count)
                input = input[input.endIndex...]
                return .needMore
            }
            consumed += Int64(input.distance(from: input.startIndex, to: lf) + 1)
            input = input[input.index(after: lf)...]
            discardingLine = false
        }
        let lineStart = consumed
        switch nextLine(&input, limit: lineStart + Int64(HTTPSyntax.maxResyncLineLength)) {
        case .needMore:
            return .needMore
        case .tooLong:
            return nil
        case .line(let line):
            let (content, bareLF) = HTTPSyntax.content(of: line)
            let lineEnd = lineStart + Int64(line.count)
            // Empty lines right where skipping began are not worth reporting as skipped.
            if content.isEmpty && lineStart == skipStart { skipStart = lineEnd }
            let looksRight = kind == .request
                ? HTTPSyntax.requestLine(content, strict: true) != nil
                : HTTPSyntax.statusLine(content) != nil
            if looksRight {
                let skipped = skipStart..<lineStart
                if begin(content, lineStart..<lineEnd, bareLF: bareLF) {
                    if !skipped.isEmpty {
                        events.append(.diagnostic(StreamDiagnostic(
                            HTTPDiagnostics.resync,
                            "skipped \(skipped.count) bytes to the next \(kind.rawValue)",
                            streamRange: skipped), direction))
                    }
                    return .started
                }
            }
            consumed = lineEnd
            return nil
        }
    }

    /// Starts a message if `content` is a valid start line.
    private mutating func begin(_ content: ArraySlice<UInt8>, _ range: Range<Int64>, bareLF: Bool) -> Bool {
        var builder: Builder
        switch kind {
        case .request:
            guard let line = HTTPSyntax.requestLine(content) else { return false }
            builder = Builder(index: begun, request: line, startLineRange: range)
        case .response:
            guard let line = HTTPSyntax.statusLine(content) else { return false }
            builder = Builder(index: begun, status: line, startLineRange: range)
        }
        begun += 1
        judged = true
        consumed = range.upperBound
        current = builder
        state = .head
        if bareLF { reportBareLF(at: range) }
        return true
    }

    private mutating func headStep(_ input: inout ArraySlice<UInt8>) -> Stop? {
        guard let headStart = current?.headStart else { state = .idle; return nil }
        let lineStart = consumed
        switch nextLine(&input, limit: headStart + Int64(options.maxHeadBytes)) {
        case .needMore:
            return .needMore
        case .tooLong:
            let cut = headStart + Int64(options.maxHeadBytes)
            let diagnostic = headTooLarge(headStart..<cut)
            current?.diagnostics.append(diagnostic)
            let message = finishMessage(end: cut, complete: false)
            enterResync(at: cut)
            return .finished(message)
        case .line(let line):
            let (content, bareLF) = HTTPSyntax.content(of: line)
            consumed = lineStart + Int64(line.count)
            if bareLF { reportBareLF(at: lineStart..<consumed) }
            if content.isEmpty {
                current?.headEnd = consumed
                return .head
            }
            addFieldLine(content, lineStart..<consumed, trailer: false)
            return nil
        }
    }

    private mutating func trailersStep(_ input: inout ArraySlice<UInt8>) -> Stop? {
        guard let trailerStart = current?.trailerStart else { state = .idle; return nil }
        let lineStart = consumed
        switch nextLine(&input, limit: trailerStart + Int64(options.maxHeadBytes)) {
        case .needMore:
            return .needMore
        case .tooLong:
            let cut = trailerStart + Int64(options.maxHeadBytes)
            current?.diagnostics.append(StreamDiagnostic(
                HTTPDiagnostics.trailersTooLarge,
                "the trailer section is larger than \(options.maxHeadBytes) bytes", streamRange: trailerStart..<cut))
            let message = finishMessage(end: cut, complete: false)
            enterResync(at: cut)
            return .finished(message)
        case .line(let line):
            let (content, bareLF) = HTTPSyntax.content(of: line)
            consumed = lineStart + Int64(line.count)
            if bareLF { reportBareLF(at: lineStart..<consumed) }
            if content.isEmpty { return .finished(finishMessage(end: consumed, complete: true)) }
            addFieldLine(content, lineStart..<consumed, trailer: true)
            return nil
        }
    }

    private mutating func chunkSizeStep(_ input: inout ArraySlice<UInt8>) -> Stop? {
        let lineStart = consumed
        switch nextLine(&input, limit: lineStart + Int64(options.maxChunkLineBytes)) {
        case .needMore:
            return .needMore
        case .tooLong:
            let cut = lineStart + Int64(options.maxChunkLineBytes)
            current?.diagnostics.append(StreamDiagnostic(
                HTTPDiagnostics.chunkSizeInvalid,
                "a chunk-size line longer than \(options.maxChunkLineBytes) bytes", streamRange: lineStart..<cut))
            let message = finishMessage(end: lineStart, complete: false)
            enterResync(at: cut)
            return .finished(message)
        case .line(let line):
            let (content, bareLF) = HTTPSyntax.content(of: line)
            consumed = lineStart + Int64(line.count)
            guard let (size, _) = HTTPSyntax.chunkSize(content) else {
                let diagnostic = StreamDiagnostic(
                    HTTPDiagnostics.chunkSizeInvalid,
                    "not a chunk size: \"\(printable(content))\" (RFC 9112 §7.1 wants hex digits)",
                    streamRange: lineStart..<consumed)
                current?.diagnostics.append(diagnostic)
                let message = finishMessage(end: lineStart, complete: false)
                enterResync(at: consumed)
                return .finished(message)
            }
            if bareLF { reportBareLF(at: lineStart..<consumed) }
            if size == 0 {
                current?.trailerStart = consumed
                state = .trailers
            } else {
                let chunks = (current?.chunks ?? 0) + 1
                current?.chunks = chunks
                state = .chunkData(remaining: size)
            }
            return nil
        }
    }

    private mutating func chunkDataEndStep(_ input: inout ArraySlice<UInt8>) -> Stop? {
        let lineStart = consumed
        let missingCRLF = { (range: Range<Int64>) in
            StreamDiagnostic(HTTPDiagnostics.chunkMissingCrlf,
                             "the chunk data is not followed by CRLF: the chunk size does not match the data",
                             streamRange: range)
        }
        switch nextLine(&input, limit: lineStart + Int64(options.maxChunkLineBytes)) {
        case .needMore:
            return .needMore
        case .tooLong:
            let cut = lineStart + Int64(options.maxChunkLineBytes)
            current?.diagnostics.append(missingCRLF(lineStart..<cut))
            let message = finishMessage(end: lineStart, complete: false)
            enterResync(at: cut)
            return .finished(message)
        case .line(let line):
            let (content, bareLF) = HTTPSyntax.content(of: line)
            consumed = lineStart + Int64(line.count)
            guard content.isEmpty else {
                current?.diagnostics.append(missingCRLF(lineStart..<consumed))
                let message = finishMessage(end: lineStart, complete: false)
                enterResync(at: consumed)
                return .finished(message)
            }
            if bareLF { reportBareLF(at: lineStart..<consumed) }
            state = .chunkSize
            return nil
        }
    }

    private mutating func addFieldLine(_ content: ArraySlice<UInt8>, _ range: Range<Int64>, trailer: Bool) {
        guard current != nil else { return }
        if let first = content.first, first == HTTPSyntax.sp || first == HTTPSyntax.ht {
            // obs-fold (RFC 9112 §5.2): a continuation of the previous field line, replaced by one SP.
            let addition = HTTPSyntax.string(HTTPSyntax.trimmed(content))
            func joined(_ value: String) -> String { value.isEmpty ? addition : value + " " + addition }
            if trailer, let last = current!.trailers.indices.last {
                let value = current!.trailers[last].value
                current!.trailers[last].value = joined(value)
            } else if !trailer, let last = current!.headers.indices.last {
                let value = current!.headers[last].value
                let start = current!.headerRanges[last].lowerBound
                current!.headers[last].value = joined(value)
                current!.headerRanges[last] = start..<range.upperBound
            } else {
                current!.diagnostics.append(StreamDiagnostic(
                    HTTPDiagnostics.headerInvalid,
                    "a line starting with whitespace before any header; ignored", streamRange: range))
                return
            }
            current!.diagnostics.append(StreamDiagnostic(
                HTTPDiagnostics.headerObsFold,
                "obsolete line folding (RFC 9112 §5.2): the line continues the previous header", streamRange: range))
            return
        }
        switch HTTPSyntax.fieldLine(content) {
        case .field(let header, let problem):
            if let problem {
                current!.diagnostics.append(StreamDiagnostic(HTTPDiagnostics.headerInvalid, problem, streamRange: range))
            }
            let kept = trailer ? current!.trailers.count : current!.headers.count
            if kept >= options.maxHeaderCount {
                // Said once per message, at the first field line past the limit.
                if kept == options.maxHeaderCount && !current!.diagnostics.contains(where: { $0.key == HTTPDiagnostics.headersTooMany.key }) {
                    current!.diagnostics.append(StreamDiagnostic(HTTPDiagnostics.headersTooMany,
                        "more than \(options.maxHeaderCount) \(trailer ? "trailer" : "header") fields: the later ones are not kept", streamRange: range))
                }
                return
            }
            if trailer {
                current!.trailers.append(header)
            } else {
                current!.headers.append(header)
                current!.headerRanges.append(range)
            }
        case .invalid(let problem):
            let diagnostic = StreamDiagnostic(
                HTTPDiagnostics.headerInvalid, "\(problem): \"\(printable(content))\"; ignored", streamRange: range)
            current!.diagnostics.append(diagnostic)
        }
    }

    private mutating func takeBody(_ bytes: ArraySlice<UInt8>) {
        consumed += Int64(bytes.count)
        guard current != nil else { return }
        current!.bodyLength += Int64(bytes.count)
        guard current!.keeping else { return }
        let room = options.maxBodyBytesKept - current!.body.count
        if bytes.count <= room {
            current!.body.append(contentsOf: bytes)
        } else {
            current!.body.append(contentsOf: bytes.prefix(max(room, 0)))
            current!.keeping = false
            current!.diagnostics.append(StreamDiagnostic(
                HTTPDiagnostics.bodyTruncated, "only the first \(options.maxBodyBytesKept) bytes of the body are kept"))
        }
    }

    // MARK: Calls from the conversation

    /// The head of the current message, once `advance` returned `.head`.
    var currentHead: HTTPHead? { current.map { $0.head(end: consumed) } }

    mutating func addDiagnostics(_ diagnostics: [StreamDiagnostic]) {
        current?.diagnostics.append(contentsOf: diagnostics)
    }

    mutating func setAnswers(_ request: Int?) {
        current?.answers = request
    }

    /// Sets how the body of the current message is framed; returns the message when it has no body.
    mutating func beginBody(_ framing: HTTPBodyFraming) -> HTTPMessage? {
        guard current != nil else { return nil }
        current!.framing = framing
        switch framing {
        case .none, .contentLength(0):
            return finishMessage(end: consumed, complete: true)
        case .contentLength(let length):
            state = .body(remaining: length)
        case .chunked:
            current!.chunks = 0
            state = .chunkSize
        case .untilClose:
            state = .untilClose
        }
        return nil
    }

    /// The body of the current message cannot be framed: ends it and looks for the next message.
    mutating func abortBody() -> HTTPMessage {
        let message = finishMessage(end: consumed, complete: false)
        enterResync(at: consumed)
        return message
    }

    /// Ends the message in progress, if any, where the stream stands (its partial line included).
    mutating func abandon(_ diagnostic: StreamDiagnostic) -> HTTPMessage? {
        guard current != nil else { return nil }
        current!.diagnostics.append(diagnostic)
        return finishMessage(end: consumed + Int64(buffer.count), complete: false)
    }

    /// From here on the bytes are another protocol; returns the bytes already fed from `consumed` on.
    mutating func handOver() -> [UInt8] {
        let held = buffer
        buffer = []
        current = nil
        state = .handedOver
        return held
    }

    mutating func pause(request: Int) {
        state = .paused(request: request)
    }

    /// Stops waiting; returns the held bytes, which the caller feeds back through `advance`.
    mutating func unpause() -> [UInt8] {
        let held = buffer
        buffer = []
        state = .idle
        return held
    }

    mutating func ignore() {
        buffer = []
        current = nil
        state = .ignored
    }

    /// Bytes `[received, received + length)` were lost. Returns the message the gap ended,
    /// whether the parser lost its place (and now looks for the next start line), and whether a
    /// message certainly began inside the lost bytes: the gap opened between messages, or after
    /// the end that the current message's length announced.
    mutating func gap(length: Int64, _ events: inout [HTTPEvent]) -> (HTTPMessage?, lostPlace: Bool, messageBegan: Bool) {
        let start = received
        received += length
        let diagnostic = StreamDiagnostic(HTTPDiagnostics.gap, "\(length) bytes were not captured",
                                          streamRange: start..<received)
        switch state {
        case .handedOver, .ignored, .closed:
            consumed = received
            return (nil, false, false)
        case .body(let remaining) where length <= remaining:
            skip(length, diagnostic)
            if length == remaining { return (finishMessage(end: consumed, complete: true), false, false) }
            state = .body(remaining: remaining - length)
            return (nil, false, false)
        case .chunkData(let remaining) where length < remaining:
            skip(length, diagnostic)
            state = .chunkData(remaining: remaining - length)
            return (nil, false, false)
        case .untilClose:
            skip(length, diagnostic)
            return (nil, false, false)
        default:
            let began: Bool = switch state {
            case .idle: true
            case .body: current != nil
            default: false
            }
            var ended: HTTPMessage?
            if current != nil {
                var end = consumed + Int64(buffer.count)
                if case .body(let remaining) = state {
                    // The framing says where the message ended, inside the gap.
                    current!.bodyLength += remaining
                    end = consumed + remaining
                }
                current!.diagnostics.append(diagnostic)
                ended = finishMessage(end: end, complete: false)
            } else {
                events.append(.diagnostic(diagnostic, direction))
            }
            buffer = []
            discardingLine = false
            consumed = received
            judged = true
            enterResync(at: received)
            return (ended, true, began)
        }
    }

    /// Lost body bytes inside a framed body: counted, not kept; the framing goes on.
    private mutating func skip(_ length: Int64, _ diagnostic: StreamDiagnostic) {
        consumed += length
        guard current != nil else { return }
        current!.bodyLength += length
        current!.keeping = false
        current!.hasHole = true
        current!.diagnostics.append(diagnostic)
    }

    /// The stream ended: by the sender's FIN (`closed`), or because the capture ended. A body
    /// delimited by the close is complete only in the first case.
    mutating func end(closed: Bool, _ events: inout [HTTPEvent]) -> HTTPMessage? {
        defer {
            buffer = []
            current = nil
            state = .closed
        }
        switch state {
        case .handedOver, .ignored, .closed, .paused:
            return nil
        case .untilClose where closed:
            return finishMessage(end: consumed, complete: true)
        default:
            break
        }
        if current != nil {
            let why = closed ? "the stream was closed before the end of the message"
                : "the capture ended before the end of the message"
            return abandon(StreamDiagnostic(HTTPDiagnostics.messageIncomplete, why))
        }
        if state == .idle, buffer.contains(where: { $0 != HTTPSyntax.cr && $0 != HTTPSyntax.lf }) {
            events.append(.diagnostic(StreamDiagnostic(
                HTTPDiagnostics.messageIncomplete,
                "\(buffer.count) bytes at the end of the stream are not a whole start line",
                streamRange: consumed..<consumed + Int64(buffer.count)), direction))
        }
        return nil
    }

    // MARK: Helpers

    private mutating func finishMessage(end: Int64, complete: Bool) -> HTTPMessage {
        let builder = current!
        current = nil
        state = .idle
        let headEnd = builder.headEnd ?? end
        return HTTPMessage(
            direction: direction, index: builder.index, head: builder.head(end: end), framing: builder.framing,
            bodyLength: Int(builder.bodyLength), body: builder.body, trailers: builder.trailers,
            chunks: builder.chunks, range: builder.headStart..<max(end, builder.headStart),
            bodyRange: headEnd..<max(end, headEnd), diagnostics: builder.diagnostics,
            isComplete: complete && !builder.hasHole, answers: builder.answers)
    }

    private mutating func enterResync(at offset: Int64) {
        current = nil
        state = .resync
        skipStart = offset
    }

    private mutating func reportBareLF(at range: Range<Int64>) {
        guard current != nil, !current!.bareLFReported else { return }
        current!.bareLFReported = true
        current!.diagnostics.append(StreamDiagnostic(
            HTTPDiagnostics.lineBareLf,
            "a line ends with a bare LF instead of CRLF (tolerated, RFC 9112 §2.2)", streamRange: range))
    }

    /// Whether the current line (buffer, then input), as far as it has arrived, can still begin a
    /// start line. Only the first bytes are looked at.
    private func isPlausibleStart(_ input: ArraySlice<UInt8>) -> Bool {
        var prefix = Array(buffer.prefix(40))
        if prefix.count < 40 { prefix.append(contentsOf: input.prefix(40 - prefix.count)) }
        // Empty lines before the start line are allowed; a line is judged once it has content.
        if let first = prefix.first, first == HTTPSyntax.cr || first == HTTPSyntax.lf { return true }
        return HTTPSyntax.isPlausibleStart(prefix[...], kind: kind)
    }

    private func notHTTPDiagnostic(at offset: Int64) -> StreamDiagnostic {
        let what = kind == .request ? "an HTTP/1.x request line" : "an HTTP/1.x status line"
        return StreamDiagnostic(
            HTTPDiagnostics.notHttp,
            "the \(direction.rawValue)'s first bytes are not \(what): this connection is not decoded as HTTP",
            streamRange: offset..<offset + 1)
    }

    private func headTooLarge(_ range: Range<Int64>) -> StreamDiagnostic {
        StreamDiagnostic(HTTPDiagnostics.headTooLarge,
                         "the head is larger than \(options.maxHeadBytes) bytes; skipping to the next message",
                         streamRange: range)
    }

    /// Bytes of a bad line for a message: printable ASCII kept, the rest escaped, at most 60 shown.
    private func printable(_ bytes: ArraySlice<UInt8>) -> String {
        var text = ""
        for byte in bytes.prefix(60) {
            if byte >= 0x20 && byte < 0x7F && byte != 0x5C && byte != 0x22 {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return bytes.count > 60 ? text + "…" : text
    }
}
