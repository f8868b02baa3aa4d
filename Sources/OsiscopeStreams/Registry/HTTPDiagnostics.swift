import OsiscopeWire
/// The diagnostics of HTTP/1.x, like Wireshark's expert-info rows: each key defined once,
/// with its severity and what it means; decoders add the particulars.
enum HTTPDiagnostics {
    static let contentEncodingUnsupported = DiagnosticDescriptor("http.content_encoding.unsupported", .note,
        "this Content-Encoding is not decoded (only one gzip, x-gzip or deflate coding is): the body is kept as sent")
    static let contentEncodingRawDeflate = DiagnosticDescriptor("http.content_encoding.raw_deflate", .note,
        "the deflate body has no zlib header (raw DEFLATE); decoded anyway")
    static let contentEncodingLimit = DiagnosticDescriptor("http.content_encoding.limit", .warning,
        "the decoded body was cut at … bytes")
    static let contentEncodingInvalid = DiagnosticDescriptor("http.content_encoding.invalid", .warning,
        "the … body could not be decoded: …")
    static let contentEncodingPartial = DiagnosticDescriptor("http.content_encoding.partial", .note,
        "only part of the body was available, so only part of it was decoded")
    static let upgradeUnanswered = DiagnosticDescriptor("http.upgrade.unanswered", .warning,
        "more than … bytes followed a request that may switch protocols")
    static let pairingOverflow = DiagnosticDescriptor("http.pairing.overflow", .warning,
        "more than … requests wait for responses; the oldest is forgotten")
    static let responseUnsolicited = DiagnosticDescriptor("http.response.unsolicited", .note,
        "no request is known for this response")
    static let pairingUncertain = DiagnosticDescriptor("http.pairing.uncertain", .note,
        "messages were lost earlier on this connection, so this response may answer another request")
    static let contentLengthIgnored = DiagnosticDescriptor("http.content_length.ignored", .warning,
        "both Transfer-Encoding and Content-Length: Transfer-Encoding wins (RFC 9112 §6.3),")
    static let transferEncodingInvalid = DiagnosticDescriptor("http.transfer_encoding.invalid", .error,
        "chunked is not the last transfer coding of this request, so its length cannot be known")
    static let contentLengthInvalid = DiagnosticDescriptor("http.content_length.invalid", .error,
        "the Content-Length is not one valid number, so the body length cannot be known")
    static let upgradeUnrequested = DiagnosticDescriptor("http.upgrade.unrequested", .warning,
        "101 Switching Protocols without a known request asking for an Upgrade")
    static let upgradeRequestIncomplete = DiagnosticDescriptor("http.upgrade.request_incomplete", .warning,
        "the server switched protocols before the end of this request")
    static let requestUnanswered = DiagnosticDescriptor("http.request.unanswered", .note,
        "… request(s) got no response before … (request …)")
    static let resync = DiagnosticDescriptor("http.resync", .note,
        "skipped … bytes to the next …")
    static let trailersTooLarge = DiagnosticDescriptor("http.trailers.too_large", .error,
        "the trailer section is larger than … bytes")
    static let chunkSizeInvalid = DiagnosticDescriptor("http.chunk_size.invalid", .error,
        "a chunk-size line longer than … bytes")
    static let chunkMissingCrlf = DiagnosticDescriptor("http.chunk.missing_crlf", .error,
        "the chunk data is not followed by CRLF: the chunk size does not match the data")
    static let headersTooMany = DiagnosticDescriptor("http.headers.too_many", .warning,
        "more header fields than the limit: the later ones are not kept")
    static let headerInvalid = DiagnosticDescriptor("http.header.invalid", .warning,
        "a line starting with whitespace before any header; ignored")
    static let headerObsFold = DiagnosticDescriptor("http.header.obs_fold", .note,
        "obsolete line folding (RFC 9112 §5.2): the line continues the previous header")
    static let bodyTruncated = DiagnosticDescriptor("http.body.truncated", .note,
        "only the first … bytes of the body are kept")
    static let gap = DiagnosticDescriptor("http.gap", .warning,
        "… bytes were not captured")
    static let messageIncomplete = DiagnosticDescriptor("http.message.incomplete", .warning,
        "the message was not complete when the stream ended or bytes were lost")
    static let lineBareLf = DiagnosticDescriptor("http.line.bare_lf", .warning,
        "a line ends with a bare LF instead of CRLF (tolerated, RFC 9112 §2.2)")
    static let notHttp = DiagnosticDescriptor("http.not_http", .note,
        "the …'s first bytes are not …: this connection is not decoded as HTTP")
    static let headTooLarge = DiagnosticDescriptor("http.head.too_large", .error,
        "the head is larger than … bytes; skipping to the next message")

    static let all: [DiagnosticDescriptor] = [
        contentEncodingUnsupported, contentEncodingRawDeflate, contentEncodingLimit, contentEncodingInvalid, contentEncodingPartial, upgradeUnanswered, pairingOverflow, responseUnsolicited, pairingUncertain, contentLengthIgnored, transferEncodingInvalid, contentLengthInvalid, upgradeUnrequested, upgradeRequestIncomplete, requestUnanswered, resync, trailersTooLarge, chunkSizeInvalid, chunkMissingCrlf, headersTooMany, headerInvalid, headerObsFold, bodyTruncated, gap, messageIncomplete, lineBareLf, notHttp, headTooLarge,
    ]
}
