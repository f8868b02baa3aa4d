/// Parses the display-filter language by recursive descent. Precedence as in tshark 4.0:
/// `or` below `and` below `not`, comparisons binding tightest; parentheses group.
struct FilterParser {
    private var tokens: [FilterToken]
    private var position = 0
    private let catalog: FieldCatalog

    init(_ expression: String, catalog: FieldCatalog) throws(FilterSyntaxError) {
        tokens = try FilterLexer.tokens(expression)
        self.catalog = catalog
    }

    mutating func parse() throws(FilterSyntaxError) -> FilterNode {
        if case .end = current.kind { throw FilterSyntaxError("the filter is empty", column: 0) }
        let node = try disjunction()
        guard case .end = current.kind else { throw unexpected() }
        return node
    }

    private var current: FilterToken { tokens[position] }

    private mutating func advance() -> FilterToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func unexpected() -> FilterSyntaxError {
        if case .end = current.kind {
            return FilterSyntaxError("the filter ends too soon", column: current.column)
        }
        return FilterSyntaxError("\"\(current.text)\" was unexpected in this context", column: current.column,
                                 length: current.text.count)
    }

    private mutating func disjunction() throws(FilterSyntaxError) -> FilterNode {
        var node = try conjunction()
        while case .or = current.kind {
            _ = advance()
            node = .or(node, try conjunction())
        }
        return node
    }

    private mutating func conjunction() throws(FilterSyntaxError) -> FilterNode {
        var node = try negation()
        while case .and = current.kind {
            _ = advance()
            node = .and(node, try negation())
        }
        return node
    }

    private mutating func negation() throws(FilterSyntaxError) -> FilterNode {
        if case .not = current.kind {
            _ = advance()
            return .not(try negation())
        }
        return try test()
    }

    private mutating func test() throws(FilterSyntaxError) -> FilterNode {
        if case .openParen = current.kind {
            let open = advance()
            let node = try disjunction()
            guard case .closeParen = current.kind else {
                if case .end = current.kind {
                    throw FilterSyntaxError("the parenthesis is never closed", column: open.column)
                }
                throw unexpected()
            }
            _ = advance()
            return node
        }
        let left = try operand(leftSide: true)
        switch current.kind {
        case .relation(let relation):
            _ = advance()
            let right = try operand()
            if case .literal = left, case .literal = right {
                throw FilterSyntaxError("a comparison needs a field on one side", column: tokens[position - 1].column)
            }
            if case .literal = left { return .compare(right, relation.swapped, left) }
            return .compare(left, relation, right)
        case .contains:
            _ = advance()
            return .contains(try fieldSide(left), try operand())
        case .matches:
            let keyword = advance()
            let side = try fieldSide(left)
            guard case .string(let source) = current.kind else {
                throw FilterSyntaxError("matches takes a regular expression in double quotes", column: current.column,
                                        length: max(1, current.text.count))
            }
            let token = advance()
            do {
                return .matches(side, FilterPattern(regex: try Regex(source), source: source))
            } catch {
                _ = keyword
                throw FilterSyntaxError("\"\(source)\" is not a valid regular expression", column: token.column, length: token.text.count)
            }
        case .in:
            _ = advance()
            return .member(try fieldSide(left), try members())
        default:
            guard case .field(let reference) = left else {
                throw FilterSyntaxError("\"\(tokens[position - 1].text)\" is a value, not a field: compare a field with it",
                                        column: tokens[position - 1].column, length: tokens[position - 1].text.count)
            }
            return .exists(reference)
        }
    }

    /// The left side of `contains`, `matches` and `in` must be a field.
    private func fieldSide(_ operand: Operand) throws(FilterSyntaxError) -> Operand {
        if case .literal(let literal) = operand {
            throw FilterSyntaxError("the left side must be a field, not \"\(literal.text)\"", column: literal.column,
                                    length: literal.text.count)
        }
        return operand
    }

    private mutating func members() throws(FilterSyntaxError) -> [SetMember] {
        guard case .openBrace = current.kind else {
            throw FilterSyntaxError("in takes a set: {a, b, c..d}", column: current.column, length: max(1, current.text.count))
        }
        _ = advance()
        var members: [SetMember] = []
        while true {
            let first = try operand()
            if case .range = current.kind {
                _ = advance()
                guard case .literal(let low) = first, case .literal(let high) = try operand() else {
                    throw FilterSyntaxError("a range in a set joins two values: {1..5}", column: tokens[position - 1].column)
                }
                members.append(.range(low, high))
            } else {
                members.append(.value(first))
            }
            switch current.kind {
            case .comma: _ = advance()
            case .closeBrace: _ = advance(); return members
            case .end: throw FilterSyntaxError("the set is never closed: add }", column: current.column)
            default:
                // tshark 4.0 wants commas between members.
                throw FilterSyntaxError("\"\(current.text)\" was unexpected in this context: separate the members of a set with commas",
                                        column: current.column, length: current.text.count)
            }
        }
    }

    /// A field (perhaps sliced), a quoted string, or an unquoted value. An unknown name is an
    /// error where only a field can stand (first in a test), or where it looks like one.
    private mutating func operand(leftSide: Bool = false) throws(FilterSyntaxError) -> Operand {
        let token = current
        switch token.kind {
        case .string(let text):
            _ = advance()
            return .literal(FilterLiteral(text: text, quoted: true, column: token.column))
        case .word(let word):
            _ = advance()
            if let keys = catalog.keys(for: word) {
                var reference = FieldReference(name: word, slice: nil, column: token.column, keys: keys)
                if case .openBracket = current.kind { reference.slice = try slice() }
                return .field(reference)
            }
            if leftSide ? FilterLiteral.couldBeField(word) : FilterLiteral.looksLikeField(word) {
                throw FilterSyntaxError(catalog.unknownFieldMessage(word), column: token.column, length: word.count)
            }
            return .literal(FilterLiteral(text: word, quoted: false, column: token.column))
        default:
            throw unexpected()
        }
    }

    private mutating func slice() throws(FilterSyntaxError) -> ByteSlice {
        let open = advance()
        guard case .word(let text) = current.kind, let slice = ByteSlice(text) else {
            throw FilterSyntaxError("a slice is [i], [i:n], [i-j], [i:] or [:n]", column: current.column,
                                    length: max(1, current.text.count))
        }
        _ = advance()
        guard case .closeBracket = current.kind else {
            throw FilterSyntaxError("the slice is never closed: add ]", column: open.column)
        }
        _ = advance()
        return slice
    }
}

extension ByteSlice {
    /// `0`, `0:2`, `1-3`, `2:`, `:2`, `-1`.
    init?(_ text: String) {
        if let colon = text.firstIndex(of: ":") {
            let start = text[..<colon], length = text[text.index(after: colon)...]
            guard let first = start.isEmpty ? 0 : Int(start) else { return nil }
            if length.isEmpty { self.init(start: first, length: nil); return }
            guard let count = Int(length), count >= 0 else { return nil }
            self.init(start: first, length: count)
        } else if let dash = text.dropFirst().firstIndex(of: "-") {
            guard let first = Int(text[..<dash]), let last = Int(text[text.index(after: dash)...]), first >= 0, last >= first else { return nil }
            self.init(start: first, length: last - first + 1)
        } else {
            guard let index = Int(text) else { return nil }
            self.init(start: index, length: 1)
        }
    }
}

extension FilterLiteral {
    /// A word that starts with a letter and is no byte string or IPv6 address (`tcpp`).
    static func couldBeField(_ word: String) -> Bool {
        word.first?.isLetter == true && !word.contains(":") && !["true", "false"].contains(word.lowercased())
    }

    /// Dotted words that each start with a letter (`tcp.dstprot`), unlike values (`10.0.0.1`, `GET`).
    static func looksLikeField(_ word: String) -> Bool {
        couldBeField(word) && word.contains(".") && !word.contains("/")
            && word.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { $0.first?.isLetter == true }
    }
}
