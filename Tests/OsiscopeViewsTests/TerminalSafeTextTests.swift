import OsiscopeTestSupport
import Testing
@testable import OsiscopeViews

/// `TerminalSafe.text` returns most strings uncopied after a byte scan; on random text made of
/// the characters at the edges of what it replaces, it must agree with the per-character rules.
@Suite struct TerminalSafeTextTests {
    static let alphabet: [Unicode.Scalar] = ["a", " ", "\\", "\n", "\r", "\t", "\u{1B}", "\u{7F}", "\u{80}", "\u{9F}",
                                            "\u{A0}", "·", "→", "\u{200D}", "\u{200E}", "\u{200F}", "\u{2010}",
                                            "\u{2029}", "\u{202A}", "\u{202E}", "\u{202F}", "\u{2065}", "\u{2066}",
                                            "\u{2069}", "\u{206A}", "é", "🎉"]

    /// The rules, one character at a time.
    static func reference(_ string: String, keepingLineBreaks: Bool) -> String {
        var result = ""
        let scalars = Array(string.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if keepingLineBreaks {
                if scalar == "\n" { result += "\n"; continue }
                if scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n" { continue }
                if scalar == "\\" { result += "\\\\"; continue }
            }
            switch scalar.value {
            case 0x09: result += "\\t"
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x00..<0x20, 0x7F, 0x80..<0xA0:
                let hex = String(scalar.value, radix: 16)
                result += "\\x" + (hex.count < 2 ? "0" : "") + hex
            case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    @Test(arguments: [false, true])
    func matchesTheRules(keepingLineBreaks: Bool) {
        var random = SplitMix64(seed: keepingLineBreaks ? 1 : 2)
        for length in 0..<300 {
            var text = ""
            // Short strings of mostly safe characters, so that both paths are taken often.
            for _ in 0..<(length % 12) {
                let pick = Int(random.next() % UInt64(Self.alphabet.count * 2))
                text.unicodeScalars.append(pick < Self.alphabet.count ? Self.alphabet[pick] : "x")
            }
            #expect(TerminalSafe.text(text, keepingLineBreaks: keepingLineBreaks)
                    == Self.reference(text, keepingLineBreaks: keepingLineBreaks), "\(Array(text.unicodeScalars))")
        }
    }
}
