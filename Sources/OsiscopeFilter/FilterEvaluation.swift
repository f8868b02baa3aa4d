/// Evaluates a parsed filter, with Wireshark's meaning for fields that occur several times:
/// a test holds when any occurrence satisfies it, except `!=`, which holds when the field is
/// present and no occurrence equals the value (tshark 4.0's "all not equal").
enum FilterEvaluation {
    static func evaluate(_ node: FilterNode, _ subject: some FilterSubject) -> Bool {
        switch node {
        case .exists(let reference):
            return reference.keys.contains { !subject.occurrences(of: $0).isEmpty }
        case .not(let inner):
            return !evaluate(inner, subject)
        case .and(let left, let right):
            return evaluate(left, subject) && evaluate(right, subject)
        case .or(let left, let right):
            return evaluate(left, subject) || evaluate(right, subject)
        case .compare(let left, .notEqual, let right):
            let values = sides(left, subject)
            return !values.isEmpty && !values.contains { value in equal(value, right, subject) }
        case .compare(let left, let relation, let right):
            return sides(left, subject).contains { value in
                compare(value, relation, right, subject)
            }
        case .contains(let left, let right):
            return sides(left, subject).contains { value in
                guard let haystack = value.haystack else { return false }
                return needles(right, subject).contains { haystack.contains(sequence: $0) }
            }
        case .matches(let left, let pattern):
            return sides(left, subject).contains { value in
                guard let text = value.occurrence.text else { return false }
                return (try? pattern.regex.ignoresCase().firstMatch(in: text)) != nil
            }
        case .member(let left, let members):
            return sides(left, subject).contains { value in
                members.contains { member in
                    switch member {
                    case .value(let operand): equal(value, operand, subject)
                    case .range(let low, let high):
                        compare(value, .greaterOrEqual, .literal(low), subject)
                            && compare(value, .lessOrEqual, .literal(high), subject)
                    }
                }
            }
        }
    }

    /// One occurrence of a field as a comparison sees it: sliced when the filter slices it.
    struct Value {
        var occurrence: FilterOccurrence
        var slice: ByteSlice?

        /// Bytes when sliced (nil when the slice is out of range), else nothing.
        var slicedBytes: [UInt8]? { slice.flatMap { slice in occurrence.bytes.flatMap(slice.apply) } }

        /// What `contains` searches: bytes, or the UTF-8 of text.
        var haystack: [UInt8]? {
            if slice != nil { return slicedBytes }
            switch occurrence.value {
            case .bytes(let bytes): return bytes
            case .text(let text): return Array(text.utf8)
            default: return occurrence.bytes
            }
        }
    }

    private static func sides(_ operand: Operand, _ subject: some FilterSubject) -> [Value] {
        guard case .field(let reference) = operand else { return [] }
        return reference.keys.flatMap { key in
            subject.occurrences(of: key).map { Value(occurrence: $0, slice: reference.slice) }
        }
    }

    private static func needles(_ operand: Operand, _ subject: some FilterSubject) -> [[UInt8]] {
        switch operand {
        case .literal(let literal):
            return [literal.quoted ? Array(literal.text.utf8) : ByteString.parse(literal.text) ?? Array(literal.text.utf8)]
        case .field:
            return sides(operand, subject).compactMap(\.haystack)
        }
    }

    private static func equal(_ value: Value, _ other: Operand, _ subject: some FilterSubject) -> Bool {
        compare(value, .equal, other, subject)
    }

    private static func compare(_ value: Value, _ relation: Relation, _ other: Operand, _ subject: some FilterSubject) -> Bool {
        switch other {
        case .literal(let literal): return compare(value, relation, literal)
        case .field:
            return sides(other, subject).contains { compare(value, relation, $0) }
        }
    }

    /// A field against a value written in the filter, read as the field's type asks.
    static func compare(_ value: Value, _ relation: Relation, _ literal: FilterLiteral) -> Bool {
        if value.slice != nil {
            guard let bytes = value.slicedBytes, let wanted = literalBytes(literal) else { return false }
            return ordered(bytes.lexicographicallyPrecedes(wanted), bytes == wanted, relation)
        }
        let occurrence = value.occurrence
        switch occurrence.scalar {
        case .integer(let number)?:
            if !literal.quoted, let wanted = IntegerLiteral.parse(literal.text) {
                return ordered(number < wanted, number == wanted, relation)
            }
            if !literal.quoted, let wanted = Double(literal.text) {
                return ordered(Double(number) < wanted, Double(number) == wanted, relation)
            }
            if let name = occurrence.valueName, relation == .equal {
                return ValueNames.matches(name, literal.text)
            }
            if !literal.quoted, let bytes = occurrence.bytes, let wanted = ByteString.parse(literal.text), literal.text.contains(":") {
                return ordered(bytes.lexicographicallyPrecedes(wanted), bytes == wanted, relation)
            }
            return false
        case .real(let number)?:
            guard let wanted = Double(literal.text) else { return false }
            return ordered(number < wanted, number == wanted, relation)
        case .text(let text)?:
            if !literal.quoted, let network = AddressLiteral(literal.text), let address = AddressLiteral(text), address.prefix == nil {
                if relation == .equal { return network.contains(address.bytes) }
                return ordered(address.bytes.lexicographicallyPrecedes(network.bytes), address.bytes == network.bytes, relation)
            }
            if !literal.quoted, let mac = ByteString.parse(text), mac.count == 6, let wanted = ByteString.parse(literal.text) {
                return ordered(mac.lexicographicallyPrecedes(wanted), mac == wanted, relation)
            }
            // A number carried as text (a message's time_since_request) compares as a number.
            if !literal.quoted, let wanted = Double(literal.text), let number = Double(text) {
                return ordered(number < wanted, number == wanted, relation)
            }
            let have = Array(text.utf8), wanted = Array(literal.text.utf8)
            return ordered(have.lexicographicallyPrecedes(wanted), have == wanted, relation)
        case .bytes(let bytes)?:
            guard let wanted = literalBytes(literal) else { return false }
            return ordered(bytes.lexicographicallyPrecedes(wanted), bytes == wanted, relation)
        case nil:
            return false
        }
    }

    /// Two fields compared: numbers as numbers, addresses as addresses, else bytes or text.
    private static func compare(_ left: Value, _ relation: Relation, _ right: Value) -> Bool {
        if left.slice != nil || right.slice != nil {
            guard let a = left.slicedBytes ?? left.occurrence.bytes, let b = right.slicedBytes ?? right.occurrence.bytes else { return false }
            return ordered(a.lexicographicallyPrecedes(b), a == b, relation)
        }
        switch (left.occurrence.scalar, right.occurrence.scalar) {
        case (.integer(let a)?, .integer(let b)?): return ordered(a < b, a == b, relation)
        case (.real(let a)?, .real(let b)?): return ordered(a < b, a == b, relation)
        case (.integer(let a)?, .real(let b)?): return ordered(Double(a) < b, Double(a) == b, relation)
        case (.real(let a)?, .integer(let b)?): return ordered(a < Double(b), a == Double(b), relation)
        case (.text?, .text?), (.bytes?, .bytes?), (.text?, .bytes?), (.bytes?, .text?):
            guard let a = left.occurrence.bytes, let b = right.occurrence.bytes else { return false }
            return ordered(a.lexicographicallyPrecedes(b), a == b, relation)
        default: return false
        }
    }

    private static func literalBytes(_ literal: FilterLiteral) -> [UInt8]? {
        literal.quoted ? Array(literal.text.utf8) : ByteString.parse(literal.text)
    }

    private static func ordered(_ less: Bool, _ equal: Bool, _ relation: Relation) -> Bool {
        switch relation {
        case .equal: equal
        case .notEqual: !equal
        case .less: less
        case .lessOrEqual: less || equal
        case .greater: !less && !equal
        case .greaterOrEqual: !less
        }
    }
}

extension Array where Element == UInt8 {
    /// True when `needle` occurs in the array (an empty needle always does).
    func contains(sequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= count else { return false }
        let first = needle[0]
        var index = 0
        while index <= count - needle.count {
            if self[index] == first, self[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
