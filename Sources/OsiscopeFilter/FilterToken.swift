/// One token of a display-filter expression and where it starts (a column, counted in
/// characters from 0), so an error can point at it.
struct FilterToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A field name or an unquoted value: `tcp.port`, `80`, `10.0.0.0/8`, `aa:bb:cc`, `true`.
        case word(String)
        /// A quoted string, escapes resolved.
        case string(String)
        case relation(Relation)
        case and, or, not
        case contains, matches, `in`
        case openParen, closeParen, openBrace, closeBrace, openBracket, closeBracket, comma
        /// Two dots between the ends of a range in a set: `{1..5}`.
        case range
        case end
    }

    var kind: Kind
    var column: Int
    /// The characters as typed (for "… was unexpected" messages).
    var text: String
}

/// The comparisons, in the symbolic and the English spelling tshark accepts.
public enum Relation: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    static let words: [String: Relation] = ["eq": .equal, "ne": .notEqual, "lt": .less, "le": .lessOrEqual,
                                            "gt": .greater, "ge": .greaterOrEqual]

    /// The relation with its sides swapped (`80 < tcp.port` is `tcp.port > 80`).
    var swapped: Relation {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        }
    }
}
