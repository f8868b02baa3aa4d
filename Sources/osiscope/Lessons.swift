#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Crypto
import Foundation
import OsiscopeLessons
import OsiscopeTerminal
import OsiscopeViews

struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The guided course: list the lessons with your progress, check them, or start again.",
        discussion: """
        Run one with 'osiscope lesson N'. Progress is kept in $XDG_STATE_HOME/osiscope/progress.json \
        (~/.local/state/osiscope/progress.json). Lessons and their samples are found through \
        $OSISCOPE_HOME, beside the installed binary (PREFIX/share/osiscope) or in the checkout.
        """,
        subcommands: [LessonList.self, LessonCheck.self, LessonAnswers.self, LessonReset.self],
        defaultSubcommand: LessonList.self)
}

struct LessonList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Each lesson: number, title, samples, steps and where you are.")

    @Flag(help: "One JSON object per lesson: number, title, samples, steps, done, step (the next to show).")
    var json = false

    func run() throws {
        let home = try LessonHome.find()
        let progress = LessonProgress()
        let out = Output()
        let lessons = try home.load()
        let titleWidth = lessons.map(\.title.count).max() ?? 0
        func padded(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        for lesson in lessons {
            let entry = progress[lesson.number]
            if json {
                var object = JSONWriter()
                object.add("number", lesson.number)
                object.add("title", lesson.title)
                object.addArray("samples", lesson.samples.map { JSONWriter.quoted($0.name) })
                object.add("steps", lesson.steps.count)
                object.add("done", entry.done)
                object.add("step", entry.step + 1)
                out.writeLine(object.finished())
            } else {
                let state = entry.done ? "done" : entry.step > 0 ? "at step \(entry.step + 1)" : ""
                let number = String(lesson.number)
                let line = String(repeating: " ", count: max(0, 3 - number.count)) + number + "  " + padded(lesson.title, titleWidth + 1)
                out.writeLine(line + padded(" \(lesson.steps.count) steps", 10) + state)
            }
        }
        out.flush()
    }
}

struct LessonAnswers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answers",
        abstract: "A lesson's answer key: each question's answer as computed from its sample, one per line (a teacher's key, or input for 'lesson N --plain').")

    @Argument(help: "The lesson's number.")
    var number: Int

    func run() throws {
        let home = try LessonHome.find()
        let lesson = try LessonCommand.lesson(number, in: home)
        let out = Output()
        for question in lesson.steps.flatMap(\.questions) {
            guard let answer = SelfCommand.answer(question, lesson: lesson, home: home) else {
                printError("\(lesson.file):\(question.line): the answer cannot be computed (see 'osiscope lessons check')")
                throw ExitStatus.damaged
            }
            out.writeLine(TerminalSafe.text(answer))
        }
        out.flush()
    }
}

struct LessonReset: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reset", abstract: "Forget your progress in every lesson.")

    func run() throws {
        try LessonProgress.reset()
        printError("progress forgotten (\(LessonProgress.defaultPath()))")
    }
}

struct LessonCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify every lesson: samples present with their checksums, views that run, answers that compute, the reference accepted and a wrong answer refused.")

    func run() throws {
        let home = try LessonHome.find()
        let lessons = try home.load()
        var problems = 0, questions = 0, views = 0
        func problem(_ lesson: Lesson, _ line: Int?, _ text: String) {
            problems += 1
            printError("\(lesson.file)\(line.map { ":\($0)" } ?? ""): \(text)")
        }
        var numbers = Set<Int>()
        for lesson in lessons {
            if !numbers.insert(lesson.number).inserted { problem(lesson, nil, "lesson number \(lesson.number) is used twice") }
            for sample in lesson.samples {
                let path = home.samplePath(sample.name)
                guard let data = FileManager.default.contents(atPath: path) else {
                    problem(lesson, nil, "sample \(sample.name) is missing (\(path))")
                    continue
                }
                let sum = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
                if let expected = sample.sha256, expected != sum { problem(lesson, nil, "sample \(sample.name) has sha256 \(sum), not \(expected)") }
                if sample.sha256 == nil { problem(lesson, nil, "sample \(sample.name) has no sha256: (it is \(sum))") }
            }
            for step in lesson.steps {
                for block in step.blocks {
                    switch block {
                    case .live(_, let arguments, let line), .view(let arguments, let line):
                        views += 1
                        let result = SelfCommand.run(home.resolve(arguments, lesson: lesson), columns: 80)
                        if result.status != 0 || result.output.isEmpty {
                            problem(lesson, line, "the view 'osiscope \(arguments.joined(separator: " "))' failed (status \(result.status)): \(result.output.prefix(300))")
                        }
                    case .question(let question):
                        questions += 1
                        guard let expected = SelfCommand.answer(question, lesson: lesson, home: home) else {
                            problem(lesson, question.line, "the answer cannot be computed: \(question.answer.arguments(samples: ["SAMPLE"]).joined(separator: " "))")
                            continue
                        }
                        if !question.accept.accepts(expected, expected: expected) { problem(lesson, question.line, "the reference answer '\(expected)' is refused") }
                        let wrong = Self.wrongAnswer(to: expected, accept: question.accept)
                        if question.accept.accepts(wrong, expected: expected) { problem(lesson, question.line, "a wrong answer '\(wrong)' is accepted") }
                    case .prose:
                        break
                    }
                }
            }
        }
        printError("\(lessons.count) lessons, \(views) views, \(questions) questions: \(problems == 0 ? "all good" : "\(problems) problems")")
        if problems > 0 { throw ExitStatus.damaged }
    }

    /// Something a learner might type that must not pass: a number well outside any
    /// tolerance, or other text.
    static func wrongAnswer(to expected: String, accept: AnswerMatcher) -> String {
        guard let number = Double(expected) else { return "not " + expected }
        let off = switch accept {
        case .exact: 1.0
        case .within(let amount): amount * 2 + 1
        case .withinFraction(let fraction): abs(number) * fraction * 2 + 1
        }
        return String(number + off)
    }
}

struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Run a lesson: prose, views of a real capture, and questions answered from it.",
        discussion: """
        Answers are checked against values computed from the lesson's sample. Type 'hint' for a \
        hint and 'reveal' for the answer. Without a terminal, or with --plain, the lesson is \
        printed as text and answers are read line by line; at the end of input the rest is \
        printed as a worksheet (exit status 0).

        Examples:
          osiscope lesson 1
          printf '64\\n' | osiscope lesson 2 --plain
          osiscope lesson 3 --plain < /dev/null > worksheet.txt
        """)

    @Argument(help: "The lesson's number (see 'osiscope lessons').")
    var number: Int

    @Flag(help: "Text in, text out: no screen handling (the default without a terminal).")
    var plain = false

    @Option(help: ArgumentHelp("Start at this step (default: where you left off, or the first in plain mode).", valueName: "n"))
    var step: Int?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let home = try LessonHome.find()
        let lesson = try Self.lesson(number, in: home)
        if let step, !(1...lesson.steps.count).contains(step) {
            printError("lesson \(number) has steps 1–\(lesson.steps.count)")
            throw ExitStatus.usage
        }
        var progress = LessonProgress()
        if !plain, let terminal = Terminal() {
            // On the screen the lesson resumes where it was left, unless a step is asked for.
            let listing = try home.load().map { other in
                let entry = progress[other.number]
                return "\(other.number). \(other.title)" + (entry.done ? "  (done)" : entry.step > 0 ? "  (at step \(entry.step + 1))" : "")
            }
            let runner = InteractiveLessonRunner(lesson: lesson, home: home, terminal: terminal, listing: listing)
            runner.run(from: step.map { $0 - 1 } ?? progress[lesson.number].step, progress: &progress,
                       plainStyle: !output.style.enabled)
            return
        }
        let out = Output(inputIsStream: true)
        var runner = PlainLessonRunner(lesson: lesson, home: home, out: out, width: min(terminalWidth() ?? 80, 120))
        _ = runner.run(from: (step ?? 1) - 1, progress: &progress)
        out.flush()
    }

    static func lesson(_ number: Int, in home: LessonHome) throws -> Lesson {
        let lessons = try home.load()
        guard let lesson = lessons.first(where: { $0.number == number }) else {
            printError("there is no lesson \(number): the lessons are \(lessons.map { String($0.number) }.joined(separator: ", ")) (see 'osiscope lessons')")
            throw ExitStatus.usage
        }
        return lesson
    }
}
