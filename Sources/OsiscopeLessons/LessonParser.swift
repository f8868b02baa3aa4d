import Foundation

/// Reads a lesson file: Markdown with a front matter of `key: value` lines between `---` lines
/// (number, title, and one `sample:` line per capture: `sample: NAME sha256:HEX`), then steps,
/// each a `## Heading` with prose, ```` ```view ```` blocks (an osiscope command line) and
/// ```` ```question ```` blocks (`key: value` lines: ask, answer, accept, hint, reveal-after,
/// explain, sample). Lessons/README.md is the teacher's guide to it.
public enum LessonParser {
    public static func parse(_ text: String, file: String = "") throws(LessonSyntaxError) -> Lesson {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw LessonSyntaxError("a lesson starts with its front matter between two '---' lines (number:, title:, sample:)", line: 1)
        }
        var number: Int?, title: String?, samples: [Lesson.Sample] = []
        for index in 1..<end {
            guard let (key, value) = try pair(lines[index], line: index + 1) else { continue }
            switch key {
            case "number":
                guard let value = Int(value), value > 0 else { throw LessonSyntaxError("number: takes a lesson number, 1 or more", line: index + 1) }
                number = value
            case "title": title = value
            case "sample":
                let parts = value.split(separator: " ")
                guard let name = parts.first else { throw LessonSyntaxError("sample: takes a file name", line: index + 1) }
                let sum = parts.dropFirst().first { $0.hasPrefix("sha256:") }.map { String($0.dropFirst(7)).lowercased() }
                samples.append(Lesson.Sample(name: String(name), sha256: sum))
            default:
                throw LessonSyntaxError("unknown front matter key '\(key)' (number, title, sample)", line: index + 1)
            }
        }
        guard let number else { throw LessonSyntaxError("the front matter needs number:", line: 1) }
        guard let title else { throw LessonSyntaxError("the front matter needs title:", line: 1) }
        guard !samples.isEmpty else { throw LessonSyntaxError("the front matter needs at least one sample:", line: 1) }
        let steps = try self.steps(lines, from: end + 1)
        guard !steps.isEmpty else { throw LessonSyntaxError("a lesson needs at least one '## ' step", line: end + 2) }
        return Lesson(number: number, title: title, samples: samples, steps: steps, file: file)
    }

    private static func steps(_ lines: [String], from start: Int) throws(LessonSyntaxError) -> [Lesson.Step] {
        var steps: [Lesson.Step] = []
        var prose: [String] = []
        var index = start
        func flushProse() {
            let text = prose.joined(separator: "\n").trimmingCharacters(in: .newlines)
            prose = []
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !steps.isEmpty else { return }
            steps[steps.count - 1].blocks.append(.prose(text))
        }
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("## ") {
                flushProse()
                steps.append(Lesson.Step(title: String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), blocks: [], line: index + 1))
                index += 1
                continue
            }
            let fence = line.trimmingCharacters(in: .whitespaces)
            if fence == "```view" || fence == "```question" || fence == "```live" {
                guard !steps.isEmpty else { throw LessonSyntaxError("a \(fence.dropFirst(3)) block must be inside a '## ' step", line: index + 1) }
                flushProse()
                guard let close = lines[(index + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "```" }) else {
                    throw LessonSyntaxError("the \(fence.dropFirst(3)) block is never closed with ```", line: index + 1)
                }
                let body = Array(lines[(index + 1)..<close])
                let block: Lesson.Block = switch fence {
                case "```view": try view(body, line: index + 2)
                case "```live": try live(body, line: index + 2)
                default: .question(try question(body, line: index + 2))
                }
                steps[steps.count - 1].blocks.append(block)
                index = close + 1
                continue
            }
            if !steps.isEmpty || !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard !steps.isEmpty else { throw LessonSyntaxError("text before the first '## ' step", line: index + 1) }
                prose.append(line)
            }
            index += 1
        }
        flushProse()
        return steps
    }

    private static func view(_ body: [String], line: Int) throws(LessonSyntaxError) -> Lesson.Block {
        let commands = body.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard commands.count == 1 else { throw LessonSyntaxError("a view block holds one osiscope command line", line: line) }
        var command = commands[0]
        if command.hasPrefix("osiscope ") { command = String(command.dropFirst(9)) }
        return .view(arguments: try words(command, line: line), line: line)
    }

    /// `capture: …` (the live command) and `sample: …` (the view shown instead).
    private static func live(_ body: [String], line: Int) throws(LessonSyntaxError) -> Lesson.Block {
        var capture: [String]?, fallback: [String]?
        for (offset, text) in body.enumerated() {
            guard let (key, value) = try pair(text, line: line + offset) else { continue }
            var command = value
            if command.hasPrefix("osiscope ") { command = String(command.dropFirst(9)) }
            switch key {
            case "capture":
                capture = try words(command, line: line + offset)
                guard capture?.first == "capture" else { throw LessonSyntaxError("capture: takes an 'osiscope capture …' command line", line: line + offset) }
            case "sample": fallback = try words(command, line: line + offset)
            default: throw LessonSyntaxError("unknown live key '\(key)' (capture, sample)", line: line + offset)
            }
        }
        guard let capture, let fallback else { throw LessonSyntaxError("a live block needs capture: and sample: (the view shown when capturing is not possible)", line: line) }
        return .live(capture: capture, fallback: fallback, line: line)
    }

    private static func question(_ body: [String], line: Int) throws(LessonSyntaxError) -> Question {
        var ask: String?, answer: AnswerQuery?, accept = AnswerMatcher.exact, hints: [String] = []
        var revealAfter = 3, explain: String?, sample: String?
        for (offset, text) in body.enumerated() {
            guard let (key, value) = try pair(text, line: line + offset) else { continue }
            do throws(LessonSyntaxError) {
                switch key {
                case "ask": ask = value
                case "answer": answer = try AnswerQuery(value)
                case "accept": accept = try AnswerMatcher(value)
                case "hint": hints.append(value)
                case "explain": explain = value
                case "sample": sample = value
                case "reveal-after":
                    guard let tries = Int(value), tries >= 1 else { throw LessonSyntaxError("reveal-after: takes a number of tries, 1 or more") }
                    revealAfter = tries
                default:
                    throw LessonSyntaxError("unknown question key '\(key)' (ask, answer, accept, hint, reveal-after, explain, sample)")
                }
            } catch {
                throw LessonSyntaxError(error.message, line: line + offset)
            }
        }
        guard let ask else { throw LessonSyntaxError("a question needs ask:", line: line) }
        guard let answer else { throw LessonSyntaxError("a question needs answer: (a query that computes it)", line: line) }
        return Question(ask: ask, answer: answer, accept: accept, hints: hints, revealAfter: revealAfter, explain: explain,
                        sample: sample, line: line)
    }

    /// "key: value", nil for a blank line or a # comment.
    private static func pair(_ text: String, line: Int) throws(LessonSyntaxError) -> (String, String)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        guard let colon = trimmed.firstIndex(of: ":") else { throw LessonSyntaxError("expected 'key: value', got '\(trimmed)'", line: line) }
        return (String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces).lowercased(),
                String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
    }

    /// A command line split as a shell would for the simple cases lessons use: spaces, and
    /// single or double quotes around a word with spaces.
    static func words(_ command: String, line: Int) throws(LessonSyntaxError) -> [String] {
        var words: [String] = [], current = "", quote: Character?, inWord = false
        for character in command {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil else { throw LessonSyntaxError("a quote is never closed in '\(command)'", line: line) }
        if inWord { words.append(current) }
        return words
    }
}
