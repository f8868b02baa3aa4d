import Testing
import OsiscopeViews

/// Cutting and wrapping count what the terminal shows, not the colour sequences.
@Suite struct LineFittingTests {
    static let red = "\u{1B}[31m", reset = "\u{1B}[0m"

    @Test func colourSequencesTakeNoColumn() {
        #expect(LineFitting.visibleWidth("abc") == 3)
        #expect(LineFitting.visibleWidth(Self.red + "abc" + Self.reset) == 3)
        #expect(LineFitting.visibleWidth("→ ↳") == 3)
    }

    @Test func cutKeepsTheWidthAndEndsWithAnEllipsis() {
        #expect(LineFitting.cut("abcdef", to: 6) == "abcdef")
        #expect(LineFitting.cut("abcdefg", to: 6) == "abcde…")
        // A cut inside colour closes it, so the ellipsis and the next line are not coloured.
        #expect(LineFitting.cut(Self.red + "abcdefg" + Self.reset, to: 4) == Self.red + "abc" + Self.reset + "…")
    }

    @Test func wrapBreaksAtSpacesWithAHangingIndent() {
        let line = "    Field: one two three four five six seven"
        #expect(LineFitting.wrap(line, width: 20, indent: 8) == [
            "    Field: one two",
            "        three four",
            "        five six",
            "        seven",
        ])
        #expect(LineFitting.wrap(line, width: 200, indent: 8) == [line])
    }

    @Test func aWordLongerThanTheRoomIsBroken() {
        let line = "  key " + String(repeating: "x", count: 30)
        #expect(LineFitting.wrap(line, width: 20, indent: 4) == [
            "  key",
            "    xxxxxxxxxxxxxxxx",
            "    xxxxxxxxxxxxxx",
        ])
    }

    @Test func wrappedColouredTextKeepsItsSequences() {
        let line = Self.red + "aaaa bbbb cccc" + Self.reset
        let lines = LineFitting.wrap(line, width: 10, indent: 0)
        #expect(lines == [Self.red + "aaaa bbbb", "cccc" + Self.reset])
        #expect(lines.map(LineFitting.visibleWidth) == [9, 4])
    }

    /// Every wrapped line fits, and joining the words again gives the original words.
    @Test(arguments: [12, 17, 23, 40])
    func wrappingLosesNoWord(width: Int) {
        let words = (1...40).map { "w\($0)" + String(repeating: "y", count: $0 % 7) }
        let line = "  " + words.joined(separator: " ")
        let lines = LineFitting.wrap(line, width: width, indent: 3)
        #expect(lines.allSatisfy { LineFitting.visibleWidth($0) <= width })
        #expect(lines.flatMap { $0.split(separator: " ").map(String.init) } == words)
    }
}
