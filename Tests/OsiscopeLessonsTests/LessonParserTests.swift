import Testing
@testable import OsiscopeLessons

/// The lesson format as a teacher writes it, and every mistake named with its line.
@Suite struct LessonParserTests {
    static let lesson = """
        ---
        number: 7
        title: Frames and masking
        sample: websocket-plain.pcapng sha256:ABCDEF
        sample: other.pcap
        ---

        ## The first frame

        Some *prose*
        on two lines.

        ```view
        osiscope inspect websocket-plain.pcapng -Y 'websocket.opcode == 1' --hex
        ```

        ```question
        # a comment
        ask: Which masking key?
        answer: value websocket.masking_key where frame.number == 8
        accept: exact
        hint: Layer 7.
        hint: Four bytes.
        reveal-after: 2
        explain: Random per frame.
        ```

        ## Second
        ```question
        ask: How long?
        answer: stats 0 overlap_seconds
        accept: within 10%
        sample: other.pcap
        ```
        """

    @Test func aWholeLesson() throws {
        let lesson = try LessonParser.parse(Self.lesson, file: "07.md")
        #expect(lesson.number == 7)
        #expect(lesson.title == "Frames and masking")
        #expect(lesson.samples == [.init(name: "websocket-plain.pcapng", sha256: "abcdef"), .init(name: "other.pcap", sha256: nil)])
        #expect(lesson.steps.map(\.title) == ["The first frame", "Second"])
        #expect(lesson.steps[0].line == 8)
        #expect(lesson.steps[0].blocks.count == 3)
        #expect(lesson.steps[0].blocks[0] == .prose("Some *prose*\non two lines."))
        #expect(lesson.steps[0].blocks[1] == .view(arguments: ["inspect", "websocket-plain.pcapng", "-Y", "websocket.opcode == 1", "--hex"], line: 14))
        let question = try #require(lesson.steps[0].questions.first)
        #expect(question.ask == "Which masking key?")
        #expect(question.answer == .value(field: "websocket.masking_key", filter: "frame.number == 8", messages: false))
        #expect(question.hints == ["Layer 7.", "Four bytes."])
        #expect(question.revealAfter == 2)
        #expect(question.explain == "Random per frame.")
        #expect(question.line == 18)
        let second = try #require(lesson.steps[1].questions.first)
        #expect(second.answer == .stats(stream: 0, path: "overlap_seconds"))
        #expect(second.accept == .withinFraction(0.1))
        #expect(second.sample == "other.pcap")
    }

    @Test(arguments: [
        ("no front matter", "## Step\n", "line 1: a lesson starts with its front matter between two '---' lines (number:, title:, sample:)"),
        ("no number", "---\ntitle: x\nsample: a.pcap\n---\n## S\n", "line 1: the front matter needs number:"),
        ("bad key", "---\nnumber: 1\ncolour: red\n---\n", "line 3: unknown front matter key 'colour' (number, title, sample)"),
        ("no steps", "---\nnumber: 1\ntitle: x\nsample: a.pcap\n---\ntext\n", "line 6: text before the first '## ' step"),
        ("open block", "---\nnumber: 1\ntitle: x\nsample: a.pcap\n---\n## S\n```view\npackets a.pcap\n", "line 7: the view block is never closed with ```"),
        ("no answer", "---\nnumber: 1\ntitle: x\nsample: a.pcap\n---\n## S\n```question\nask: Why?\n```\n", "line 8: a question needs answer: (a query that computes it)"),
        ("typed answer", "---\nnumber: 1\ntitle: x\nsample: a.pcap\n---\n## S\n```question\nask: Why?\nanswer: 42\n```\n",
         "line 9: an answer is computed: count …, value … where …, stats STREAM FIGURE or compare FIGURE, not '42'"),
        ("bad accept", "---\nnumber: 1\ntitle: x\nsample: a.pcap\n---\n## S\n```question\nask: Why?\naccept: roughly\n```\n",
         "line 9: accept: takes exact, within N or within N%, not 'roughly'"),
        ("two commands", "---\nnumber: 1\ntitle: x\nsample: a.pcap\n---\n## S\n```view\npackets a\nstreams a\n```\n", "line 8: a view block holds one osiscope command line"),
        ("open quote", "---\nnumber: 1\ntitle: x\nsample: a.pcap\n---\n## S\n```view\npackets a -Y 'tcp\n```\n", "line 8: a quote is never closed in 'packets a -Y 'tcp'"),
    ])
    func mistakesAreNamedWithTheirLine(name: String, text: String, message: String) {
        #expect(throws: LessonSyntaxError.self, "\(name)") { try LessonParser.parse(text) }
        do {
            _ = try LessonParser.parse(text)
        } catch {
            #expect(error.description == message, "\(name)")
        }
    }

    @Test func aLiveStepNamesItsCaptureAndItsRecording() throws {
        let text = "---\nnumber: 12\ntitle: Live\nsample: a.pcap\n---\n## Yours\n```live\ncapture: osiscope capture -i lo -f 'tcp port 8765' --messages\nsample: messages a.pcap\n```\n"
        let lesson = try LessonParser.parse(text)
        #expect(lesson.steps[0].blocks == [.live(capture: ["capture", "-i", "lo", "-f", "tcp port 8765", "--messages"], fallback: ["messages", "a.pcap"], line: 8)])
        #expect(throws: LessonSyntaxError("a live block needs capture: and sample: (the view shown when capturing is not possible)", line: 8)) {
            try LessonParser.parse(text.replacingOccurrences(of: "sample: messages a.pcap\n", with: ""))
        }
    }

    @Test func queriesBecomeCommandLines() throws {
        #expect(try AnswerQuery("count websocket.mask == 1").arguments(samples: ["s.pcap"])
                == ["packets", "s.pcap", "-Y", "websocket.mask == 1", "-T", "fields", "-e", "frame.number"])
        #expect(try AnswerQuery("count messages websocket.opcode == \"close\"").arguments(samples: ["s.pcap"])
                == ["messages", "s.pcap", "-Y", "websocket.opcode == \"close\"", "-T", "fields", "-e", "frame.number"])
        #expect(try AnswerQuery("value messages http.time_since_request where http.response").arguments(samples: ["s"])
                == ["messages", "s", "-Y", "http.response", "-T", "fields", "-e", "http.time_since_request", "-E", "occurrence=f"])
        #expect(try AnswerQuery("compare wire_bytes").arguments(samples: ["a", "b"]) == ["compare", "a", "b", "--json"])
        #expect(try AnswerQuery("count frame").answer(fromOutput: "1\n2\n3\n") == "3")
        #expect(try AnswerQuery("count messages websocket").answer(fromOutput: "\n\n") == "2")
        #expect(try AnswerQuery("value ip.ttl where ip").answer(fromOutput: "\n64\n63\n") == "64")
        #expect(try AnswerQuery("stats 0 client_to_server.overhead_bytes.l7").answer(fromOutput: #"{"client_to_server":{"overhead_bytes":{"l7":588}}}"#) == "588")
        let compared = "{\"file\":\"x.pcap\",\"a\":{\"b\":1.5}}\n{\"file\":\"y.pcap\",\"a\":{\"b\":2}}\n"
        #expect(try AnswerQuery("compare a.b").answer(fromOutput: compared, target: "y.pcap") == "2")
        #expect(try AnswerQuery("compare a.b").answer(fromOutput: compared, target: "z.pcap") == nil)
        #expect(try AnswerQuery("stats 0 missing").answer(fromOutput: "{}") == nil)
    }

    @Test func answersAreReadForgivingly() {
        let exact = AnswerMatcher.exact
        #expect(exact.accepts("64,240", expected: "64240"))
        #expect(exact.accepts("64240 bytes", expected: "64240"))
        #expect(exact.accepts("0x0800", expected: "0x0800"))
        #expect(exact.accepts("2048", expected: "0x0800"))
        #expect(exact.accepts("0X800", expected: "2048"))
        #expect(exact.accepts("  /Hello ", expected: "/hello"))
        #expect(exact.accepts("\"GET\"", expected: "get"))
        #expect(exact.accepts("Switching   Protocols", expected: "switching protocols"))
        #expect(exact.accepts("200ms", expected: "200"))
        #expect(!exact.accepts("64241", expected: "64240"))
        #expect(!exact.accepts("1 2", expected: "12"))
        #expect(!exact.accepts("64,24", expected: "6424"))
        #expect(AnswerMatcher.within(0.05).accepts("0.23", expected: "0.2"))
        #expect(!AnswerMatcher.within(0.05).accepts("0.26", expected: "0.2"))
        #expect(AnswerMatcher.withinFraction(0.1).accepts("105", expected: "100"))
        #expect(!AnswerMatcher.withinFraction(0.1).accepts("111", expected: "100"))
        #expect(!AnswerMatcher.within(1).accepts("about ten", expected: "10"))
    }
}
