import OsiscopeTestSupport
import Testing
@testable import OsiscopeViews

/// The word-at-a-time escaping against a one-character-at-a-time definition, on random text
/// made of the characters that matter (controls, quote, backslash, DEL, C1, U+2028/9, and
/// ordinary characters sharing their UTF-8 lead bytes), at every alignment.
@Suite struct JSONEscapingTests {
    static let alphabet: [Unicode.Scalar] = ["a", "0", " ", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1B}", "\u{1F}",
                                            "\u{7F}", "\u{80}", "\u{9F}", "\u{A0}", "¡", "é", "\u{2027}", "\u{2028}",
                                            "\u{2029}", "€", "日", "🎉"]

    /// RFC 8259 §7 escaping, plus the characters osiscope keeps off one line's terminal.
    static func reference(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                let value = scalar.value
                if value < 0x20 || value == 0x7F || (0x80..<0xA0).contains(value) || value == 0x2028 || value == 0x2029 {
                    let hex = String(value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    @Test(arguments: 0..<8)
    func matchesTheDefinition(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for length in 0..<80 {
            var text = String(repeating: "x", count: Int(seed)) // shifts where the words start
            for _ in 0..<length {
                // Mostly plain text, so that whole clean words are seen between the specials.
                let pick = Int(random.next() % UInt64(Self.alphabet.count * 3))
                text.unicodeScalars.append(pick < Self.alphabet.count ? Self.alphabet[pick] : "m")
            }
            #expect(JSONWriter.quoted(text) == Self.reference(text), "seed \(seed) length \(length)")
        }
    }
}
