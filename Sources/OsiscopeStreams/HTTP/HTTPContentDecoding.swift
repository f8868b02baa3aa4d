import OsiscopeWire
/// Removes a gzip or deflate `Content-Encoding` (RFC 9110 §8.4.1) from a finished message's kept
/// body, into `decodedBody`, never producing more than the configured cap.
enum HTTPContentDecoding {
    static func decode(_ message: inout HTTPMessage, options: HTTPParserOptions) {
        guard options.decodeContentEncoding, !message.body.isEmpty else { return }
        let codings = message.head.headers.listValues("Content-Encoding")
            .map { $0.lowercased() }
            .filter { $0 != "identity" }
        guard let coding = codings.last else { return }
        let range = message.bodyRange
        guard codings.count == 1, ["gzip", "x-gzip", "deflate"].contains(coding) else {
            message.diagnostics.append(StreamDiagnostic(
                HTTPDiagnostics.contentEncodingUnsupported,
                "Content-Encoding \(codings.joined(separator: ", ")) is not decoded (only a single gzip or deflate is)",
                streamRange: range))
            return
        }
        let limit = options.maxDecodedBodyBytes
        var output: [UInt8] = []
        var outcome = Inflater(format: .zlibOrGzip).inflate(message.body, into: &output, limit: limit)
        if case .failed = outcome, coding == "deflate" {
            // Some servers send raw DEFLATE without the zlib wrapper that "deflate" means.
            var raw: [UInt8] = []
            let rawOutcome = Inflater(format: .raw).inflate(message.body, into: &raw, limit: limit)
            if !isFailure(rawOutcome) {
                output = raw
                outcome = rawOutcome
                message.diagnostics.append(StreamDiagnostic(
                    HTTPDiagnostics.contentEncodingRawDeflate,
                    "the deflate body has no zlib header (raw DEFLATE); decoded anyway", streamRange: range))
            }
        }
        switch outcome {
        case .ok:
            message.decodedBody = output
        case .limitReached:
            message.decodedBody = output
            message.diagnostics.append(StreamDiagnostic(
                HTTPDiagnostics.contentEncodingLimit,
                "the decoded body was cut at \(limit) bytes", streamRange: range))
        case .failed(let reason):
            message.diagnostics.append(StreamDiagnostic(
                HTTPDiagnostics.contentEncodingInvalid,
                "the \(coding) body could not be decoded: \(reason)", streamRange: range))
            return
        }
        if message.body.count < message.bodyLength || !message.isComplete {
            message.diagnostics.append(StreamDiagnostic(
                HTTPDiagnostics.contentEncodingPartial,
                "only part of the body was available, so only part of it was decoded", streamRange: range))
        }
    }

    private static func isFailure(_ outcome: Inflater.Outcome) -> Bool {
        if case .failed = outcome { return true }
        return false
    }
}
