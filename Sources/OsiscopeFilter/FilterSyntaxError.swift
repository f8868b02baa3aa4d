/// A display filter that cannot be used, with the place of the problem: written as tshark
/// writes its own, the expression on a line and a caret under the bad token.
public struct FilterSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Where the problem starts, in characters from 0, and how many characters it covers.
    public var column: Int
    public var length: Int

    init(_ message: String, column: Int, length: Int = 1) {
        self.message = message
        self.column = column
        self.length = max(1, length)
    }

    public var description: String { message }

    /// The message, the expression indented, and `^~~` under the bad part.
    public func rendered(expression: String) -> String {
        let line = String(expression.map { $0 == "\t" || $0 == "\n" ? " " : $0 })
        let stop = message.hasSuffix("?") || message.hasSuffix(".") ? "" : "."
        return "\(message)\(stop)\n    \(line)\n    \(String(repeating: " ", count: column))^\(String(repeating: "~", count: length - 1))"
    }
}
