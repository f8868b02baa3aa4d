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

    /// A JSON string literal; everything below U+0020 is escaped, so output is one line, and
    /// so are DEL, the C1 controls and U+2028/U+2029, which some terminals and JavaScript
    /// parsers treat as line ends or commands.
    public static func quoted(_ string: String) -> String {
        var bytes: [UInt8] = []
        appendQuoted(string, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `quoted(string)` appended to `out` as UTF-8, the string's bytes copied in runs between
    /// the characters that need escaping (usually one run).
    static func appendQuoted(_ string: String, to out: inout [UInt8]) {
        var string = string
        string.withUTF8 { appendQuoted(utf8: $0, to: &out) }
    }

    static func appendQuoted(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var index = 0
        while let special = JSONEscapeScan.firstIndex(in: bytes, from: index) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<special]))
            index = special + escape(bytes, at: special, into: &out)
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index...]))
        out.append(UInt8(ascii: "\""))
    }

    /// Writes the escape for what starts at `index` (or the byte itself when it only looked
    /// like the start of one) and returns how many bytes it used.
    private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, into out: inout [UInt8]) -> Int {
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0xC2 where index + 1 < bytes.count && bytes[index + 1] < 0xA0:
            appendEscape(UInt16(bytes[index + 1]), to: &out) // U+0080...U+009F (C1 controls): C2 80...C2 9F
            return 2
        case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80
            && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
            appendEscape(0x2000 | UInt16(bytes[index + 2] & 0x3F), to: &out) // U+2028, U+2029: E2 80 A8/A9
            return 3
        case 0xC2, 0xE2: out.append(byte) // the lead byte of an ordinary character
        default: appendEscape(UInt16(byte), to: &out) // below U+0020, and DEL
        }
        return 1
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func appendEscape(_ value: UInt16, to out: inout [UInt8]) {
        out.append(contentsOf: [0x5C, UInt8(ascii: "u"), digits[Int(value >> 12)], digits[Int(value >> 8 & 0xF)],
                                digits[Int(value >> 4 & 0xF)], digits[Int(value & 0xF)]])
    }
}
