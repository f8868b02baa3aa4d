/// Builds one JSON object as text with keys in the order written, which keeps the JSON Lines
/// output stable for diffs and scripts without an encoder's buffering.
public struct JSONWriter {
    public private(set) var text = "{"
    private var needsComma = false

    public init() {}

    private mutating func key(_ name: String) {
        if needsComma { text += "," }
        needsComma = true
        text += JSONWriter.quoted(name) + ":"
    }

    public mutating func add(_ name: String, _ value: String) { key(name); text += JSONWriter.quoted(value) }
    public mutating func add(_ name: String, _ value: Int) { key(name); text += String(value) }
    public mutating func add(_ name: String, _ value: UInt64) { key(name); text += String(value) }
    public mutating func add(_ name: String, _ value: Bool) { key(name); text += value ? "true" : "false" }
    public mutating func addNull(_ name: String) { key(name); text += "null" }
    /// Inserts already-encoded JSON (an object or array built elsewhere).
    public mutating func addRaw(_ name: String, _ json: String) { key(name); text += json }

    public func finished() -> String { text + "}" }

    public static func array(_ elements: [String]) -> String { "[" + elements.joined(separator: ",") + "]" }

    /// A JSON string literal; everything below U+0020 is escaped, so output is one line.
    public static func quoted(_ string: String) -> String {
        // Most strings need no escaping: check their bytes once and copy them whole.
        let plain = string.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 < 0x7F }
        if plain { return "\"" + string + "\"" }
        var result = "\""
        result.reserveCapacity(string.utf8.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    result += "\\u" + String(scalar.value, radix: 16).leftPadded(4)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
