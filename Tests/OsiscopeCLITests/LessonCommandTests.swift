import Foundation
import Testing

/// The course from the command line: every lesson checks itself, runs end to end in plain mode
/// with its answer key, and prints a worksheet without input; progress is kept and forgotten.
@Suite(.serialized) struct LessonCommandTests {
    static let state = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-lessons-\(getpid())").path

    static func run(_ arguments: [String], input: String? = nil) throws -> CommandRunner.Result {
        try CommandRunner.run(arguments, input: input.map { Data($0.utf8) }, environment: ["XDG_STATE_HOME": state])
    }

    static var numbers: [Int] {
        (try? FilterCommandTests.objects(try run(["lessons", "--json"]).output).compactMap { $0["number"] as? Int }) ?? []
    }

    @Test func everyLessonChecksItself() throws {
        let result = try Self.run(["lessons", "check"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.hasSuffix(": all good\n"), "\(result.errors)")
        #expect(Self.numbers.count >= 3)
    }

    @Test func theListSaysWhatEachLessonHolds() throws {
        let lessons = try FilterCommandTests.objects(try Self.run(["lessons", "--json"]).output)
        let first = try #require(lessons.first)
        #expect(first["number"] as? Int == 1)
        #expect(first["title"] as? String == "One packet through the OSI layers")
        #expect(first["samples"] as? [String] == ["http-keepalive.pcap"])
        #expect(first["steps"] as? Int == 5)
        #expect(first["done"] is Bool)
        #expect(lessons.map { $0["number"] as? Int } == Array(1...lessons.count))
    }

    @Test func eachLessonRunsWithItsAnswerKey() throws {
        for number in Self.numbers {
            let key = try Self.run(["lessons", "answers", String(number)])
            #expect(key.status == 0, "lesson \(number): \(key.errors)")
            let answers = key.output.split(separator: "\n")
            let result = try Self.run(["lesson", String(number), "--plain"], input: key.output)
            #expect(result.status == 0)
            #expect(result.output.hasSuffix("Lesson \(number) done.\n"), "lesson \(number)")
            #expect(result.output.components(separatedBy: "  ✓ Right: ").count - 1 == answers.count, "lesson \(number)")
            #expect(!result.output.contains("✗"))
        }
    }

    @Test func withoutInputALessonIsAWorksheet() throws {
        for number in Self.numbers {
            let result = try Self.run(["lesson", String(number), "--plain"], input: "")
            #expect(result.status == 0)
            let questions = result.output.components(separatedBy: "\n? ").count - 1
            #expect(questions > 0)
            #expect(result.output.components(separatedBy: "  Answer: ____________________").count - 1 == questions, "lesson \(number)")
            #expect(result.output.hasSuffix("(end of input: the rest of the lesson above is a worksheet)\n"))
            // Every view still ran.
            #expect(!result.output.contains("osiscope: "), "lesson \(number)")
        }
    }

    @Test func wrongAnswersGetHintsThenTheAnswer() throws {
        // Lesson 1's first question: the packet count (31); two wrong tries, a hint, the right one.
        let result = try Self.run(["lesson", "1", "--plain"], input: "30\nhint\n thirty-one \n31\n")
        let lines = result.output.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex(of: "? How many packets does the whole capture hold?"))
        #expect(Array(lines[(start + 1)...(start + 4)]) == [
            "> 30",
            "  ✗ Not 30; try again (2 left). Hint: Every packet has a frame layer: count them all (or run 'osiscope packets' on the sample).",
            "> hint",
            "  No more hints; 'reveal' shows the answer.",
        ])
        #expect(lines[start + 5] == ">  thirty-one ")
        #expect(lines[start + 6] == "  ✗ Not thirty-one; try again (1 left).")
        #expect(lines[start + 7] == "> 31")
        #expect(lines[start + 8] == "  ✓ Right: 31.")
        // Three wrong answers reveal it.
        let revealed = try Self.run(["lesson", "1", "--plain"], input: "1\n2\n3\n")
        #expect(revealed.output.contains("  ✗ Not 3.\n  The answer: 31.\n"))
    }

    @Test func progressIsKeptAndForgotten() throws {
        _ = try Self.run(["lessons", "reset"])
        let key = try Self.run(["lessons", "answers", "2"]).output
        _ = try Self.run(["lesson", "2", "--plain"], input: key)
        var lessons = try FilterCommandTests.objects(try Self.run(["lessons", "--json"]).output)
        #expect(lessons.first { $0["number"] as? Int == 2 }?["done"] as? Bool == true)
        #expect(lessons.first { $0["number"] as? Int == 1 }?["done"] as? Bool == false)
        #expect(try Self.run(["lessons"]).output.contains("Ethernet, IP and TCP headers, field by field"))
        let reset = try Self.run(["lessons", "reset"])
        #expect(reset.status == 0)
        lessons = try FilterCommandTests.objects(try Self.run(["lessons", "--json"]).output)
        #expect(lessons.allSatisfy { $0["done"] as? Bool == false })
    }

    @Test func anUnknownLessonIsAUsageError() throws {
        let result = try Self.run(["lesson", "99", "--plain"])
        #expect(result.status == 64)
        #expect(result.errors.hasPrefix("osiscope: there is no lesson 99: the lessons are 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12"))
    }

    /// Installed elsewhere: OSISCOPE_HOME names the folder with Lessons/ and Samples/.
    @Test func lessonsAreFoundThroughOsiscopeHome() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-home-\(UUID())")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        for folder in ["Lessons", "Samples"] {
            try FileManager.default.copyItem(at: CommandRunner.root.appendingPathComponent(folder), to: home.appendingPathComponent(folder))
        }
        try FileManager.default.removeItem(at: home.appendingPathComponent("Lessons/03-tcp-lifecycle.md"))
        let result = try CommandRunner.run(["lessons", "--json"], environment: ["OSISCOPE_HOME": home.path, "XDG_STATE_HOME": Self.state])
        #expect(try FilterCommandTests.objects(result.output).count == Self.numbers.count - 1)
    }

    /// A lesson file is input like a capture: escape sequences and bidi controls in its prose,
    /// step titles and questions are shown escaped, never sent to the terminal.
    @Test func aLessonsTextCannotDriveTheTerminal() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-home-\(UUID())")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("Lessons"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.copyItem(at: CommandRunner.root.appendingPathComponent("Samples"), to: home.appendingPathComponent("Samples"))
        var text = try String(contentsOf: CommandRunner.root.appendingPathComponent("Lessons/01-osi-layers.md"), encoding: .utf8)
        let heading = try #require(text.range(of: "\n## "))
        text.insert(contentsOf: "\n## Step \u{1B}[2Jtitle\n\nProse \u{1B}]0;owned\u{07} with \u{202E}bidi.\n", at: heading.lowerBound)
        try text.write(to: home.appendingPathComponent("Lessons/01-osi-layers.md"), atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["lesson", "1", "--plain"], environment: ["OSISCOPE_HOME": home.path, "XDG_STATE_HOME": Self.state])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("Step \\x1b[2Jtitle"), "\(result.output)")
        #expect(result.output.contains("Prose \\x1b]0;owned\\x07 with \\u{202e}bidi."))
        #expect(!result.output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
    }
}
