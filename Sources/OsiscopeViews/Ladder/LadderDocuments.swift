import OsiscopeWire

/// The ladder for slides and documents: Mermaid and PlantUML sequence diagrams.
public enum LadderDocuments {
    /// A Mermaid `sequenceDiagram` (no code fence): one `->>` arrow per message and gap entry,
    /// `-->>` for TCP segments, silences as notes.
    public static func mermaid(_ layout: LadderLayout, client: String, server: String) -> String {
        var lines = ["sequenceDiagram",
                     "    participant C as client \(mermaidText(client))",
                     "    participant S as server \(mermaidText(server))"]
        for row in layout.rows {
            switch row {
            case .silence(let seconds):
                lines.append("    Note over C,S: \(mermaidText(MessageList.milliseconds(seconds))) later")
            case .entry(let entry, let seconds, _):
                let (from, to) = entry.direction == .client ? ("C", "S") : ("S", "C")
                let arrow = entry.kind == .segment ? "-->>" : "->>"
                let label = (entry.kind == .gap ? "lost: " : "") + entry.label + " (\(String(format6: seconds)) s)"
                lines.append("    \(from)\(arrow)\(to): \(mermaidText(label))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Mermaid reads `;` and `#` as syntax and HTML in labels: written as its entity codes.
    static func mermaidText(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "#": out += "#35;"
            case ";": out += "#59;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "\n", "\r": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// A PlantUML diagram: `->` messages, `->x` lost bytes, `-->` segments, `...` silences.
    public static func plantUML(_ layout: LadderLayout, client: String, server: String) -> String {
        var lines = ["@startuml", "participant \"client \(plantText(client))\" as C", "participant \"server \(plantText(server))\" as S"]
        for row in layout.rows {
            switch row {
            case .silence(let seconds):
                lines.append("... \(MessageList.milliseconds(seconds)) later ...")
            case .entry(let entry, let seconds, _):
                let (from, to) = entry.direction == .client ? ("C", "S") : ("S", "C")
                let arrow = switch entry.kind { case .message: "->"; case .gap: "->x"; case .segment: "-->" }
                lines.append("\(from) \(arrow) \(to) : \(plantText(entry.label)) (\(String(format6: seconds)) s)")
            }
        }
        lines.append("@enduml")
        return lines.joined(separator: "\n") + "\n"
    }

    /// PlantUML ends a label at a line end and reads a backslash as an escape (`\n`): a
    /// backslash is shown as "∖", a line end as a space, a double quote as a single one.
    static func plantText(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "∖").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\"", with: "'")
    }
}
