/// A compiled display filter: `-Y` of every command, lesson answers and the explorer's box.
public struct DisplayFilter: Sendable {
    public let expression: String
    let root: FilterNode
    /// Every key the filter reads, so that a subject gathers only those.
    public let keys: Set<String>

    public init(_ expression: String, catalog: FieldCatalog = .packets) throws(FilterSyntaxError) {
        var parser = try FilterParser(expression, catalog: catalog)
        root = try parser.parse()
        self.expression = expression
        keys = Self.keys(of: root)
        try FilterTypeCheck.check(root, catalog: catalog)
    }

    public func matches(_ subject: some FilterSubject) -> Bool {
        FilterEvaluation.evaluate(root, subject)
    }

    private static func keys(of node: FilterNode) -> Set<String> {
        func operand(_ operand: Operand) -> Set<String> {
            if case .field(let reference) = operand { return Set(reference.keys) }
            return []
        }
        switch node {
        case .exists(let reference): return Set(reference.keys)
        case .compare(let left, _, let right): return operand(left).union(operand(right))
        case .contains(let left, let right): return operand(left).union(operand(right))
        case .matches(let left, _): return operand(left)
        case .member(let left, let members):
            return members.reduce(operand(left)) { keys, member in
                if case .value(let value) = member { return keys.union(operand(value)) }
                return keys
            }
        case .not(let inner): return keys(of: inner)
        case .and(let left, let right), .or(let left, let right): return keys(of: left).union(keys(of: right))
        }
    }
}
