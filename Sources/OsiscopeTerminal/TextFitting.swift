/// Text made to fit a width for the interactive views: cut with "…", or wrapped at spaces.
public enum TextFitting {
    public static func cut(_ line: String, to width: Int) -> String {
        guard line.count > width else { return line }
        return width <= 1 ? String(line.prefix(width)) : String(line.prefix(width - 1)) + "…"
    }

    /// Words kept whole where they fit; continuation lines start with `indent` spaces.
    public static func wrap(_ line: String, width: Int, indent: Int = 0) -> [String] {
        guard line.count > width, width > indent + 8 else { return [line] }
        var lines: [String] = []
        var current = ""
        let lead = String(line.prefix { $0 == " " })
        for word in line.split(separator: " ", omittingEmptySubsequences: true) {
            let start = lines.isEmpty ? lead : String(repeating: " ", count: indent)
            if current.isEmpty {
                current = start + word
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(repeating: " ", count: indent) + word
            }
            while current.count > width {
                lines.append(String(current.prefix(width)))
                current = String(repeating: " ", count: indent) + current.dropFirst(width)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
