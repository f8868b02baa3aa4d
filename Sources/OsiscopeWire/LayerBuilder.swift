/// Reads a header's fields by their descriptors and byte ranges and collects them into a layer.
/// Ranges are relative to the layer's first byte; reading past the captured bytes marks the
/// layer as cut short instead of failing, so whatever could be decoded is kept.
///
/// When `records` is false (only the transport is wanted), values are still read but no
/// field, note, summary or diagnostic text is made: those arguments are autoclosures.
struct LayerBuilder {
    let bytes: [UInt8]
    let records: Bool
    /// Absolute offset of the layer's first byte.
    let start: Int
    /// First absolute offset that does not belong to this layer's data (e.g. the IP total length).
    var limit: Int
    var fields: [Field] = []
    var diagnostics: [Diagnostic] = []
    /// Set when a read went past the captured bytes.
    private(set) var cutShort = false

    init(bytes: [UInt8], start: Int, limit: Int? = nil, records: Bool = true) {
        self.bytes = bytes
        self.records = records
        self.start = start
        self.limit = min(limit ?? bytes.count, bytes.count)
    }

    var available: Int { max(0, limit - start) }

    func has(_ range: Range<Int>) -> Bool { start + range.upperBound <= limit }

    /// The big-endian unsigned integer in `range` (at most 8 bytes), or nil when not captured.
    func read(_ range: Range<Int>) -> UInt64? {
        guard has(range) else { return nil }
        var value: UInt64 = 0
        for index in range { value = value << 8 | UInt64(bytes[start + index]) }
        return value
    }

    func slice(_ range: Range<Int>) -> ArraySlice<UInt8>? {
        guard has(range) else { return nil }
        return bytes[(start + range.lowerBound)..<(start + range.upperBound)]
    }

    mutating func markCutShort() { cutShort = true }

    /// Reads a numeric or flag field (applying the descriptor's mask) and appends it.
    @discardableResult
    mutating func number(_ descriptor: FieldDescriptor, _ range: Range<Int>, note: @autoclosure () -> String? = nil,
                         children: @autoclosure () -> [Field] = []) -> UInt64? {
        guard records else {
            guard let raw = read(range) else {
                cutShort = true
                return nil
            }
            guard let mask = descriptor.mask else { return raw }
            let value = (raw & mask) >> UInt64(mask.trailingZeroBitCount)
            return descriptor.format == .flag ? (value != 0 ? 1 : 0) : value
        }
        guard let field = makeNumber(descriptor, range, note: note(), children: children()) else { return nil }
        fields.append(field)
        return field.value.number
    }

    /// Builds a numeric field without appending it (for children of another field).
    mutating func makeNumber(_ descriptor: FieldDescriptor, _ range: Range<Int>, note: String? = nil,
                             children: [Field] = []) -> Field? {
        guard let raw = read(range) else {
            cutShort = true
            return nil
        }
        var value = raw
        if let mask = descriptor.mask {
            value = (raw & mask) >> UInt64(mask.trailingZeroBitCount)
        }
        let fieldValue: FieldValue = descriptor.format == .flag ? .flag(value != 0) : .number(value)
        return Field(descriptor, fieldValue, offset: start + range.lowerBound, length: range.count,
                     note: note, children: children)
    }

    /// The bit fields of one header word, as children of the field for the whole word; none
    /// when only the transport is wanted.
    mutating func bitFields(_ descriptors: [FieldDescriptor], _ range: Range<Int>) -> [Field] {
        guard records else { return [] }
        return descriptors.compactMap { makeNumber($0, range) }
    }

    /// Appends a field whose value was computed from its bytes (an address, a name).
    mutating func value(_ descriptor: FieldDescriptor, _ range: Range<Int>, _ value: @autoclosure () -> FieldValue,
                        note: @autoclosure () -> String? = nil, children: @autoclosure () -> [Field] = []) {
        guard records else { return }
        fields.append(Field(descriptor, value(), offset: start + range.lowerBound, length: range.count,
                            note: note(), children: children()))
    }

    /// Appends a value osiscope computed, not read from the packet (shown in [brackets]).
    mutating func generated(_ descriptor: FieldDescriptor, _ value: @autoclosure () -> FieldValue,
                            note: @autoclosure () -> String? = nil) {
        guard records else { return }
        fields.append(Field(descriptor, value(), offset: start, length: 0, note: note(), generated: true))
    }

    mutating func diagnose(_ kind: DiagnosticDescriptor, _ message: @autoclosure () -> String,
                           _ range: Range<Int>? = nil) {
        guard records else { return }
        diagnostics.append(Diagnostic(kind, message(),
                                      offset: range.map { start + $0.lowerBound }, length: range?.count))
    }

    /// Records why a header could not be read whole: the snap length (truncated) or a packet
    /// that is simply too short for what it claims (malformed).
    mutating func diagnoseShort(_ protocolName: String, needed: Int, packetTruncated: Bool) {
        let available = available
        if packetTruncated && limit >= bytes.count {
            diagnose(WireDiagnostics.truncated,
                     "\(protocolName) header cut off by the capture's snap length: \(available) of \(needed) bytes captured")
        } else {
            diagnose(WireDiagnostics.malformed,
                     "\(protocolName) header is malformed: it needs \(needed) bytes but only \(available) are there")
        }
    }

    func layer(_ key: String, _ title: String, _ osi: OSILayer, length: Int, summary: @autoclosure () -> String) -> Layer {
        Layer(protocolKey: key, title: title, osi: osi, offset: start, length: min(length, available),
              summary: records ? summary() : "", fields: fields, diagnostics: diagnostics)
    }
}
