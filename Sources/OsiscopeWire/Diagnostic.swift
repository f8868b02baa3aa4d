/// A problem or notable fact found while decoding. Decoding never throws: it says what it saw.
public struct Diagnostic: Sendable, Equatable {
    public enum Severity: String, Sendable, Comparable {
        case note, warning, error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            let order: [Severity] = [.note, .warning, .error]
            return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
        }
    }

    public var severity: Severity
    /// A stable key in Wireshark's expert-info style, e.g. "ip.checksum.bad" or "wire.truncated".
    public var key: String
    public var message: String
    public var offset: Int?
    public var length: Int?

    public init(_ severity: Severity, _ key: String, _ message: String, offset: Int? = nil, length: Int? = nil) {
        self.severity = severity
        self.key = key
        self.message = message
        self.offset = offset
        self.length = length
    }
}
