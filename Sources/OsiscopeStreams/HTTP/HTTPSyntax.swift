import OsiscopeWire
/// Byte-level grammar of HTTP/1.x (RFC 9112, RFC 9110 §5.6): start lines, field lines, chunk
/// sizes. Pure functions over byte slices; nothing here allocates except to build strings.
enum HTTPSyntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let ht: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B

    /// Longest method accepted. Standard methods are at most 17 bytes ("UPDATEREDIRECTREF");
    /// a bound lets non-HTTP bytes be told apart after a few bytes.
    static let maxMethodLength = 32
    /// Lines longer than this are not considered as start lines while resynchronising.
    static let maxResyncLineLength = 8_192

    /// tchar (RFC 9110 §5.6.2): the characters of a token (method, field name).
    static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The bytes of a line without its line ending, and whether it ended with a bare LF (no CR).
    /// `line` must end with LF.
    static func content(of line: ArraySlice<UInt8>) -> (content: ArraySlice<UInt8>, bareLF: Bool) {
        var end = line.index(before: line.endIndex)
        if end > line.startIndex && line[line.index(before: end)] == cr {
            end = line.index(before: end)
            return (line[line.startIndex..<end], false)
        }
        return (line[line.startIndex..<end], true)
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == sp || first == ht { slice = slice.dropFirst() }
        while let last = slice.last, last == sp || last == ht { slice = slice.dropLast() }
        return slice
    }

    // MARK: Start lines (RFC 9112 §3, §4)

    struct RequestLine: Equatable {
        var method: String
        var uri: String
        var version: String
    }

    struct StatusLine: Equatable {
        var version: String
        var status: Int
        var reason: String
    }

    /// "HTTP/1.n" (RFC 9112 §2.3); other major versions are not HTTP/1.x.
    static func isVersion1(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count == 8 else { return false }
        return bytes.starts(with: "HTTP/1.".utf8) && isDigit(bytes[bytes.index(bytes.startIndex, offsetBy: 7)])
    }

    /// request-line = method SP request-target SP HTTP-version (RFC 9112 §3). With `strict`
    /// (used to find a message again after damage), the method must look like a registered one:
    /// uppercase letters, digits, "-" and "_".
    static func requestLine(_ content: ArraySlice<UInt8>, strict: Bool = false) -> RequestLine? {
        guard let firstSpace = content.firstIndex(of: sp) else { return nil }
        let method = content[content.startIndex..<firstSpace]
        guard !method.isEmpty, method.count <= maxMethodLength, method.allSatisfy(isTokenChar) else { return nil }
        if strict {
            guard method.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || isDigit($0) || $0 == 0x2D || $0 == 0x5F }),
                  let first = method.first, first >= 0x41 && first <= 0x5A else { return nil }
        }
        let rest = content[content.index(after: firstSpace)...]
        guard let secondSpace = rest.firstIndex(of: sp) else { return nil }
        let target = rest[rest.startIndex..<secondSpace]
        // request-target: visible characters (obs-text tolerated), no whitespace or controls.
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return nil }
        let version = rest[rest.index(after: secondSpace)...]
        guard isVersion1(version) else { return nil }
        return RequestLine(method: string(method), uri: string(target), version: string(version))
    }

    /// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4). A missing
    /// SP after the code is tolerated (some servers send "HTTP/1.1 200").
    static func statusLine(_ content: ArraySlice<UInt8>) -> StatusLine? {
        guard content.count >= 12 else { return nil }
        let start = content.startIndex
        let version = content[start..<start + 8]
        guard isVersion1(version), content[start + 8] == sp else { return nil }
        let code = content[start + 9..<start + 12]
        guard code.allSatisfy(isDigit), let status = Int(string(code)), status >= 100 else { return nil }
        let rest = content[(start + 12)...]
        var reason = ""
        if let first = rest.first {
            guard first == sp else { return nil }
            let phrase = rest.dropFirst()
            // reason-phrase = *( HTAB / SP / VCHAR / obs-text )
            guard phrase.allSatisfy({ $0 == ht || ($0 >= 0x20 && $0 != 0x7F) }) else { return nil }
            reason = string(phrase)
        }
        return StatusLine(version: string(version), status: status, reason: reason)
    }

    /// Whether `bytes` begin with a whole HTTP/1.x method (upper-case letters) or status-line
    /// version and the space after it: proof enough that a stream is HTTP and not, say,
    /// WebSocket frames, whose first bytes may be token characters too.
    static func startsLikeHTTP(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let space = bytes.prefix(maxMethodLength + 1).firstIndex(of: sp), space > bytes.startIndex else { return false }
        let line = bytes.prefix(upTo: space + 1)
        if line.count == 9 && isPlausibleStart(line, kind: .response) { return true }
        return isPlausibleStart(line, kind: .request) && bytes[..<space].allSatisfy { $0 >= 0x41 && $0 <= 0x5A }
    }

    /// Whether `prefix` (the first bytes of a stream, possibly a partial line) can still be the
    /// beginning of a start line of this kind. False means: these bytes are not HTTP/1.x.
    static func isPlausibleStart(_ prefix: ArraySlice<UInt8>, kind: HTTPHead.Kind) -> Bool {
        switch kind {
        case .request:
            for (position, byte) in prefix.enumerated() {
                if byte == sp { return position > 0 }
                if position >= maxMethodLength || !isTokenChar(byte) { return false }
            }
            return true
        case .response:
            let expected = Array("HTTP/1.".utf8)
            for (position, byte) in prefix.enumerated() {
                switch position {
                case 0..<7: if byte != expected[position] { return false }
                case 7: if !isDigit(byte) { return false }
                case 8: return byte == sp
                default: return true
                }
            }
            return true
        }
    }

    // MARK: Field lines (RFC 9112 §5)

    enum FieldLine {
        case field(HTTPHeader, problem: String?)
        case invalid(String)
    }

    /// field-line = field-name ":" OWS field-value OWS
    static func fieldLine(_ content: ArraySlice<UInt8>) -> FieldLine {
        guard let colon = content.firstIndex(of: colon) else { return .invalid("a header line without a colon") }
        var name = content[content.startIndex..<colon]
        var problem: String?
        if let last = name.last, last == sp || last == ht {
            // RFC 9112 §5.1: no whitespace is allowed between the field name and colon.
            problem = "whitespace between the header name and the colon"
            name = trimmed(name)
        }
        guard !name.isEmpty, name.allSatisfy(isTokenChar) else {
            return .invalid("a header name that is not a token")
        }
        let value = trimmed(content[content.index(after: colon)...])
        return .field(HTTPHeader(string(name), string(value)), problem: problem)
    }

    // MARK: Chunked transfer coding (RFC 9112 §7.1)

    /// chunk-size [ chunk-ext ]: the size, or nil when the line is not valid. Chunk extensions
    /// (";name=value") are accepted and skipped.
    static func chunkSize(_ content: ArraySlice<UInt8>) -> (size: Int64, hasExtensions: Bool)? {
        var size: Int64 = 0
        var digits = 0
        var index = content.startIndex
        while index < content.endIndex, let digit = hexValue(content[index]) {
            // 15 hex digits always fit in Int64; more than that is refused rather than wrapped.
            guard size <= (Int64.max - digit) / 16 else { return nil }
            size = size * 16 + digit
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        while index < content.endIndex, content[index] == sp || content[index] == ht { index += 1 }
        if index == content.endIndex { return (size, false) }
        guard content[index] == semicolon else { return nil }
        return (size, true)
    }

    static func hexValue(_ byte: UInt8) -> Int64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int64(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Content-Length (RFC 9110 §8.6): 1*DIGIT; a list of identical values (from repeated fields
    /// or "42, 42") is accepted as that value. Nil when invalid or conflicting.
    static func contentLength(_ values: [String]) -> Int64? {
        var result: Int64?
        for value in values {
            for item in value.split(separator: ",", omittingEmptySubsequences: false) {
                let text = item.trimmingCharacters(in: " \t")
                guard !text.isEmpty, text.count <= 18, text.utf8.allSatisfy(isDigit), let number = Int64(text) else {
                    return nil
                }
                if let result, result != number { return nil }
                result = number
            }
        }
        return result
    }
}
