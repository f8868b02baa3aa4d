/// Fitting rendered lines to the terminal: cutting with "…" (lists, where one line per item
/// matters more than the tail) and word wrapping with a hanging indent (trees and messages,
/// where every word counts). Both count what the terminal shows: colour sequences take no
/// column. Each character counts as one column, which holds for the ASCII and box-drawing
/// text the views write; captured text reaches them through `TerminalSafe` already.
public enum LineFitting {
    /// Columns the line takes on screen.
    public static func visibleWidth(_ line: String) -> Int {
        var count = 0
        forEachVisible(line) { _, _ in count += 1 }
        return count
    }

    /// The line cut to `width` columns, its last visible character replaced by "…" when cut.
    public static func cut(_ line: String, to width: Int) -> String {
        guard visibleWidth(line) > width else { return line }
        var end = line.startIndex, seen = 0
        forEachVisible(line) { index, stop in
            if seen == max(0, width - 1) { end = index; stop = true } else { seen += 1; end = line.index(after: index) }
        }
        let styled = line.contains("\u{1B}[")
        return String(line[..<end]) + (styled ? "\u{1B}[0m…" : "…")
    }

    /// The line broken at spaces into lines of at most `width` columns; every line after the
    /// first starts with `indent` spaces. A word longer than the room is broken where it must be.
    public static func wrap(_ line: String, width: Int, indent: Int) -> [String] {
        guard visibleWidth(line) > width, width > indent + 8 else { return [line] }
        var lines: [String] = []
        var rest = Substring(line), prefix = ""
        while true {
            let room = width - prefix.count
            let candidate = prefix + rest
            if visibleWidth(candidate) <= width { lines.append(candidate); break }
            let breakAt = breakIndex(in: rest, room: room)
            lines.append(prefix + rest[..<breakAt].droppingTrailingSpaces)
            rest = rest[breakAt...].droppingLeadingSpaces
            prefix = String(repeating: " ", count: indent)
            if rest.isEmpty { break }
        }
        return lines
    }

    /// Every line of `text` wrapped (see `wrap`), joined again.
    public static func wrapLines(_ text: String, width: Int?, indent: (String) -> Int) -> String {
        guard let width else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            wrap(String(line), width: width, indent: indent(String(line))).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Spaces at the start of a line (its indentation).
    public static func leadingSpaces(_ line: String) -> Int { line.prefix { $0 == " " }.count }

    /// Where to end a line that may show `room` columns of `text`: after the last space that
    /// fits, or at `room` when no space does.
    static func breakIndex(in text: Substring, room: Int) -> Substring.Index {
        var seen = 0, lastSpace: Substring.Index?, hardBreak = text.endIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\u{1B}", let end = escapeEnd(text, from: index) { index = end; continue }
            if seen == room { hardBreak = index; break }
            if text[index] == " " && seen > 0 { lastSpace = index }
            seen += 1
            index = text.index(after: index)
        }
        if index == text.endIndex { return text.endIndex }
        if text[index] == " " { return index }
        return lastSpace ?? hardBreak
    }

    /// Calls `body` with the index of every character that takes a column.
    static func forEachVisible(_ line: String, _ body: (String.Index, inout Bool) -> Void) {
        var index = line.startIndex, stop = false
        while index < line.endIndex && !stop {
            if line[index] == "\u{1B}", let end = escapeEnd(Substring(line), from: index) { index = end; continue }
            body(index, &stop)
            index = line.index(after: index)
        }
    }

    /// The end of the colour sequence (ESC [ parameters letter) starting at `start`.
    static func escapeEnd(_ text: Substring, from start: Substring.Index) -> Substring.Index? {
        var index = text.index(after: start)
        guard index < text.endIndex, text[index] == "[" else { return nil }
        index = text.index(after: index)
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            if character.isLetter { return index }
        }
        return nil
    }
}

extension String {
    var droppingTrailingSpaces: String { String(Substring(self).droppingTrailingSpaces) }
}

extension Substring {
    var droppingTrailingSpaces: Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " { end = index(before: end) }
        return self[startIndex..<end]
    }

    var droppingLeadingSpaces: Substring { drop { $0 == " " } }
}
