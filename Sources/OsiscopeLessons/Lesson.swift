/// A lesson as its file says it: numbered, titled, worked on recorded samples, and made of
/// steps that show prose, run views and ask questions.
public struct Lesson: Sendable, Equatable {
    public var number: Int
    public var title: String
    public var samples: [Sample]
    public var steps: [Step]
    /// Where it was read from, for messages.
    public var file: String

    public struct Sample: Sendable, Equatable {
        /// A file name in the samples folder.
        public var name: String
        /// The SHA-256 the lesson was written against (lowercase hex), if given.
        public var sha256: String?
    }

    public struct Step: Sendable, Equatable {
        public var title: String
        public var blocks: [Block]
        /// Line of its heading in the file.
        public var line: Int

        public var questions: [Question] {
            blocks.compactMap { if case .question(let question) = $0 { question } else { nil } }
        }
    }

    public enum Block: Sendable, Equatable {
        /// Markdown prose, shown as written.
        case prose(String)
        /// An osiscope command line (without "osiscope"), its output shown inline.
        case view(arguments: [String], line: Int)
        case question(Question)
        /// Your own traffic: a live capture in an interactive terminal where capturing is
        /// permitted; everywhere else (plain mode, end of input, `lessons check`, no permission)
        /// the fallback view of a recorded sample.
        case live(capture: [String], fallback: [String], line: Int)
    }

    /// The sample a question or view names when it names none: the lesson's first.
    public var defaultSample: String? { samples.first?.name }

    /// The same lesson with every text a learner reads passed through `transform` (titles,
    /// prose, questions, hints, explanations); commands and queries are left as they are.
    public func mappingText(_ transform: (String) -> String) -> Lesson {
        var lesson = self
        lesson.title = transform(title)
        for index in lesson.steps.indices {
            lesson.steps[index].title = transform(steps[index].title)
            lesson.steps[index].blocks = steps[index].blocks.map { block in
                switch block {
                case .prose(let text): return .prose(transform(text))
                case .question(var question):
                    question.ask = transform(question.ask)
                    question.hints = question.hints.map(transform)
                    question.explain = question.explain.map(transform)
                    return .question(question)
                case .view, .live: return block
                }
            }
        }
        return lesson
    }
}

/// A question whose answer is computed from a sample, never typed into the lesson.
public struct Question: Sendable, Equatable {
    public var ask: String
    /// The query that computes the answer (see `AnswerQuery`).
    public var answer: AnswerQuery
    public var accept: AnswerMatcher
    public var hints: [String]
    /// Tries before the answer is shown.
    public var revealAfter: Int
    /// Said once the answer is right (or revealed).
    public var explain: String?
    /// The sample the query reads; nil for the lesson's first.
    public var sample: String?
    public var line: Int
}
