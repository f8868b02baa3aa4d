/// How a field's value is written for people and in JSON.
public enum FieldFormat: Sendable, Equatable {
    public var isHex: Bool { if case .hex = self { true } else { false } }

    /// A decimal number (a JSON number).
    case decimal
    /// A hexadecimal number with at least this many digits, e.g. "0x0012" (a JSON string).
    case hex(digits: Int)
    /// A one-bit flag (JSON true/false).
    case flag
    /// The outcome of a check osiscope made (JSON true/false), shown as "correct" or "wrong".
    case check
    /// Text such as an address or a name (a JSON string).
    case text
    /// Raw bytes, shown as hex (a JSON string of hex digits).
    case bytes
    /// A field that only groups other fields.
    case none
}

/// One row of a protocol's field table, like a Wireshark `hf_` registration: the stable key
/// (Wireshark's display-filter name where one exists), a label, and a sentence for learners.
/// A class: every decoded field refers to its row, and copying one reference is cheaper than
/// copying its strings (fields are made and copied for every packet).
public final class FieldDescriptor: Sendable {
    public let key: String
    public let label: String
    public let format: FieldFormat
    /// Bits of the containing bytes that hold the value (nil: all of them).
    public let mask: UInt64?
    public let blurb: String
    /// Names for known values ("IPv4" for ethertype 0x0800); unknown values are shown as numbers.
    public let names: (@Sendable (UInt64) -> String?)?

    public init(
        _ key: String, _ label: String, _ format: FieldFormat = .decimal, mask: UInt64? = nil,
        names: (@Sendable (UInt64) -> String?)? = nil, blurb: String
    ) {
        self.key = key
        self.label = label
        self.format = format
        self.mask = mask
        self.names = names
        self.blurb = blurb
    }
}

/// A decoded value.
public enum FieldValue: Sendable, Equatable {
    case number(UInt64)
    /// A value that can be negative (Wireshark's -1 "unknown" window scale factor).
    case signed(Int64)
    case flag(Bool)
    case text(String)
    case bytes([UInt8])
    /// A duration computed by osiscope (time since the request).
    case seconds(Double)
    case none

    public var number: UInt64? {
        if case .number(let value) = self { return value }
        if case .flag(let value) = self { return value ? 1 : 0 }
        return nil
    }
}

/// A field found in a packet: what it is, its value, and exactly where its bytes are.
public struct Field: Sendable {
    public let descriptor: FieldDescriptor
    public var value: FieldValue
    /// Offset of the first byte in the packet (or in the byte source named by the layer).
    public var offset: Int
    public var length: Int
    /// A computed addition shown after the value, e.g. "[correct]" or "(SYN, ACK)".
    public var note: String?
    /// True for values osiscope computed rather than read (Wireshark's [brackets]).
    public var generated: Bool
    public var children: [Field]
    /// The label when it comes from the data (an HTTP header's name), else the descriptor's.
    public var ownLabel: String?

    public init(
        _ descriptor: FieldDescriptor, _ value: FieldValue, offset: Int, length: Int,
        note: String? = nil, generated: Bool = false, children: [Field] = [], label: String? = nil
    ) {
        self.descriptor = descriptor
        self.value = value
        self.offset = offset
        self.length = length
        self.note = note
        self.generated = generated
        self.children = children
        ownLabel = label
    }

    public var key: String { descriptor.key }
    public var label: String { ownLabel ?? descriptor.label }

    /// The field and all fields nested in it, depth first.
    public var flattened: [Field] {
        [self] + children.flatMap(\.flattened)
    }

    /// The first field with this key in `flattened` order, found without building that list
    /// (lookups run for every packet shown).
    public func first(withKey key: String) -> Field? {
        if self.key == key { return self }
        for child in children {
            if let found = child.first(withKey: key) { return found }
        }
        return nil
    }
}
