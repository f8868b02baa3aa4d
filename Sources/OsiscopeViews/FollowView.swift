import OsiscopeStreams
import OsiscopeWire

/// Renders one reassembly event of a followed stream: client bytes in one colour, server bytes
/// in another, lost bytes as a marked line.
public struct FollowView: Sendable {
    public var style: TerminalStyle
    public var hex: Bool

    public init(style: TerminalStyle = .plain, hex: Bool = false) {
        self.style = style
        self.hex = hex
    }

    public func render(_ event: StreamEvent) -> String {
        switch event {
        case .data(let chunk):
            let color: TerminalStyle.Color = chunk.direction == .client ? .cyan : .magenta
            let heading = style.dim("── \(chunk.direction.rawValue) bytes \(chunk.streamOffset)–\(chunk.streamRange.upperBound - 1), packet \(chunk.packetNumber)")
            if hex {
                let rows = HexDump(style: style).rows(Array(chunk.bytes), tint: color, firstOffset: Int(chunk.streamOffset))
                return ([heading] + rows).joined(separator: "\n") + "\n"
            }
            // Show text as text (lines kept), and escape everything else; bytes that are not
            // UTF-8 show as dots, never as a flood of replacement characters.
            let safe: String
            if let text = String(validating: chunk.bytes, as: UTF8.self) {
                safe = TerminalSafe.text(text, keepingLineBreaks: true)
            } else {
                safe = String(chunk.bytes.map { $0 == 0x0A ? "\n" : TerminalSafe.asciiOrDot($0) })
            }
            return heading + "\n" + style.color(safe, color) + (safe.hasSuffix("\n") ? "" : "\n")
        case .gap(let direction, let at, let length):
            return style.color("── [\(byteCount(length)) of the \(direction.rawValue) stream missing at \(at)]", .yellow) + "\n"
        case .finished(let direction):
            return style.dim("── \(direction.rawValue) finished (FIN)") + "\n"
        case .reset(let direction):
            return style.color("── \(direction.rawValue) reset the connection (RST)", .red) + "\n"
        }
    }
}
