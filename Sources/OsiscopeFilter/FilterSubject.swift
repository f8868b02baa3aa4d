import OsiscopeWire

/// One value a field has in what is being filtered (a field may occur several times: two
/// addresses for `ip.addr`, one opcode per WebSocket frame).
public struct FilterOccurrence: Sendable {
    public var value: FieldValue
    /// The registry row, for its format and value names; nil for message keys without one.
    public var descriptor: FieldDescriptor?

    public init(_ value: FieldValue, _ descriptor: FieldDescriptor? = nil) {
        self.value = value
        self.descriptor = descriptor
    }
}

/// What a filter is evaluated on: the values of each key.
public protocol FilterSubject {
    func occurrences(of key: String) -> [FilterOccurrence]
}

/// The values of the keys a filter asked for, gathered once.
public struct FieldSet: FilterSubject, Sendable {
    private var values: [String: [FilterOccurrence]] = [:]

    public init() {}

    public mutating func add(_ key: String, _ occurrence: FilterOccurrence) {
        values[key, default: []].append(occurrence)
    }

    public func occurrences(of key: String) -> [FilterOccurrence] { values[key] ?? [] }

    public var keys: Dictionary<String, [FilterOccurrence]>.Keys { values.keys }
}
