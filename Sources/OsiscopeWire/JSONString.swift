/// JSON string literals as osiscope writes them, shared by every JSON it makes (the views'
/// objects, Socket.IO arguments re-encoded by the stream stage).
public enum JSONString {
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
    public static func appendQuoted(_ string: String, to out: inout [UInt8]) {
        var string = string
        string.withUTF8 { appendQuoted(utf8: $0, to: &out) }
    }

    public static func appendQuoted(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
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
