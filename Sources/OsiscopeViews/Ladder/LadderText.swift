import OsiscopeWire

/// The ladder in a terminal: a client lane and a server lane, one arrow per row, time on the
/// left, packets on the right. A side with a message in flight (sent, not yet acknowledged) has
/// a heavy lane, and an arrow that arrives meanwhile from the other side is marked: full duplex.
public struct LadderText: Sendable {
    public var style: TerminalStyle
    public var ascii: Bool
    public var width: Int

    struct Glyphs {
        let lane, inFlight, quiet, line, dashed, dotted, right, left, openRight, openLeft, lost, both: String
    }

    static let unicode = Glyphs(lane: "│", inFlight: "┃", quiet: "┆", line: "─", dashed: "╌", dotted: "┄", right: "▶", left: "◀",
                                openRight: "▷", openLeft: "◁", lost: "✕", both: "⇄")
    static let plain = Glyphs(lane: "|", inFlight: "#", quiet: ":", line: "-", dashed: "~", dotted: ".", right: ">", left: "<",
                              openRight: ">", openLeft: "<", lost: "x", both: "<>")

    static let timeWidth = 10

    public init(style: TerminalStyle = .plain, ascii: Bool = false, width: Int = 80) {
        self.style = style
        self.ascii = ascii
        self.width = max(48, width)
    }

    public func render(_ layout: LadderLayout, client: String, server: String, subject: String) -> [String] {
        let glyphs = ascii ? Self.plain : Self.unicode
        let packetsWidth = 12
        let span = width - Self.timeWidth - 2 - 2 - packetsWidth - 1
        var lines = ["\(subject): client \(client), server \(server)",
                     "\(layout.rows.filter { if case .entry = $0 { true } else { false } }.count) arrows over "
                        + "\(String(format6: layout.duration)) s; \(glyphs.inFlight) a message in flight, "
                        + "\(glyphs.both) the other side sent meanwhile (\(layout.bothSending) time\(layout.bothSending == 1 ? "" : "s"))"]
        lines = lines.flatMap { LineFitting.wrap($0, width: width, indent: 2) }
        let heading = "time".leftPadded(Self.timeWidth, with: " ") + "  " + "client".rightPadded(span - 4) + "server"
        lines.append(style.bold(heading + "  packets"))
        for row in layout.rows {
            switch row {
            case .silence(let seconds):
                let note = " \(MessageList.milliseconds(seconds)) later "
                let inner = String(repeating: " ", count: max(0, (span - 2 - note.count) / 2))
                let middle = (inner + note).rightPadded(span - 2)
                lines.append(String(repeating: " ", count: Self.timeWidth) + "  " + glyphs.quiet + style.dim(middle) + glyphs.quiet)
            case .entry(let entry, let seconds, let inFlight):
                let lane = { (side: Direction) in inFlight[side] ? glyphs.inFlight : glyphs.lane }
                let both = entry.kind != .segment && inFlight[entry.direction.opposite]
                let arrow = self.arrow(entry, room: span - 2, glyphs)
                let packets = TreeRenderer.packetList(entry.packets)
                lines.append(String(format6: seconds).leftPadded(Self.timeWidth, with: " ") + "  " + lane(.client) + arrow
                    + lane(.server) + (both ? " " + style.color(glyphs.both, .green) : "  ") + " " + style.dim(packets))
            }
        }
        return lines.map { LineFitting.cut(ascii ? ASCIIFallback.text($0) : $0, to: width) }
    }

    /// The arrow between the lanes, `room` characters wide, its label cut to fit.
    func arrow(_ entry: LadderEntry, room: Int, _ glyphs: Glyphs) -> String {
        let line: String, head: String
        var label = entry.label
        switch entry.kind {
        case .message:
            line = glyphs.line
            head = entry.direction == .client ? glyphs.right : glyphs.left
        case .gap:
            line = glyphs.dashed
            head = entry.direction == .client ? glyphs.right : glyphs.left
            label = glyphs.lost + " " + label
        case .segment:
            line = glyphs.dotted
            head = entry.direction == .client ? glyphs.openRight : glyphs.openLeft
        }
        let labelRoom = room - 6
        if label.count > labelRoom { label = String(label.prefix(max(0, labelRoom - 1))) + "…" }
        let fill = String(repeating: line, count: max(1, room - 4 - label.count))
        let text = entry.direction == .client
            ? line + " " + label + " " + fill + head
            : head + fill + " " + label + " " + line
        switch entry.kind {
        case .message: return style.color(text, entry.direction == .client ? .cyan : .magenta)
        case .gap: return style.color(text, .yellow)
        case .segment: return style.dim(text)
        }
    }
}
