import OsiscopeWire

/// Rejects values that can never match the field they are compared with (`tcp.port == http`),
/// as tshark does, pointing at the value: a filter that silently matches nothing misleads.
enum FilterTypeCheck {
    static func check(_ node: FilterNode, catalog: FieldCatalog) throws(FilterSyntaxError) {
        switch node {
        case .exists, .matches, .contains: return
        case .not(let inner): try check(inner, catalog: catalog)
        case .and(let left, let right), .or(let left, let right):
            try check(left, catalog: catalog)
            try check(right, catalog: catalog)
        case .compare(let left, _, let right):
            try check(left, right, catalog: catalog)
        case .member(let left, let members):
            for member in members {
                switch member {
                case .value(let value): try check(left, value, catalog: catalog)
                case .range(let low, let high):
                    try check(left, .literal(low), catalog: catalog)
                    try check(left, .literal(high), catalog: catalog)
                }
            }
        }
    }

    private static func check(_ field: Operand, _ value: Operand, catalog: FieldCatalog) throws(FilterSyntaxError) {
        guard case .field(let reference) = field, reference.slice == nil, case .literal(let literal) = value,
              let descriptor = catalog.descriptor(for: reference.name) else { return }
        switch descriptor.format {
        case .decimal, .hex, .flag, .check:
            if IntegerLiteral.parse(literal.text) != nil || Double(literal.text) != nil { return }
            if case .hex = descriptor.format, ByteString.parse(literal.text) != nil { return }
            if descriptor.names != nil { return }
            let kind = descriptor.format == .flag || descriptor.format == .check ? "a boolean (0, 1, true, false)" : "a number"
            throw FilterSyntaxError("\"\(literal.text)\" is not a valid value for \(reference.name), which is \(kind)",
                                    column: literal.column + (literal.quoted ? 1 : 0), length: literal.text.count)
        default:
            return
        }
    }
}
