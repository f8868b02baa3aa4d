import Foundation
import OsiscopeTerminal

/// The interactive lesson runner as a model: keys in, frames out, no terminal needed (tests
/// drive it with keys). One step at a time, scrolled to fit; the first open question of the
/// step takes an answer after `a` (or Enter); a key bar is always at the bottom.
public struct LessonSession {
    public let lesson: Lesson
    public private(set) var step: Int
    public private(set) var mode = Mode.reading
    /// The learner reached the end (pressed next on the last step).
    public private(set) var finished = false
    /// Lines of the lesson list (`l`), with progress, as the caller gives them.
    public var listing: [String] = []
    /// Colours off: the key bar and highlights use brackets instead of reverse video.
    public var plainStyle = false
    /// What a live capture started from this step printed so far (the runner fills it in);
    /// nil until one runs, and the recording is shown instead.
    public var liveLines: [String]?
    /// Said under the live lines (the capture ended, or is not permitted).
    public var liveNote: String?
    /// The capture command the learner asked for with `c`, for the runner to start.
    public private(set) var liveRequest: [String]?

    public enum Mode: Equatable {
        case reading
        case answering(String)
        case list
    }

    /// A question of a step as far as the learner got: the attempt, and what was said of it.
    private struct Asked {
        var attempt: QuestionAttempt
        var feedback: [String] = []
    }

    private var asked: [Int: [Int: Asked]] = [:]
    private var scroll = 0
    private var answers: [String: String] = [:]
    private var views: [String: [String]] = [:]
    private let computeAnswer: (Question) -> String?
    private let renderView: ([String]) -> String
    private var status = ""

    /// - Parameters:
    ///   - answer: computes a question's answer from its sample (cached here).
    ///   - view: the output of an osiscope command line, for view blocks (cached here).
    public init(lesson: Lesson, step: Int = 0, answer: @escaping (Question) -> String?, view: @escaping ([String]) -> String) {
        self.lesson = lesson
        self.step = min(max(0, step), lesson.steps.count - 1)
        computeAnswer = answer
        renderView = view
    }

    public static let keyBar = "n next · p previous · a answer · h hint · r reveal · l list · ↑↓ scroll · q quit"
    /// On a step with a live capture.
    public static let liveKeyBar = "c capture live · n next · p previous · a answer · h hint · r reveal · l list · q quit"

    /// Handles one key; false when the learner quits.
    public mutating func handle(_ key: Key) -> Bool {
        switch mode {
        case .list:
            if key == .escape || key == .character("l") || key == .enter { mode = .reading }
            if key == .character("q") || key == .interrupt || key == .endOfInput { return false }
            return true
        case .answering(let text):
            switch key {
            case .enter: submit(text)
            case .escape: mode = .reading; status = ""
            case .backspace: mode = .answering(String(text.dropLast()))
            case .character(let character): mode = .answering(text + String(character))
            case .interrupt, .endOfInput: return false
            default: break
            }
            return true
        case .reading:
            break
        }
        status = ""
        switch key {
        case .character("n"), .right, .character(" "): move(by: 1)
        case .character("p"), .left: move(by: -1)
        case .character("a"), .enter:
            if openQuestion != nil { mode = .answering(""); status = "Type your answer: Enter checks it, Esc goes back." }
            else { status = "No question is open on this step: n for the next one." }
        case .character("h"): hint()
        case .character("r"): reveal()
        case .character("l"): mode = .list
        case .character("c"):
            if let capture = liveCapture {
                liveRequest = capture
                status = "Capturing: open a WebSocket now (q quits, n moves on and stops the capture)."
            } else {
                status = "This step has no live capture."
            }
        case .up: scroll = max(0, scroll - 1)
        case .down: scroll += 1
        case .pageUp: scroll = max(0, scroll - 10)
        case .pageDown: scroll += 10
        case .home: scroll = 0
        case .character("q"), .escape, .interrupt, .endOfInput: return false
        default: break
        }
        return true
    }

    /// The screen for this size: a title line, the step scrolled to fit, a status line and the
    /// key bar.
    public mutating func frame(rows: Int, columns: Int) -> [String] {
        let width = max(20, columns)
        let title = "Lesson \(lesson.number) · \(lesson.title) — step \(step + 1) of \(lesson.steps.count) · \(lesson.steps[step].title)"
        var body: [String]
        if mode == .list {
            body = ["Lessons (Enter or Esc to go back):", ""] + listing
        } else {
            body = content(width: width)
        }
        let room = max(1, rows - 3)
        scroll = min(scroll, max(0, body.count - room))
        let shown = Array(body.dropFirst(scroll).prefix(room))
        var lines = [emphasis(TextFitting.cut(title, to: width))] + shown.map { TextFitting.cut($0, to: width) }
        lines += Array(repeating: "", count: max(0, room - shown.count))
        let more = body.count > scroll + room ? " (↓ more)" : ""
        lines.append(TextFitting.cut(status.isEmpty ? more.trimmingLeadingSpace : status + more, to: width))
        lines.append(bar(TextFitting.cut(liveCapture == nil ? Self.keyBar : Self.liveKeyBar, to: width)))
        return lines
    }

    // MARK: content

    private mutating func content(width: Int) -> [String] {
        var lines: [String] = []
        var questionIndex = 0
        for block in lesson.steps[step].blocks {
            lines.append("")
            switch block {
            case .prose(let text):
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    lines += TextFitting.wrap(String(line), width: width)
                }
            case .view(let arguments, _):
                lines += viewLines(arguments)
            case .live(let capture, let fallback, _):
                if let liveLines {
                    lines.append("$ osiscope " + capture.joined(separator: " "))
                    lines += liveLines
                    if let liveNote { lines += TextFitting.wrap(liveNote, width: width) }
                } else {
                    if let liveNote { lines += TextFitting.wrap(liveNote, width: width) }
                    lines += TextFitting.wrap("Press c to capture your own traffic live (osiscope \(capture.joined(separator: " "))). Until then, a recording of the same:", width: width)
                    lines += viewLines(fallback)
                }
            case .question(let question):
                let state = asked[step]?[questionIndex]
                lines += TextFitting.wrap("? " + question.ask, width: width, indent: 2)
                lines += (state?.feedback ?? []).flatMap { TextFitting.wrap("  " + $0, width: width, indent: 4) }
                if !(state?.attempt.settled ?? false) {
                    if questionIndex == openQuestion?.index, case .answering(let text) = mode {
                        lines.append("  > " + text + "▌")
                    } else if questionIndex == openQuestion?.index {
                        lines.append("  Answer: ____  (a to answer)")
                    }
                }
                questionIndex += 1
            }
        }
        return lines
    }

    private mutating func viewLines(_ arguments: [String]) -> [String] {
        let key = arguments.joined(separator: "\u{0}")
        if let cached = views[key] { return cached }
        let output = renderView(arguments)
        var lines = ["$ osiscope " + arguments.joined(separator: " ")]
        lines += output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        views[key] = lines
        return lines
    }

    /// The capture command of this step's live block, if it has one.
    public var liveCapture: [String]? {
        for case .live(let capture, _, _) in lesson.steps[step].blocks { return capture }
        return nil
    }

    /// The request for a live capture, once (the runner starts it).
    public mutating func takeLiveRequest() -> [String]? {
        defer { liveRequest = nil }
        return liveRequest
    }

    // MARK: questions

    /// The first question of this step not yet answered or revealed.
    private var openQuestion: (index: Int, question: Question)? {
        for (index, question) in lesson.steps[step].questions.enumerated() where !(asked[step]?[index]?.attempt.settled ?? false) {
            return (index, question)
        }
        return nil
    }

    private mutating func expected(_ question: Question) -> String? {
        let key = "\(step):\(question.line)"
        if let known = answers[key] { return known }
        let computed = computeAnswer(question)
        answers[key] = computed
        return computed
    }

    private mutating func update(_ index: Int, _ question: Question, _ change: (inout Asked) -> Void) {
        var state = asked[step]?[index] ?? Asked(attempt: QuestionAttempt(question))
        change(&state)
        asked[step, default: [:]][index] = state
    }

    private mutating func submit(_ text: String) {
        guard let (index, question) = openQuestion else { mode = .reading; return }
        let given = text.trimmingCharacters(in: .whitespaces)
        guard !given.isEmpty else { return }
        guard let expected = expected(question) else {
            update(index, question) { $0.attempt.reveal(); $0.feedback.append("(the answer cannot be computed from the sample: run 'osiscope lessons check')") }
            mode = .reading
            return
        }
        mode = .reading
        let explain = question.explain.map { " " + $0 } ?? ""
        var verdict = QuestionAttempt.Verdict.right
        update(index, question) { state in
            verdict = state.attempt.answer(given, expected: expected)
            switch verdict {
            case .right: state.feedback.append("✓ Right: \(expected)." + explain)
            case .revealed: state.feedback.append("✗ Not \(given). The answer: \(expected)." + explain)
            case .wrong(let triesLeft): state.feedback.append("✗ Not \(given) (\(triesLeft) tries left).")
            }
        }
        switch verdict {
        case .right: status = openQuestion == nil ? "Right. n for the next step." : "Right. a for the next question."
        case .revealed: status = "Revealed after \(question.revealAfter) tries. n for the next step."
        case .wrong: status = "Not yet: a to try again, h for a hint, r to reveal."
        }
    }

    private mutating func hint() {
        guard let (index, question) = openQuestion else { status = "No question is open on this step."; return }
        update(index, question) { state in
            if let hint = state.attempt.nextHint() {
                state.feedback.append("Hint: " + hint)
            } else {
                state.feedback.append(question.hints.isEmpty ? "No hint for this one: r reveals the answer." : "No more hints: r reveals the answer.")
            }
        }
    }

    private mutating func reveal() {
        guard let (index, question) = openQuestion else { status = "No question is open on this step."; return }
        let answer = expected(question) ?? "(cannot be computed)"
        update(index, question) { $0.attempt.reveal(); $0.feedback.append("The answer: \(answer)." + (question.explain.map { " " + $0 } ?? "")) }
    }

    private mutating func move(by offset: Int) {
        let target = step + offset
        if target >= lesson.steps.count {
            finished = true
            status = "That was the last step: the lesson is done. l for the list, q to quit."
            return
        }
        guard target >= 0 else { status = "This is the first step."; return }
        step = target
        scroll = 0
        liveLines = nil
        liveNote = nil
    }

    private func emphasis(_ text: String) -> String { plainStyle ? text : "\u{1B}[1m" + text + "\u{1B}[0m" }
    private func bar(_ text: String) -> String { plainStyle ? "[" + text + "]" : "\u{1B}[7m" + text + "\u{1B}[0m" }
}

extension String {
    fileprivate var trimmingLeadingSpace: String { String(drop { $0 == " " }) }
}
