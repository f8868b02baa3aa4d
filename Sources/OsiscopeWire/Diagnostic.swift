/// A kind of problem a decoder can report, as listed by `osiscope fields`: its stable key,
/// its severity, and what it means in general.
public struct DiagnosticDescriptor: Sendable {
    public let key: String
    public let severity: Diagnostic.Severity
    public let summary: String

    public init(_ key: String, _ severity: Diagnostic.Severity, _ summary: String) {
        self.key = key
        self.severity = severity
        self.summary = summary
    }

    /// The same kind at another severity, where the context makes it milder (a reserved
    /// opcode that a negotiated extension may define).
    public func at(_ severity: Diagnostic.Severity) -> DiagnosticDescriptor {
        DiagnosticDescriptor(key, severity, summary)
    }
}

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

    /// A problem of a kind listed in a protocol's registry, with what this occurrence says.
    public init(_ kind: DiagnosticDescriptor, _ message: String, offset: Int? = nil, length: Int? = nil) {
        self.init(kind.severity, kind.key, message, offset: offset, length: length)
    }

    /// For comparisons in tests; decoders name a `DiagnosticDescriptor` instead.
    public init(_ severity: Severity, _ key: String, _ message: String, offset: Int? = nil, length: Int? = nil) {
        self.severity = severity
        self.key = key
        self.message = message
        self.offset = offset
        self.length = length
    }
}
