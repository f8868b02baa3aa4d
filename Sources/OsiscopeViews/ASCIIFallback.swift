/// For `--ascii`: the typographic characters the views write, each as one ASCII character so
/// that columns stay aligned. Captured text keeps its own characters (the capture's, escaped
/// already if unsafe).
public enum ASCIIFallback {
    static let replacements: [(Character, String)] = [
        ("…", "~"), ("–", "-"), ("·", "-"), ("→", ">"), ("←", "<"), ("µ", "u"), ("⋯", "~"),
    ]

    public static func text(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: { !$0.isASCII }) else { return line }
        var out = ""
        for character in line {
            if let replacement = replacements.first(where: { $0.0 == character }) { out += replacement.1 } else { out.append(character) }
        }
        return out
    }
}
