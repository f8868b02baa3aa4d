#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OsiscopeLessons
import OsiscopeViews

/// A lesson as text, answers read line by line: for scripts, for a pipe, for `--plain`. At the
/// end of input the rest of the lesson is printed as a worksheet (questions with blanks).
struct PlainLessonRunner {
    let lesson: Lesson
    let home: LessonHome
    let out: Output
    let width: Int
    var readLine: () -> String? = { Swift.readLine(strippingNewline: true) }
    /// Standard input is a terminal, which shows what is typed.
    var echoed = isatty(STDIN_FILENO) == 1

    /// Returns whether every question was answered (or revealed).
    mutating func run(from first: Int = 0, progress: inout LessonProgress) -> Bool {
        out.writeLine("Lesson \(lesson.number) · \(lesson.title)")
        out.writeLine("Type an answer and Enter; 'hint' for a hint, 'reveal' for the answer.")
        var worksheet = false
        for index in first..<lesson.steps.count {
            let step = lesson.steps[index]
            out.writeLine("")
            out.writeLine("── Step \(index + 1) of \(lesson.steps.count) · \(step.title) " + String(repeating: "─", count: max(3, width - 20 - step.title.count)))
            for block in step.blocks {
                switch block {
                case .prose(let text):
                    out.writeLine("")
                    for line in text.split(separator: "\n", omittingEmptySubsequences: false) { out.writeLine(String(line)) }
                case .view(let arguments, _):
                    show(arguments)
                case .live(let capture, let fallback, _):
                    // Plain mode never waits for traffic: the recording stands in for it.
                    out.writeLine("")
                    out.writeLine("In a terminal, this step captures your own traffic: osiscope " + capture.joined(separator: " "))
                    out.writeLine("Here it shows a recording of the same thing instead.")
                    show(fallback)
                case .question(let question):
                    out.writeLine("")
                    out.writeLine("? " + question.ask)
                    if worksheet {
                        out.writeLine("  Answer: ____________________")
                    } else if !ask(question) {
                        worksheet = true
                        out.writeLine("  Answer: ____________________")
                    }
                }
            }
            if !worksheet {
                progress[lesson.number] = LessonProgress.Entry(step: min(index + 1, lesson.steps.count - 1), done: index + 1 == lesson.steps.count)
                try? progress.save()
            }
        }
        out.writeLine("")
        out.writeLine(worksheet ? "(end of input: the rest of the lesson above is a worksheet)" : "Lesson \(lesson.number) done.")
        return !worksheet
    }

    private func show(_ arguments: [String]) {
        out.writeLine("")
        out.writeLine("$ osiscope " + arguments.joined(separator: " "))
        let result = SelfCommand.run(home.resolve(arguments, lesson: lesson), columns: width)
        out.write(result.output.hasSuffix("\n") || result.output.isEmpty ? result.output : result.output + "\n")
    }

    /// Reads answers until one is right or the answer is revealed; false at the end of input.
    private mutating func ask(_ question: Question) -> Bool {
        guard let expected = SelfCommand.answer(question, lesson: lesson, home: home) else {
            out.writeLine("  (this question's answer cannot be computed from its sample: run 'osiscope lessons check')")
            return true
        }
        var attempt = QuestionAttempt(question)
        while true {
            out.write("> ")
            out.flush()
            guard let line = readLine() else { return false }
            // Typed answers are echoed by the terminal; piped ones are written, so the transcript reads.
            if !echoed { out.writeLine(line) }
            let given = line.trimmingCharacters(in: .whitespaces)
            if given.isEmpty { continue }
            if given.lowercased() == "hint" {
                out.writeLine(attempt.nextHint().map { "  Hint: " + $0 } ?? "  No more hints; 'reveal' shows the answer.")
                continue
            }
            if given.lowercased() == "reveal" {
                reveal(question, expected)
                return true
            }
            switch attempt.answer(given, expected: expected) {
            case .right:
                out.writeLine("  ✓ Right: \(TerminalSafe.text(expected))." + (question.explain.map { " " + $0 } ?? ""))
                return true
            case .revealed:
                out.writeLine("  ✗ Not \(TerminalSafe.text(given)).")
                reveal(question, expected)
                return true
            case .wrong(let triesLeft):
                let hint = attempt.nextHint().map { " Hint: " + $0 } ?? ""
                out.writeLine("  ✗ Not \(TerminalSafe.text(given)); try again (\(triesLeft) left).\(hint)")
            }
        }
    }

    private func reveal(_ question: Question, _ expected: String) {
        out.writeLine("  The answer: \(TerminalSafe.text(expected))." + (question.explain.map { " " + $0 } ?? ""))
    }
}
