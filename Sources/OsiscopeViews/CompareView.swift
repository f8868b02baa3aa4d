import OsiscopeStreams
import OsiscopeWire

/// `compare`: captures side by side, one column each, the figures that tell the ways of doing
/// the same exchange apart (polling, long-polling, WebSocket).
public struct CompareView: Sendable {
    public var style: TerminalStyle
    public var width: Int?

    public init(style: TerminalStyle = .plain, width: Int? = nil) {
        self.style = style
        self.width = width
    }

    static func rows(_ figures: CaptureFigures) -> [(String, String)] {
        [
            ("connections opened", "\(figures.connections)"),
            ("packets", "\(figures.packets)"),
            ("messages", "\(figures.messages)"),
            ("payload bytes", "\(figures.payloadBytes)"),
            ("bytes on the wire", "\(figures.wireBytes)"),
            ("wire bytes per payload byte", figures.wirePerPayloadByte.map { String(format1: $0) } ?? "–"),
            ("overhead bytes", "\(figures.overheadBytes)"),
            ("overhead per message", figures.overheadPerMessage.map { String(format1: $0) } ?? "–"),
            ("HTTP requests", "\(figures.requests)"),
            ("latency (median)", figures.latency.map { MessageList.milliseconds($0.median) } ?? "–"),
            ("turns", "\(figures.turns)"),
            ("server-initiated messages", "\(figures.serverInitiated)"),
            ("both sides in flight", String(format6: figures.overlapSeconds) + " s"),
            ("duration", String(format6: figures.durationSeconds) + " s"),
        ]
    }

    public func render(_ captures: [(name: String, figures: CaptureFigures)]) -> String {
        let table = captures.map { Self.rows($0.figures) }
        let label = table.first?.map(\.0.count).max() ?? 0
        let column = max(10, table.flatMap { $0.map(\.1.count) }.max() ?? 0) + 2
        let names = captures.map { Self.pieces($0.name, width: column - 2) }
        if let width, label + column * captures.count > width {
            // Too narrow for columns: one block per capture.
            return captures.enumerated().map { index, capture in
                ([style.bold(capture.name)] + table[index].map { "  " + $0.0.rightPadded(label) + "  " + $0.1 })
                    .joined(separator: "\n") + "\n"
            }.joined(separator: "\n")
        }
        let headerLines = names.map(\.count).max() ?? 0
        var lines = (0..<headerLines).map { line in
            style.bold(String(repeating: " ", count: label) + names.map { pieces in
                // Names end on the last header line, over their numbers.
                let index = line - (headerLines - pieces.count)
                return (index >= 0 ? pieces[index] : "").leftPadded(column, with: " ")
            }.joined().droppingTrailingSpaces)
        }
        for row in table.first?.indices ?? 0..<0 {
            lines.append(table[0][row].0.rightPadded(label) + table.map { $0[row].1.leftPadded(column, with: " ") }.joined())
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A name cut after its hyphens into lines of at most `width` ("update-", "short-polling").
    static func pieces(_ name: String, width: Int) -> [String] {
        // Each part keeps its hyphen: "update-", "short-", "polling".
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        var lines: [String] = [], current = ""
        for (index, part) in parts.enumerated() {
            let piece = String(part) + (index < parts.count - 1 ? "-" : "")
            if !current.isEmpty && current.count + piece.count > width {
                lines.append(current)
                current = piece
            } else {
                current += piece
            }
        }
        return lines + [current]
    }

    public static func json(_ figures: CaptureFigures, file: String) -> String {
        var json = JSONWriter()
        json.add("file", file)
        json.add("connections", figures.connections)
        json.add("packets", figures.packets)
        json.add("messages", figures.messages)
        json.add("payload_bytes", figures.payloadBytes)
        json.add("wire_bytes", figures.wireBytes)
        if let ratio = figures.wirePerPayloadByte { json.addRaw("wire_per_payload_byte", String(format1: ratio)) } else { json.addNull("wire_per_payload_byte") }
        json.addRaw("overhead_bytes", StatsView.overheadJSON(figures.overhead))
        if let perMessage = figures.overheadPerMessage { json.addRaw("overhead_per_message", String(format1: perMessage)) } else { json.addNull("overhead_per_message") }
        json.add("requests", figures.requests)
        if let latency = figures.latency {
            json.addRaw("latency_seconds", StatsView.latencyJSON(latency))
        } else {
            json.addNull("latency_seconds")
        }
        json.add("turns", figures.turns)
        json.add("server_initiated", figures.serverInitiated)
        json.addRaw("overlap_seconds", String(format6: figures.overlapSeconds))
        json.add("overlaps", figures.overlaps)
        json.addRaw("duration_seconds", String(format6: figures.durationSeconds))
        return json.finished()
    }
}
