/// A display filter as parsed: what each part tests, with the columns of its names and values
/// kept for error messages.
public indirect enum FilterNode: Sendable {
    /// The field or protocol is present.
    case exists(FieldReference)
    case compare(Operand, Relation, Operand)
    case contains(Operand, Operand)
    case matches(Operand, FilterPattern)
    case member(Operand, [SetMember])
    case not(FilterNode)
    case and(FilterNode, FilterNode)
    case or(FilterNode, FilterNode)
}

/// A field named in a filter, perhaps sliced (`eth.src[0:3]`), resolved to the fields that
/// hold its values (`tcp.port` is `tcp.srcport` and `tcp.dstport`).
public struct FieldReference: Sendable {
    public var name: String
    public var slice: ByteSlice?
    var column: Int
    /// The keys whose occurrences are this field's values.
    public var keys: [String]
}

/// Bytes of a value: `[i]`, `[i:n]` (n bytes from i), `[i-j]` (i to j), `[i:]`, `[:n]`;
/// a negative start counts from the end.
public struct ByteSlice: Sendable, Equatable {
    public var start: Int
    /// nil: to the end.
    public var length: Int?

    func apply(_ bytes: [UInt8]) -> [UInt8]? {
        let first = start < 0 ? bytes.count + start : start
        guard first >= 0, first <= bytes.count else { return nil }
        let end = length.map { first + $0 } ?? bytes.count
        guard end <= bytes.count, end >= first else { return nil }
        return Array(bytes[first..<end])
    }
}

/// One side of a comparison.
public enum Operand: Sendable {
    case field(FieldReference)
    case literal(FilterLiteral)
}

/// A value as written: its meaning (number, address, bytes, string) depends on the field it
/// is compared with.
public struct FilterLiteral: Sendable {
    public var text: String
    /// Written between quotes: always a string (or, against a field with value names, a name).
    public var quoted: Bool
    var column: Int
}

/// A member of `in {…}`: a value or a range of values.
public enum SetMember: Sendable {
    case value(Operand)
    case range(FilterLiteral, FilterLiteral)
}

/// The regular expression of `matches`, compiled once.
public struct FilterPattern: @unchecked Sendable {
    // Regex holds no shared mutable state; it is only read after compiling.
    let regex: Regex<AnyRegexOutput>
    public let source: String
}
