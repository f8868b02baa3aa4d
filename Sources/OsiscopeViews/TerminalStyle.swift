/// ANSI styling that switches itself off when colour is not wanted, so renderers never
/// test for it themselves.
public struct TerminalStyle: Sendable {
    public enum Color: Int, Sendable {
        case red = 31, green = 32, yellow = 33, blue = 34, magenta = 35, cyan = 36
        case brightBlue = 94, brightMagenta = 95, brightCyan = 96, brightGreen = 92
    }

    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    public static let plain = TerminalStyle(enabled: false)

    public func color(_ text: String, _ color: Color) -> String {
        enabled ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ text: String) -> String { enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    public func dim(_ text: String) -> String { enabled ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    /// Reverse video: a field's bytes picked out of a dump.
    public func highlighted(_ text: String) -> String { enabled ? "\u{1B}[7m\(text)\u{1B}[0m" : text }

    /// Background colour for hex dump bytes, one per layer.
    public func background(_ text: String, _ index: Int) -> String {
        guard enabled else { return text }
        let palette = [44, 45, 46, 42, 43, 41, 104, 105]
        return "\u{1B}[30;\(palette[index % palette.count])m\(text)\u{1B}[0m"
    }

    /// The colour that marks an OSI layer throughout the views.
    public static func color(forOSI layer: Int) -> Color {
        switch layer {
        case 2: .blue
        case 3: .magenta
        case 4: .cyan
        case 5, 6: .yellow
        default: .green
        }
    }
}

/// Makes text from a capture safe to print: control characters (which could move the
/// cursor, change colours or retitle the terminal) are replaced by visible escapes.
public enum TerminalSafe {
    ///
    /// With `keepingLineBreaks` (for payloads shown as running text), line feeds stay line
    /// feeds, a carriage return before one is dropped, and a backslash is doubled so that an
    /// escape can never be mistaken for the bytes it stands for.
    public static func text(_ string: String, keepingLineBreaks: Bool = false) -> String {
        // Nearly all field values and names have nothing to replace: return them uncopied.
        var string = string
        if string.withUTF8({ !needsReplacing($0, keepingLineBreaks: keepingLineBreaks) }) { return string }
        var result = ""
        result.reserveCapacity(string.utf8.count)
        var scalars = string.unicodeScalars.makeIterator()
        var next = scalars.next()
        while let scalar = next {
            next = scalars.next()
            if keepingLineBreaks {
                if scalar == "\n" { result += "\n"; continue }
                if scalar == "\r" && next == "\n" { continue }
                if scalar == "\\" { result += "\\\\"; continue }
            }
            switch scalar.value {
            case 0x09: result += "\\t"
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x00..<0x20, 0x7F, 0x80..<0xA0:
                result += "\\x" + String(scalar.value, radix: 16).leftPadded(2)
            case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                // Bidirectional overrides can make text read differently from what it is.
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether the UTF-8 holds something `text` replaces: a control (C0, DEL, C1: C2 80...C2 9F),
    /// a bidirectional control (U+200E/F E2 80 8E/8F, U+202A...U+202E E2 80 AA...AE,
    /// U+2066...U+2069 E2 81 A6...A9), or with `keepingLineBreaks` a backslash.
    static func needsReplacing(_ bytes: UnsafeBufferPointer<UInt8>, keepingLineBreaks: Bool) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x7F || (keepingLineBreaks && byte == UInt8(ascii: "\\")) { return true }
            if byte == 0xC2, index + 1 < bytes.count, (0x80..<0xA0).contains(bytes[index + 1]) { return true }
            if byte == 0xE2, index + 2 < bytes.count {
                let second = bytes[index + 1], third = bytes[index + 2]
                if second == 0x80 && (third == 0x8E || third == 0x8F || (0xAA...0xAE).contains(third)) { return true }
                if second == 0x81 && (0xA6...0xA9).contains(third) { return true }
            }
            index += 1
        }
        return false
    }

    /// A printable ASCII byte as itself, anything else as a dot (for hex dumps).
    public static func asciiOrDot(_ byte: UInt8) -> Character {
        (0x20..<0x7F).contains(byte) ? Character(Unicode.Scalar(byte)) : "."
    }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }

    func rightPadded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
