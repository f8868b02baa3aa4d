#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OsiscopeCapture
import OsiscopeWire

/// The readable layer-by-layer view of a packet: one block per OSI layer, fields indented
/// under it, bit fields drawn as Wireshark draws them, problems flagged where they occur.
public struct TreeRenderer: Sendable {
    public var style: TerminalStyle
    /// Adds each field's teaching sentence, its key and its bytes.
    public var explain: Bool
    /// Lines longer than this are wrapped, continuing indented under their start; nil: never.
    public var width: Int?

    public init(style: TerminalStyle = .plain, explain: Bool = false, width: Int? = nil) {
        self.style = style
        self.explain = explain
        self.width = width
    }

    public func render(_ packet: DecodedPacket) -> String {
        String(decoding: renderBytes(packet), as: UTF8.self)
    }

    /// The view as UTF-8: built as bytes, since a String costs hundreds of instructions per
    /// append and a packet's tree is hundreds of appends.
    public func renderBytes(_ packet: DecodedPacket) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(4096)
        append(header(packet.packet), hanging: 2, into: &text)
        for comment in packet.packet.comments {
            append("  Comment: " + TerminalSafe.text(comment), hanging: 4, into: &text)
        }
        for diagnostic in packet.diagnostics { append(diagnosticLine(diagnostic, indent: 2), hanging: 4, into: &text) }
        for layer in packet.layers { appendLayer(layer, indent: 2, packet: packet, into: &text) }
        return text
    }

    /// A layer's heading, fields and problems; the datagram an ICMP error quotes goes under it.
    func appendLayer(_ layer: Layer, indent: Int, quoted: Bool = false, packet: DecodedPacket, into text: inout [UInt8]) {
        append(Self.spaces(indent) + layerHeading(layer, quoted: quoted), hanging: indent + 2, into: &text)
        // Bit pictures need the field's bytes, which are in the packet only for packet layers.
        let bytes = layer.source == nil ? packet.packet.data : []
        for field in layer.fields { appendField(field, indent: indent + 2, bytes: bytes, into: &text) }
        for diagnostic in layer.diagnostics {
            append(diagnosticLine(diagnostic, indent: indent + 2), hanging: indent + 4, into: &text)
        }
        for inner in layer.quoted { appendLayer(inner, indent: indent + 2, quoted: true, packet: packet, into: &text) }
    }

    /// The line, wrapped to the width with its continuation `hanging` columns in.
    func append(_ line: String, hanging: Int, into text: inout [UInt8]) {
        guard let width else {
            text.add(line)
            text.append(UInt8(ascii: "\n"))
            return
        }
        for part in LineFitting.wrap(line, width: width, indent: hanging) {
            text.add(part)
            text.append(UInt8(ascii: "\n"))
        }
    }

    func header(_ packet: CapturedPacket) -> String {
        let size = packet.isTruncated
            ? "\(packet.capturedLength) of \(packet.originalLength) bytes captured (cut by the snap length)"
            : "\(packet.originalLength) bytes"
        return style.bold("Packet \(packet.number)") + " · " + Self.utcTime(packet.timestamp)
            + " · \(size) · \(packet.linkType.title)"
    }

    func layerHeading(_ layer: Layer, quoted: Bool = false) -> String {
        let color = TerminalStyle.color(forOSI: layer.osi.rawValue)
        let title = (quoted ? "Quoted · " : "") + "Layer \(layer.osi.rawValue) · \(layer.osi.title) · \(layer.title)"
        var text = style.color(style.bold(title), color)
        let summary = LayerSummary.text(layer)
        if !summary.isEmpty { text += "  " + TerminalSafe.text(summary) }
        var range = layer.length > 0 ? "bytes \(layer.offset)–\(layer.offset + layer.length - 1)" : "no bytes"
        if let source = layer.source {
            range = "\(HexDump.name(of: source.kind)) \(range), from packets \(Self.packetList(source.packets))"
        }
        return text + "  " + style.dim("[\(range)]")
    }

    func appendField(_ field: Field, indent: Int, bytes: [UInt8], into text: inout [UInt8]) {
        let pad = Self.spaces(indent)
        if width == nil {
            // Into the page piece by piece: unwrapped (a pipe, a file), no line is built first.
            text.add(pad)
            if !field.generated {
                let start = text.count
                if style.enabled { text.add("\u{1B}[2m") }
                if FieldText.appendBitPattern(field, in: bytes, to: &text) {
                    if style.enabled { text.add("\u{1B}[0m") }
                } else {
                    text.removeLast(text.count - start)
                }
            }
            FieldText.appendLine(field, to: &text)
            text.append(UInt8(ascii: "\n"))
        } else {
            let bits = field.generated ? nil : FieldText.bitPattern(field, in: bytes)
            append(pad + (bits.map { style.dim($0) } ?? "") + FieldText.line(field), hanging: indent + 4, into: &text)
        }
        if explain {
            let place = field.generated ? "computed" : field.length == 1 ? "byte \(field.offset)"
                : "bytes \(field.offset)–\(field.offset + field.length - 1)"
            // Continued under the sentence, not under the arrow, so the arrow marks where it starts.
            append(pad + "  " + style.dim("↳ \(field.descriptor.blurb) (\(field.key), \(place))"), hanging: indent + 4,
                   into: &text)
        }
        for child in field.children { appendField(child, indent: indent + 4, bytes: bytes, into: &text) }
    }

    func diagnosticLine(_ diagnostic: Diagnostic, indent: Int) -> String {
        let mark: String = switch diagnostic.severity {
        case .error: style.color("✗ error", .red)
        case .warning: style.color("! warning", .yellow)
        case .note: style.color("· note", .cyan)
        }
        return Self.spaces(indent) + "\(mark) [\(diagnostic.key)] " + TerminalSafe.text(diagnostic.message)
    }

    private static let spaceRuns = (0...48).map { String(repeating: " ", count: $0) }

    /// Indentation, made once per depth rather than once per line.
    static func spaces(_ count: Int) -> String {
        count < spaceRuns.count ? spaceRuns[count] : String(repeating: " ", count: count)
    }

    /// "4–9, 12" for a sorted list of packet numbers.
    static func packetList(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        while index < numbers.count {
            var end = index
            while end + 1 < numbers.count && numbers[end + 1] == numbers[end] + 1 { end += 1 }
            parts.append(end > index ? "\(numbers[index])–\(numbers[end])" : "\(numbers[index])")
            index = end + 1
        }
        return parts.joined(separator: ", ")
    }

    /// "2026-11-25 13:45:01.123456 UTC": UTC so that output is the same on every machine.
    public static func utcTime(_ timestamp: Timestamp) -> String {
        var seconds = time_t(timestamp.seconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { String(value).leftPadded(2) }
        let date = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
        let clock = "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        let decimal = timestamp.decimalString
        let fraction = decimal.firstIndex(of: ".").map { String(decimal[$0...]) } ?? ""
        return "\(date) \(clock)\(fraction) UTC"
    }
}
