/// Builds one JSON object as text with keys in the order written, which keeps the JSON Lines
/// output stable for diffs and scripts without an encoder's buffering.
public struct JSONWriter {
    public private(set) var text = "{"
    private var needsComma = false

    public init() {}

    private mutating func key(_ name: String) {
        if needsComma { text += "," }
        needsComma = true
        JSONWriter.appendQuoted(name, to: &text)
        text += ":"
    }

    public mutating func add(_ name: String, _ value: String) { key(name); JSONWriter.appendQuoted(value, to: &text) }
    public mutating func add(_ name: String, _ value: Int) { key(name); text += String(value) }
    public mutating func add(_ name: String, _ value: UInt64) { key(name); text += String(value) }
    public mutating func add(_ name: String, _ value: Bool) { key(name); text += value ? "true" : "false" }
    public mutating func addNull(_ name: String) { key(name); text += "null" }
    /// Inserts already-encoded JSON (an object or array built elsewhere).
    public mutating func addRaw(_ name: String, _ json: String) { key(name); text += json }

    /// The object's text; the writer is used up, so its text is closed in place, not copied.
    public consuming func finished() -> String {
        text += "}"
        return text
    }

    public static func array(_ elements: [String]) -> String { "[" + elements.joined(separator: ",") + "]" }

    /// A JSON string literal; everything below U+0020 is escaped, so output is one line, and
    /// so are DEL, the C1 controls and U+2028/U+2029, which some terminals and JavaScript
    /// parsers treat as line ends or commands.
    public static func quoted(_ string: String) -> String {
        var result = ""
        appendQuoted(string, to: &result)
        return result
    }

    /// `quoted(string)` appended to `text`, copying the string's bytes once when nothing in it
    /// needs escaping (the usual case, and the one that matters for long messages).
    public static func appendQuoted(_ string: String, to text: inout String) {
        var string = string
        guard let first = string.withUTF8({ JSONEscapeScan.firstIndex(in: $0, from: 0) }) else {
            text += "\""
            text += string
            text += "\""
            return
        }
        string.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 8 + 8)
            out.append(UInt8(ascii: "\""))
            var index = 0, next: Int? = first
            while let special = next {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<special]))
                index = special + escape(bytes, at: special, into: &out)
                next = JSONEscapeScan.firstIndex(in: bytes, from: index)
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index...]))
            out.append(UInt8(ascii: "\""))
            text += String(decoding: out, as: UTF8.self)
        }
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

    private static func appendEscape(_ value: UInt16, to out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [0x5C, UInt8(ascii: "u"), digits[Int(value >> 12)], digits[Int(value >> 8 & 0xF)],
                                digits[Int(value >> 4 & 0xF)], digits[Int(value & 0xF)]])
    }
}
