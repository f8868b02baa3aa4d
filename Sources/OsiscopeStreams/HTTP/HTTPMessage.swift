import OsiscopeWire
/// The head of an HTTP/1.x message: the start line and the header section, up to and
/// including the blank line that ends it (RFC 9112 §2.1).
public struct HTTPHead: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case request, response
    }

    public var kind: Kind
    /// Request method, case kept (methods are case-sensitive, RFC 9110 §9.1); nil for responses.
    public var method: String?
    /// Request target as sent (origin form "/a?b", absolute form, authority form for CONNECT, or "*").
    public var uri: String?
    /// "HTTP/1.0" or "HTTP/1.1" (any "HTTP/1.n" is accepted).
    public var version: String
    public var status: Int?
    /// Reason phrase of a response; may be empty.
    public var reason: String?
    /// Header fields in order, names as sent; obsolete line folding is joined with one space.
    public var headers: [HTTPHeader]
    /// Stream offsets of the start line, including its line ending.
    public var startLineRange: Range<Int64>
    /// Stream offsets of each header field line (several lines when folded), parallel to `headers`.
    public var headerRanges: [Range<Int64>]
    /// Stream offsets of the whole head, from the start line through the blank line. For a head cut
    /// short (too large, or a gap), the bytes that were read.
    public var range: Range<Int64>

    public init(kind: Kind, method: String? = nil, uri: String? = nil, version: String, status: Int? = nil,
                reason: String? = nil, headers: [HTTPHeader] = [], startLineRange: Range<Int64>,
                headerRanges: [Range<Int64>] = [], range: Range<Int64>) {
        self.kind = kind
        self.method = method
        self.uri = uri
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers
        self.startLineRange = startLineRange
        self.headerRanges = headerRanges
        self.range = range
    }

    /// True for "HTTP/1.0" (and anything older than 1.1).
    public var isHTTP10: Bool { version == "HTTP/1.0" }

    /// Informational (1xx) response, an interim answer before the final one (RFC 9110 §15.2).
    public var isInterim: Bool { (status ?? 0) / 100 == 1 }
}

/// How the length of a message body was determined (RFC 9112 §6.3).
public enum HTTPBodyFraming: Sendable, Equatable {
    /// No body: a request without Content-Length or Transfer-Encoding, a response to HEAD, a
    /// 1xx, 204 or 304 response (even when it carries a Content-Length).
    case none
    /// A body of exactly this many bytes.
    case contentLength(Int64)
    /// Transfer-Encoding with chunked last: chunks up to a zero-size chunk and a trailer section.
    case chunked
    /// A response without a length: the body runs until the server closes the connection.
    case untilClose
}

/// One HTTP request or response.
public struct HTTPMessage: Sendable, Equatable {
    public var direction: Direction
    /// Position among the requests (client) or responses (server) of this conversation, from 0.
    /// Every response counts, including interim (1xx) ones.
    public var index: Int
    public var head: HTTPHead
    public var framing: HTTPBodyFraming
    /// Bytes of the body as sent, after removing chunked framing (bytes lost in a capture gap inside
    /// the body count too, since the framing says they were sent).
    public var bodyLength: Int
    /// The body as received, up to `HTTPParserOptions.maxBodyBytesKept` (fewer bytes than
    /// `bodyLength` when capped, cut by a gap, or incomplete).
    public var body: [UInt8]
    /// The body with its `Content-Encoding` (gzip or deflate) removed, when decoding is enabled,
    /// capped at `HTTPParserOptions.maxDecodedBodyBytes`; nil when there is no such coding or it
    /// could not be decoded (see `diagnostics`).
    public var decodedBody: [UInt8]?
    /// Trailer fields after the last chunk (RFC 9112 §7.1.2).
    public var trailers: [HTTPHeader]
    /// Number of chunks carrying data (the final zero-size chunk is not counted); nil unless chunked.
    public var chunks: Int?
    /// Stream offsets of the whole message, head and body (and trailers).
    public var range: Range<Int64>
    /// Stream offsets of the body as on the wire (with chunk framing and trailers); empty, at the end
    /// of the head, when there is no body.
    public var bodyRange: Range<Int64>
    /// Problems found in this message (offsets in this direction's stream).
    public var diagnostics: [StreamDiagnostic]
    /// False when the stream ended, the capture lost bytes (a gap), or the framing broke before the
    /// end of the message.
    public var isComplete: Bool
    /// For a response: index of the request it answers (in this conversation's requests). Several
    /// responses can answer one request (1xx interim responses, then the final one).
    public var answers: Int?

    public init(direction: Direction, index: Int, head: HTTPHead, framing: HTTPBodyFraming, bodyLength: Int,
                body: [UInt8], decodedBody: [UInt8]? = nil, trailers: [HTTPHeader] = [], chunks: Int? = nil,
                range: Range<Int64>, bodyRange: Range<Int64>, diagnostics: [StreamDiagnostic] = [],
                isComplete: Bool, answers: Int? = nil) {
        self.direction = direction
        self.index = index
        self.head = head
        self.framing = framing
        self.bodyLength = bodyLength
        self.body = body
        self.decodedBody = decodedBody
        self.trailers = trailers
        self.chunks = chunks
        self.range = range
        self.bodyRange = bodyRange
        self.diagnostics = diagnostics
        self.isComplete = isComplete
        self.answers = answers
    }

    /// Whether the sender means to keep the connection open after this message (RFC 9112 §9.3):
    /// not with `Connection: close`; HTTP/1.1 by default; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepsAlive: Bool {
        let options = head.headers.listValues("Connection").map { $0.lowercased() }
        if options.contains("close") { return false }
        if head.isHTTP10 { return options.contains("keep-alive") }
        return true
    }
}

/// The connection stops speaking HTTP/1.x: after `101 Switching Protocols` (RFC 9110 §15.2.2,
/// e.g. to WebSocket) or a 2xx answer to CONNECT (a tunnel, RFC 9110 §9.3.6). From the offsets
/// on, each direction's bytes belong to the new protocol; the HTTP parser ignores them.
public struct HTTPUpgrade: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case upgrade, tunnel
    }

    public var kind: Kind
    /// The response's `Upgrade` value (e.g. "websocket"); nil for a tunnel.
    public var protocolName: String?
    /// Client stream offset where the new protocol starts: the end of the request that asked for it.
    public var clientOffset: Int64
    /// Server stream offset where the new protocol starts: the end of the 101 (or 2xx) head.
    public var serverOffset: Int64
    /// The request that asked for the switch, when it was seen.
    public var request: HTTPMessage?
    public var response: HTTPMessage
    /// Bytes from `clientOffset` on that were already fed to the HTTP parser (it held them back
    /// while waiting for the answer); later bytes come in later feeds.
    public var clientBytes: [UInt8]
    /// Bytes from `serverOffset` on that were already fed (e.g. the rest of the 101's segment).
    public var serverBytes: [UInt8]

    public init(kind: Kind, protocolName: String?, clientOffset: Int64, serverOffset: Int64, request: HTTPMessage?,
                response: HTTPMessage, clientBytes: [UInt8], serverBytes: [UInt8]) {
        self.kind = kind
        self.protocolName = protocolName
        self.clientOffset = clientOffset
        self.serverOffset = serverOffset
        self.request = request
        self.response = response
        self.clientBytes = clientBytes
        self.serverBytes = serverBytes
    }
}

/// What the conversation parser reports, in the order things happen.
public enum HTTPEvent: Sendable, Equatable {
    /// A head was parsed; its message follows (as `.message`) when complete. For live views.
    case headComplete(HTTPHead, Direction)
    /// A message ended (complete or not), in order of completion.
    case message(HTTPMessage)
    /// The connection switched protocol; no more HTTP on it.
    case upgraded(HTTPUpgrade)
    /// A problem that belongs to no message (garbage between messages, a gap between messages,
    /// non-HTTP bytes, bytes skipped while resynchronising). Problems in a message are in its
    /// `diagnostics` instead, and are not repeated here.
    case diagnostic(StreamDiagnostic, Direction)
}

/// Limits and switches of the HTTP parser. Hitting a limit is a diagnostic, never a crash.
public struct HTTPParserOptions: Sendable, Equatable {
    /// Largest head (start line, header section, blank line), and largest trailer section.
    public var maxHeadBytes = 65_536
    /// Body bytes kept per message in `HTTPMessage.body`; the rest is counted, not kept.
    public var maxBodyBytesKept = 1_048_576
    /// Decode gzip and deflate `Content-Encoding` into `HTTPMessage.decodedBody`.
    public var decodeContentEncoding = true
    /// Largest decoded body (protects against decompression bombs).
    public var maxDecodedBodyBytes = 8_388_608
    /// Client bytes held back while waiting for the answer to an Upgrade or CONNECT request (those
    /// bytes may already be the new protocol). Beyond it the parser stops waiting and reads them as
    /// HTTP. With the two partial heads (at most `maxHeadBytes` each) this bounds what one
    /// conversation buffers; kept bodies are bounded by `maxBodyBytesKept`.
    public var maxBufferedBytes = 262_144
    /// Requests waiting for their responses (pipelining); older ones are forgotten beyond it.
    public var maxPendingRequests = 1_024
    /// Header fields kept per message (and trailer fields); later ones are counted in a
    /// diagnostic, not kept, so that a head of tiny lines cannot make a huge header list.
    public var maxHeaderCount = 1_000
    /// Longest chunk-size line, chunk extensions included.
    public var maxChunkLineBytes = 4_096

    public init() {}
}
