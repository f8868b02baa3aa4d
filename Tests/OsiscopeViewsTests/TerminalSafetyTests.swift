import Testing
import OsiscopeCapture
import OsiscopeViews
import OsiscopeWire

@Suite struct TerminalSafetyTests {
    @Test func escapesControlCharacters() {
        // ESC ] 0 ; would retitle the terminal; ESC [ 2 J would clear it; C1 CSI (0x9B) is an escape too.
        #expect(TerminalSafe.text("a\u{1B}]0;pwned\u{07}b") == "a\\x1b]0;pwned\\x07b")
        #expect(TerminalSafe.text("\u{1B}[2J\u{9B}31m") == "\\x1b[2J\\x9b31m")
        #expect(TerminalSafe.text("tab\there\r\n") == "tab\\there\\r\\n")
        #expect(TerminalSafe.text("abc\u{202E}fed") == "abc\\u{202e}fed")
        #expect(TerminalSafe.text("héllo wörld ✓") == "héllo wörld ✓")
    }

    @Test func capturedCommentsCannotReachTheTerminalRaw() {
        let packet = CapturedPacket(number: 1, timestamp: Timestamp(seconds: 0, nanoseconds: 0, fractionDigits: 6),
                                    originalLength: 3, linkType: LinkType(rawValue: 147), data: [0x1B, 0x5B, 0x32],
                                    comments: ["\u{1B}[2Jgotcha"])
        let text = TreeRenderer().render(PacketDecoder.decode(packet)) + HexDump().render(PacketDecoder.decode(packet))
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("Comment: \\x1b[2Jgotcha"))
    }

    @Test func followedTextKeepsLinesButNothingElse() {
        #expect(TerminalSafe.text("GET / HTTP/1.1\r\nHost: a\r\n", keepingLineBreaks: true) == "GET / HTTP/1.1\nHost: a\n")
        // A literal backslash-n in a JSON body must not turn into a line break.
        #expect(TerminalSafe.text("{\"a\":\"x\\ny\"}", keepingLineBreaks: true) == "{\"a\":\"x\\\\ny\"}")
        #expect(TerminalSafe.text("bell\u{07}\rover", keepingLineBreaks: true) == "bell\\x07\\rover")
    }

    @Test func jsonStringsAreOneLineAndEscaped() {
        #expect(JSONWriter.quoted("a\"b\\c\nd\u{01}\u{1B}") == "\"a\\\"b\\\\c\\nd\\u0001\\u001b\"")
        #expect(JSONWriter.quoted("\u{2028}") == "\"\\u2028\"")
        // DEL, the C1 controls and U+2029 escaped; other characters whose UTF-8 starts with the
        // same lead bytes (C2, E2) are copied: "¡" is C2 A1, "€" is E2 82 AC, "‧" (U+2027) E2 80 A7.
        #expect(JSONWriter.quoted("\u{7F}\u{80}\u{9F}\u{2029}") == "\"\\u007f\\u0080\\u009f\\u2029\"")
        #expect(JSONWriter.quoted("¡€‧ é 日本 🎉") == "\"¡€‧ é 日本 🎉\"")
        #expect(JSONWriter.quoted("\t tab, end\r") == "\"\\t tab, end\\r\"")
        #expect(JSONWriter.quoted("") == "\"\"")
        #expect(JSONWriter.quoted("\u{C2}\u{E2}") == "\"\u{C2}\u{E2}\"") // Â â: C3 82, C3 A2
    }

    @Test func plainStyleAddsNoEscapes() {
        #expect(TerminalStyle.plain.color("x", .red) == "x")
        #expect(TerminalStyle(enabled: true).color("x", .red) == "\u{1B}[31mx\u{1B}[0m")
    }
}
