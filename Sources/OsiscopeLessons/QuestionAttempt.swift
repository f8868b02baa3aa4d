/// A learner's way through one question, the same on the screen and in plain mode: answers
/// checked against the computed one, hints given one by one, the answer revealed after
/// `revealAfter` wrong tries or on request. The runners only say it in their own words.
public struct QuestionAttempt: Sendable, Equatable {
    public let question: Question
    public private(set) var tries = 0
    public private(set) var hintsGiven = 0
    /// Answered right or revealed: nothing more to ask.
    public private(set) var settled = false

    public enum Verdict: Equatable, Sendable {
        case right
        case wrong(triesLeft: Int)
        /// Wrong, and the last try: the answer is shown.
        case revealed
    }

    public init(_ question: Question) { self.question = question }

    public mutating func answer(_ given: String, expected: String) -> Verdict {
        if question.accept.accepts(given, expected: expected) {
            settled = true
            return .right
        }
        tries += 1
        guard tries < question.revealAfter else {
            settled = true
            return .revealed
        }
        return .wrong(triesLeft: question.revealAfter - tries)
    }

    /// The next hint, nil when every one was given.
    public mutating func nextHint() -> String? {
        guard hintsGiven < question.hints.count else { return nil }
        hintsGiven += 1
        return question.hints[hintsGiven - 1]
    }

    public mutating func reveal() { settled = true }
}
