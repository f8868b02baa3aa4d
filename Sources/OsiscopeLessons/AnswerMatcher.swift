import Foundation

/// Whether a learner's answer is the computed one, after the forgiving readings people expect:
/// case and spacing ignored, quotes dropped, numbers in decimal or 0x hex with thousands
/// separators and a unit word after them ("64,240 bytes"), and, for measured values, a range.
public enum AnswerMatcher: Sendable, Equatable {
    /// Numbers compare as numbers, anything else as normalised text.
    case exact
    /// A number within this much of the answer (timings, which differ by capture).
    case within(Double)
    /// A number within this fraction of the answer (0.1 is ±10 %).
    case withinFraction(Double)

    /// `accept:` as a lesson writes it: "exact", "within 0.05", "within 10%".
    public init(_ text: String) throws(LessonSyntaxError) {
        let words = text.split(separator: " ")
        if words == ["exact"] {
            self = .exact
        } else if words.count == 2, words[0] == "within" {
            let amount = words[1]
            if amount.hasSuffix("%"), let percent = Double(amount.dropLast()) {
                self = .withinFraction(percent / 100)
            } else if let value = Double(amount) {
                self = .within(value)
            } else {
                throw LessonSyntaxError("accept: within takes a number or a percentage, not \(amount)")
            }
        } else {
            throw LessonSyntaxError("accept: takes exact, within N or within N%, not '\(text)'")
        }
    }

    public func accepts(_ given: String, expected: String) -> Bool {
        let expectedNumber = Self.number(expected), givenNumber = Self.number(given)
        switch self {
        case .exact:
            if let expectedNumber, let givenNumber { return expectedNumber == givenNumber }
            return Self.normalised(given) == Self.normalised(expected)
        case .within(let amount):
            guard let expectedNumber, let givenNumber else { return false }
            return abs(givenNumber - expectedNumber) <= amount
        case .withinFraction(let fraction):
            guard let expectedNumber, let givenNumber else { return false }
            return abs(givenNumber - expectedNumber) <= abs(expectedNumber) * fraction
        }
    }

    /// Lowercase, single spaces, no surrounding quotes.
    static func normalised(_ text: String) -> String {
        var words = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        while let first = words.first, let last = words.last, words.count >= 2, first == last, "\"'`".contains(first) {
            words = String(words.dropFirst().dropLast())
        }
        return words
    }

    /// "64240", "64,240 bytes", "0xfaf0", "0.2 s", "200ms", "-1": the number; nil for anything else.
    static func number(_ text: String) -> Double? {
        let words = normalised(text).split(separator: " ")
        guard let first = words.first, words.count <= 2 else { return nil }
        if words.count == 2, words[1].contains(where: { !$0.isLetter && $0 != "%" }) { return nil }
        if first.hasPrefix("0x"), let value = UInt64(first.dropFirst(2), radix: 16) { return Double(value) }
        guard let match = first.wholeMatch(of: /(-?[0-9]{1,3}(?:,[0-9]{3})+|-?[0-9]+)(\.[0-9]+)?([a-zµ%]*)/),
              words.count == 1 || match.3.isEmpty else { return nil }
        return Double(match.1.replacingOccurrences(of: ",", with: "") + (match.2 ?? ""))
    }
}
