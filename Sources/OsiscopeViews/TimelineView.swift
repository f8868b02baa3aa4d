import OsiscopeStreams
import OsiscopeWire

/// `timeline`: bytes on the wire per direction over time, one row of block characters per
/// direction, so request/response bursts and two-way flow are seen at once.
public struct TimelineView: Sendable {
    public var style: TerminalStyle
    public var ascii: Bool

    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiLevels: [Character] = [".", ":", "-", "=", "+", "*", "#", "@"]
    static let label = 15

    public init(style: TerminalStyle = .plain, ascii: Bool = false) {
        self.style = style
        self.ascii = ascii
    }

    /// Columns left for the bars on a line of `width`, after the label and the byte totals.
    public static func columns(width: Int) -> Int { max(10, width - label - 2 - 14) }

    /// - Parameter width: the terminal's, for wrapping the scale lines; nil: never.
    public func render(_ timeline: TimelineBins, columns: Int, title: String, width: Int? = nil) -> String {
        let (bins, seconds) = timeline.columns(columns)
        let peak = bins.map { max($0.bytes.client, $0.bytes.server) }.max() ?? 0
        guard peak > 0 else { return "\(title): no TCP packets\n" }
        let levels = ascii ? Self.asciiLevels : Self.blocks
        let bar = ascii ? "|" : "│"
        func row(_ direction: Direction) -> String {
            let cells = bins.map { bin -> Character in
                let bytes = bin.bytes[direction]
                guard bytes > 0 else { return " " }
                return levels[min(levels.count - 1, (bytes * levels.count - 1) / peak)]
            }
            let arrow = ascii ? "->" : "→"
            let name = (direction == .client ? "client\(arrow)server" : "server\(arrow)client").rightPadded(Self.label)
            let text = String(cells)
            return name + bar + style.color(text, direction == .client ? .cyan : .yellow) + bar
        }
        let total = seconds * Double(bins.count)
        let sent = bins.reduce(into: DirectionPair(both: 0)) { sum, bin in
            sum.client += bin.bytes.client
            sum.server += bin.bytes.server
        }
        var lines = [title + " · \(Self.duration(total)) across \(bins.count) columns",
                     "one column = \(Self.duration(seconds)); \(levels.last!) = \(peak) bytes on the wire in a column, "
                        + "\(levels.first!) = a few, blank = none"].flatMap { line in width.map { LineFitting.wrap(line, width: $0, indent: 2) } ?? [line] }
        lines.append(row(.client) + "  \(sent.client) bytes")
        lines.append(row(.server) + "  \(sent.server) bytes")
        lines.append(axis(columns: bins.count, seconds: seconds))
        return lines.map { ascii ? ASCIIFallback.text($0) : $0 }.joined(separator: "\n") + "\n"
    }

    /// Time marks under the bars: the start, the middle and the end.
    func axis(columns: Int, seconds: Double) -> String {
        var cells = [Character](repeating: " ", count: Self.label + 1 + columns + 1 + 12)
        for column in [0, columns / 2, columns] {
            let mark = Array((ascii ? "^" : "↑") + Self.duration(seconds * Double(column)))
            let at = Self.label + 1 + min(column, columns - 1)
            for (index, character) in mark.enumerated() where at + index < cells.count { cells[at + index] = character }
        }
        return String(cells).droppingTrailingSpaces
    }

    static func duration(_ seconds: Double) -> String {
        if seconds <= 0 { return "0 s" }
        if seconds >= 1 { return String(format1: seconds) + " s" }
        if seconds >= 0.001 { return String(format1: seconds * 1000) + " ms" }
        return String(format1: seconds * 1_000_000) + " µs"
    }

    public static func json(_ bin: TimelineBins.Bin, index: Int, seconds: Double) -> String {
        var json = JSONWriter()
        json.addRaw("start_seconds", String(format6: seconds * Double(index)))
        json.addRaw("seconds", String(format6: seconds))
        json.add("client_to_server_bytes", bin.bytes.client)
        json.add("server_to_client_bytes", bin.bytes.server)
        json.add("client_to_server_packets", bin.packets.client)
        json.add("server_to_client_packets", bin.packets.server)
        return json.finished()
    }
}
