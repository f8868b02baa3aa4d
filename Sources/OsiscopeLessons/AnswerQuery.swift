import Foundation

/// How a question's answer is computed from a sample, in the display-filter and field language
/// of `-Y`/`-e` and the stats figures:
///
///     count FILTER                     packets matching a display filter
///     count messages FILTER            messages matching (keys PROTOCOL.KEY)
///     value FIELD where FILTER         FIELD in the first packet matching
///     value messages FIELD where FILTER
///     stats STREAM PATH                a figure of `stats --json`, e.g. stats 0 client_to_server.overhead_bytes.l7
///     compare PATH                     a figure of `compare --json` over the lesson's samples, for
///                                      the question's sample
public enum AnswerQuery: Sendable, Equatable {
    case count(filter: String, messages: Bool)
    case value(field: String, filter: String, messages: Bool)
    case stats(stream: Int, path: String)
    case compare(path: String)

    public init(_ text: String) throws(LessonSyntaxError) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        func rest(after count: Int) -> String {
            words.dropFirst(count).joined(separator: " ")
        }
        switch words.first {
        case "count":
            let messages = words.count > 1 && words[1] == "messages"
            let filter = rest(after: messages ? 2 : 1)
            guard !filter.isEmpty else { throw LessonSyntaxError("count needs a display filter: count websocket.mask == 1") }
            self = .count(filter: filter, messages: messages)
        case "value":
            let messages = words.count > 1 && words[1] == "messages"
            let start = messages ? 2 : 1
            guard words.count > start + 2, words[start + 1] == "where" else {
                throw LessonSyntaxError("value needs a field and a filter: value tcp.window_size_value where tcp.flags.syn == 1")
            }
            self = .value(field: String(words[start]), filter: rest(after: start + 2), messages: messages)
        case "stats":
            guard words.count == 3, let stream = Int(words[1]) else {
                throw LessonSyntaxError("stats needs a stream and a figure: stats 0 client_to_server.overhead_bytes.l7")
            }
            self = .stats(stream: stream, path: String(words[2]))
        case "compare":
            guard words.count == 2 else { throw LessonSyntaxError("compare needs a figure of compare --json: compare wire_bytes_per_payload_byte") }
            self = .compare(path: String(words[1]))
        default:
            throw LessonSyntaxError("an answer is computed: count …, value … where …, stats STREAM FIGURE or compare FIGURE, not '\(text)'")
        }
    }

    /// The osiscope command line that computes it on `sample` (several for compare).
    public func arguments(samples: [String]) -> [String] {
        let sample = samples.first ?? ""
        switch self {
        case .count(let filter, let messages):
            // One line per message or packet that matches, whatever the field holds.
            return [messages ? "messages" : "packets", sample, "-Y", filter, "-T", "fields", "-e", "frame.number"]
        case .value(let field, let filter, let messages):
            return [messages ? "messages" : "packets", sample, "-Y", filter, "-T", "fields", "-e", field, "-E", "occurrence=f"]
        case .stats(let stream, _):
            return ["stats", sample, "--stream", String(stream), "--json"]
        case .compare:
            return ["compare"] + samples + ["--json"]
        }
    }

    /// The answer from that command's output: a count of lines, the first non-empty value, or
    /// the figure at the path (for compare, in the line of the capture `target`).
    public func answer(fromOutput output: String, target: String? = nil) -> String? {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        switch self {
        case .count:
            // A line per match, empty when the field is not in it.
            return String(output.reduce(0) { $1 == "\n" ? $0 + 1 : $0 })
        case .value:
            return lines.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        case .stats(_, let path):
            return lines.first.flatMap { JSONPath.value(at: path, in: $0) }
        case .compare(let path):
            let line = lines.first { JSONPath.value(at: "file", in: $0) == target } ?? (target == nil ? lines.first : nil)
            return line.flatMap { JSONPath.value(at: path, in: $0) }
        }
    }
}
