import Testing
import OsiscopeTerminal
@testable import OsiscopeLessons

/// The interactive runner's model, driven by keys: every frame fits its size, the key bar is
/// always the last line, and next, previous, answer, hint, reveal, list and quit do what the
/// bar says.
@Suite struct LessonSessionTests {
    static let lesson = try! LessonParser.parse("""
        ---
        number: 1
        title: Test lesson
        sample: a.pcap
        ---
        ## First
        A long line of prose that has to be wrapped when the terminal is narrow, word by word, never cut.

        ```view
        packets a.pcap
        ```

        ```question
        ask: How many?
        answer: count frame
        hint: Count them.
        reveal-after: 2
        ```
        ## Second
        ```question
        ask: Which port?
        answer: value tcp.dstport where tcp
        ```
        """)

    static func session() -> LessonSession {
        var views = 0
        return LessonSession(lesson: lesson, answer: { $0.ask == "How many?" ? "31" : "8080" }, view: { arguments in
            views += 1
            return (1...40).map { "line \($0) of \(arguments.joined(separator: " "))" }.joined(separator: "\n") + "\n"
        })
    }

    static func type(_ text: String, into session: inout LessonSession) {
        for character in text { _ = session.handle(.character(character)) }
    }

    @Test(arguments: [(24, 80), (30, 120), (10, 40)])
    func framesFitTheirSize(rows: Int, columns: Int) {
        var session = Self.session()
        session.plainStyle = true
        let frame = session.frame(rows: rows, columns: columns)
        #expect(frame.count == rows)
        #expect(frame.allSatisfy { $0.count <= columns + 2 }) // the bar's brackets
        #expect(frame.last == "[" + TextFitting.cut(LessonSession.keyBar, to: columns) + "]")
        #expect(frame[0].hasPrefix("Lesson 1 · Test lesson — step 1 of 2"))
    }

    @Test func answeringWithAHintAndAWrongTry() {
        var session = Self.session()
        session.plainStyle = true
        let continues = session.handle(.character("a"))
        #expect(continues)
        Self.type("30", into: &session)
        #expect(session.mode == .answering("30"))
        _ = session.handle(.enter)
        _ = session.handle(.character("h"))
        _ = session.handle(.character("a"))
        Self.type("3x", into: &session)
        _ = session.handle(.backspace)
        Self.type("1", into: &session)
        _ = session.handle(.enter)
        var frame = session.frame(rows: 80, columns: 100)
        let ask = frame.firstIndex(of: "? How many?")!
        #expect(Array(frame[(ask + 1)...(ask + 3)]) == ["  ✗ Not 30 (1 tries left).", "  Hint: Count them.", "  ✓ Right: 31."])
        #expect(frame[78] == "Right. n for the next step.")
        _ = session.handle(.character("n"))
        #expect(session.step == 1)
        _ = session.handle(.character("r"))
        frame = session.frame(rows: 20, columns: 100)
        #expect(frame.contains("  The answer: 8080."))
        _ = session.handle(.left)
        #expect(session.step == 0)
        _ = session.handle(.right)
        _ = session.handle(.right)
        #expect(session.finished)
        let quits = !session.handle(.character("q"))
        #expect(quits)
    }

    @Test func wrongTriesRevealTheAnswer() {
        var session = Self.session()
        for guess in ["1", "2"] {
            _ = session.handle(.enter)
            Self.type(guess, into: &session)
            _ = session.handle(.enter)
        }
        let frame = session.frame(rows: 80, columns: 100)
        #expect(frame.contains("  ✗ Not 2. The answer: 31."))
        #expect(!frame.contains { $0.contains("Answer: ____") })
    }

    @Test func scrollingAndTheList() {
        var session = Self.session()
        session.plainStyle = true
        session.listing = ["1. Test lesson  (at step 1)"]
        let top = session.frame(rows: 10, columns: 80)
        #expect(top[8].hasSuffix("(↓ more)"))
        _ = session.handle(.pageDown)
        let scrolled = session.frame(rows: 10, columns: 80)
        #expect(scrolled[1] != top[1])
        _ = session.handle(.home)
        let back = session.frame(rows: 10, columns: 80)
        #expect(back == top)
        _ = session.handle(.character("l"))
        let list = session.frame(rows: 10, columns: 80)
        #expect(list[3] == "1. Test lesson  (at step 1)")
        _ = session.handle(.escape)
        #expect(session.mode == .reading)
        _ = session.handle(.character("a"))
        _ = session.handle(.escape)
        #expect(session.mode == .reading)
        let interrupted = !session.handle(.interrupt)
        #expect(interrupted)
    }

    @Test func proseIsWrappedNotCut() {
        var session = Self.session()
        let frame = session.frame(rows: 40, columns: 40)
        #expect(frame[2] == "A long line of prose that has to be")
        #expect(frame[3] == "wrapped when the terminal is narrow,")
    }
}

/// The one way through a question both runners share.
@Suite struct QuestionAttemptTests {
    @Test func wrongTriesHintsAndTheReveal() throws {
        let question = try #require(LessonSessionTests.lesson.steps[0].questions.first) // reveal-after: 2, one hint
        var attempt = QuestionAttempt(question)
        #expect(attempt.answer("30", expected: "31") == .wrong(triesLeft: 1))
        #expect(attempt.nextHint() == "Count them.")
        #expect(attempt.nextHint() == nil)
        #expect(!attempt.settled)
        #expect(attempt.answer("29", expected: "31") == .revealed)
        #expect(attempt.settled)
        var right = QuestionAttempt(question)
        #expect(right.answer(" 31 ", expected: "31") == .right)
        #expect(right.tries == 0)
        #expect(right.settled)
    }
}

@Suite struct LiveStepTests {
    static let lesson = try! LessonParser.parse("""
        ---
        number: 12
        title: Live
        sample: a.pcap
        ---
        ## Yours
        ```live
        capture: capture -i lo --messages
        sample: messages a.pcap
        ```
        """)

    @Test func cAsksForTheCaptureAndItsLinesReplaceTheRecording() {
        var session = LessonSession(lesson: Self.lesson, answer: { _ in nil }, view: { _ in "recorded line\n" })
        session.plainStyle = true
        var frame = session.frame(rows: 12, columns: 100)
        #expect(frame.contains("recorded line"))
        #expect(frame.last == "[" + LessonSession.liveKeyBar + "]")
        _ = session.handle(.character("c"))
        #expect(session.takeLiveRequest() == ["capture", "-i", "lo", "--messages"])
        #expect(session.takeLiveRequest() == nil)
        session.liveLines = ["osiscope: capturing on lo (ether)", "  0.001  #0  client → server  WebSocket text \"hi\""]
        frame = session.frame(rows: 12, columns: 100)
        #expect(frame[2] == "$ osiscope capture -i lo --messages")
        #expect(frame[4] == "  0.001  #0  client → server  WebSocket text \"hi\"")
        #expect(!frame.contains("recorded line"))
    }
}

@Suite struct KeyDecoderTests {
    @Test func keysFromTerminalBytes() {
        var decoder = KeyDecoder()
        do { let keys = decoder.keys(Array("ab\r".utf8)); #expect(keys == [.character("a"), .character("b"), .enter]) }
        do { let keys = decoder.keys([0x1B, 0x5B, 0x41, 0x1B, 0x4F, 0x42, 0x1B, 0x5B, 0x35, 0x7E, 0x1B, 0x5B, 0x36, 0x7E]); #expect(keys == [.up, .down, .pageUp, .pageDown]) }
        do { let keys = decoder.keys([0x1B]); #expect(keys == [.escape]) }
        do { let keys = decoder.keys([0x7F, 0x03, 0x09, 0x04]); #expect(keys == [.backspace, .interrupt, .tab, .endOfInput]) }
        do { let keys = decoder.keys(Array("é→".utf8)); #expect(keys == [.character("é"), .character("→")]) }
    }

    @Test func aSequenceSplitAcrossReads() {
        var decoder = KeyDecoder()
        do { let keys = decoder.keys([0x1B, 0x5B], final: false); #expect(keys == []) }
        do { let keys = decoder.keys([0x43]); #expect(keys == [.right]) }
        do { let keys = decoder.keys([0xC3], final: false); #expect(keys == []) }
        do { let keys = decoder.keys([0xA9]); #expect(keys == [.character("é")]) }
        // Bracketed-paste and other sequences that mean nothing here are skipped whole.
        do { let keys = decoder.keys(Array("\u{1B}[200~x".utf8)); #expect(keys == [.character("x")]) }
    }
}
