import OsiscopeWire

/// The ladder as a standalone SVG document a browser shows: lanes, arrows with their labels
/// and times, heavy lanes where a message was in flight, shaded rows where both sides sent.
public enum LadderSVG {
    static let rowHeight = 26, top = 70, left = 170, right = 830, width = 1000

    /// - Parameter standalone: a file of its own, with the XML declaration; false for SVG inline
    ///   in an HTML page, which takes none.
    public static func render(_ layout: LadderLayout, client: String, server: String, subject: String,
                              standalone: Bool = true) -> String {
        let height = top + layout.rows.count * rowHeight + 30
        var out = standalone ? #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" : ""
        out += """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
        font-family="DejaVu Sans Mono, monospace" font-size="12">
        <title>\(xml(subject)): client \(xml(client)), server \(xml(server))</title>
        <defs>
        <marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">\
        <path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker>
        <marker id="open" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">\
        <path d="M0,0 L10,5 L0,10" fill="none" stroke="#888"/></marker>
        </defs>
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="30" text-anchor="middle" font-weight="bold">client</text>
        <text x="\(left)" y="46" text-anchor="middle">\(xml(client))</text>
        <text x="\(right)" y="30" text-anchor="middle" font-weight="bold">server</text>
        <text x="\(right)" y="46" text-anchor="middle">\(xml(server))</text>
        <line x1="\(left)" y1="\(top - 10)" x2="\(left)" y2="\(height - 20)" stroke="#444"/>
        <line x1="\(right)" y1="\(top - 10)" x2="\(right)" y2="\(height - 20)" stroke="#444"/>

        """
        for (index, row) in layout.rows.enumerated() {
            let y = top + index * rowHeight + rowHeight / 2
            switch row {
            case .silence(let seconds):
                out += "<text x=\"\((left + right) / 2)\" y=\"\(y + 4)\" text-anchor=\"middle\" fill=\"#888\">"
                    + "⋯ \(xml(MessageList.milliseconds(seconds))) later ⋯</text>\n"
            case .entry(let entry, let seconds, let inFlight):
                if entry.kind != .segment && inFlight[entry.direction.opposite] {
                    out += "<rect x=\"0\" y=\"\(y - rowHeight / 2)\" width=\"\(width)\" height=\"\(rowHeight)\" fill=\"#e6f6e6\"/>\n"
                }
                for side in Direction.allCases where inFlight[side] {
                    let x = side == .client ? left : right
                    out += "<rect x=\"\(x - 3)\" y=\"\(y - rowHeight / 2)\" width=\"6\" height=\"\(rowHeight)\" fill=\"#444\"/>\n"
                }
                let (from, to) = entry.direction == .client ? (left, right) : (right, left)
                let color = switch entry.kind {
                case .message: entry.direction == .client ? "#1b6fb5" : "#a4308f"
                case .gap: "#c98a00"
                case .segment: "#888"
                }
                let dash = if case .message = entry.kind { "" } else { " stroke-dasharray=\"5,4\"" }
                let marker = entry.kind == .segment ? "open" : "head"
                out += "<line x1=\"\(from)\" y1=\"\(y + 6)\" x2=\"\(to)\" y2=\"\(y + 6)\" stroke=\"\(color)\" stroke-width=\"1.5\"\(dash) "
                    + "marker-end=\"url(#\(marker))\"/>\n"
                var label = (entry.kind == .gap ? "✕ " : "") + entry.label
                if label.count > 90 { label = String(label.prefix(89)) + "…" }
                out += "<text x=\"\((left + right) / 2)\" y=\"\(y + 1)\" text-anchor=\"middle\" fill=\"\(color)\">\(xml(label))</text>\n"
                out += "<text x=\"10\" y=\"\(y + 10)\" fill=\"#444\">\(String(format6: seconds)) s</text>\n"
                // The margin holds about 20 characters; the whole list is the tooltip.
                let packets = TreeRenderer.packetList(entry.packets)
                let shown = packets.count > 20 ? String(packets.prefix(19)) + "…" : packets
                out += "<text x=\"\(right + 14)\" y=\"\(y + 10)\" fill=\"#888\">\(xml(shown))<title>packets \(xml(packets))</title></text>\n"
            }
        }
        return out + "</svg>\n"
    }

    /// Text as XML character data: markup characters escaped, and the C0 controls XML 1.0 forbids
    /// (already shown as escapes by `TerminalSafe`) never written.
    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { out += "?" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
