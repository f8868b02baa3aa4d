/// Text from a capture made safe for an HTML page: control characters written visibly (as
/// in the terminal views), then the characters HTML gives a meaning escaped.
enum HTMLText {
    /// Several lines (a view's text for a `<pre>`): each escaped, the line ends kept.
    static func escapeLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "\n")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in TerminalSafe.text(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
