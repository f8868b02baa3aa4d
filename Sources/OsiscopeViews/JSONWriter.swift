import OsiscopeWire

/// Builds one JSON object as text with keys in the order written, which keeps the JSON Lines
/// output stable for diffs and scripts without an encoder's buffering. The object grows as
/// UTF-8 bytes: thousands of small appends per packet cost far less there than on a String.
public struct JSONWriter {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var needsComma = false

    public init() {}

    /// A writer whose buffer starts with room for `capacity` bytes (a message's payload and
    /// its keys), so that a long text is not copied again each time the buffer grows.
    public init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    private mutating func key(_ name: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        JSONWriter.appendQuoted(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    public mutating func add(_ name: String, _ value: String) { key(name); JSONWriter.appendQuoted(value, to: &bytes) }
    public mutating func add(_ name: String, _ value: Int) { key(name); raw(String(value)) }
    public mutating func add(_ name: String, _ value: UInt64) { key(name); raw(String(value)) }
    public mutating func add(_ name: String, _ value: Bool) { key(name); raw(value ? "true" : "false") }
    public mutating func addNull(_ name: String) { key(name); raw("null") }
    /// A string value given as bytes already known to be valid UTF-8 (no String made of them).
    public mutating func add(_ name: String, utf8 value: [UInt8]) {
        key(name)
        value.withUnsafeBufferPointer { JSONWriter.appendQuoted(utf8: $0, to: &bytes) }
    }
    public mutating func addArray(_ name: String, numbers: [Int]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, number) in numbers.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            raw(String(number))
        }
        bytes.append(UInt8(ascii: "]"))
    }
    /// An array of already-encoded JSON values, appended in place (no joined copy).
    public mutating func addArray(_ name: String, _ elements: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            raw(element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// An array of two-string arrays (HTTP headers as `[["Name","value"],…]`).
    public mutating func addArray(_ name: String, pairs: [(String, String)]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, pair) in pairs.enumerated() {
            bytes.append(contentsOf: index > 0 ? [UInt8(ascii: ","), UInt8(ascii: "[")] : [UInt8(ascii: "[")])
            JSONWriter.appendQuoted(pair.0, to: &bytes)
            bytes.append(UInt8(ascii: ","))
            JSONWriter.appendQuoted(pair.1, to: &bytes)
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// An array of objects, each written by `object` into this same buffer (no String per object).
    public mutating func addArray<Item>(_ name: String, _ items: some Sequence<Item>, object: (inout JSONWriter, Item) -> Void) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.append(UInt8(ascii: "{"))
            needsComma = false
            object(&self, item)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An object, written by `object` into this same buffer.
    public mutating func addObject(_ name: String, _ object: (inout JSONWriter) -> Void) {
        key(name)
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        object(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Inserts already-encoded JSON (an object or array built elsewhere).
    public mutating func addRaw(_ name: String, _ json: String) { key(name); raw(json) }

    /// The object's text.
    public consuming func finished() -> String {
        String(decoding: finishedBytes(), as: UTF8.self)
    }

    /// The object's UTF-8, for writing out without making a String of it.
    public consuming func finishedBytes() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// A JSON string literal (see `JSONString`).
    public static func quoted(_ string: String) -> String { JSONString.quoted(string) }

    static func appendQuoted(_ string: String, to out: inout [UInt8]) { JSONString.appendQuoted(string, to: &out) }

    static func appendQuoted(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        JSONString.appendQuoted(utf8: bytes, to: &out)
    }
}
