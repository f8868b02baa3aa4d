import OsiscopeWire

/// Hex and ASCII dump of a packet, each byte coloured by the innermost layer it belongs to,
/// with a legend that names the layers and their byte ranges (so it also reads without colour).
public struct HexDump: Sendable {
    public var style: TerminalStyle

    public init(style: TerminalStyle = .plain) { self.style = style }

    public func render(_ packet: DecodedPacket) -> String {
        let bytes = packet.packet.data
        // The innermost layer that covers each byte; later layers are nested inside earlier ones.
        var owner = [Int](repeating: -1, count: bytes.count)
        for (index, layer) in packet.layers.enumerated() where layer.length > 0 && layer.source == nil {
            let end = min(layer.offset + layer.length, bytes.count)
            guard layer.offset < end else { continue }
            for position in layer.offset..<end { owner[position] = index }
        }
        let legend = packet.layers.enumerated().filter { $0.element.length > 0 && $0.element.source == nil }.map { index, layer in
            style.background(" \(layer.protocolKey) ", index) + " \(layer.offset)–\(layer.offset + layer.length - 1)"
        }
        var lines = ["  " + legend.joined(separator: "  ")]
        lines += rows(bytes, owner: owner)
        // Bytes that exist only after decoding (a WebSocket payload with its mask removed) get a
        // dump of their own, as Wireshark's extra byte-source tabs.
        for layer in packet.layers {
            for source in layer.derivedSources {
                guard let bytes = source.bytes, !bytes.isEmpty else { continue }
                lines.append("  " + style.dim("\(Self.name(of: source.kind)) of the \(layer.title) frame at \(layer.offset) (\(byteCount(bytes.count)))"))
                lines += rows(bytes)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// How a byte source is named above its dump.
    static func name(of kind: ByteSource.Kind) -> String {
        switch kind {
        case .tcpStream(let stream, let direction): "\(direction.rawValue) stream \(stream)"
        case .unmaskedPayload: "unmasked payload"
        case .inflatedMessage: "inflated message"
        case .decodedBody: "decoded body"
        case .decryptedRecord: "decrypted record"
        case .engineIOPacket: "Engine.IO packet"
        }
    }

    /// Rows of 16 bytes: offset, hex, ASCII. `owner` gives each byte's layer (its background
    /// colour), `tint` one foreground colour for all; `firstOffset` numbers the first byte.
    func rows(_ bytes: [UInt8], owner: [Int]? = nil, tint: TerminalStyle.Color? = nil, firstOffset: Int = 0) -> [String] {
        let owner = owner ?? [Int](repeating: -1, count: bytes.count)
        func paint(_ text: String) -> String { tint.map { style.color(text, $0) } ?? text }
        var lines: [String] = []
        for lineStart in stride(from: 0, to: bytes.count, by: 16) {
            var hex = ""
            var ascii = ""
            for column in 0..<16 {
                if column == 8 { hex += " " }
                let position = lineStart + column
                guard position < bytes.count else {
                    hex += "   "
                    continue
                }
                let cell = AddressFormat.hexByte(bytes[position])
                let character = String(TerminalSafe.asciiOrDot(bytes[position]))
                if owner[position] >= 0 {
                    hex += style.background(cell, owner[position]) + " "
                    ascii += style.background(character, owner[position])
                } else {
                    hex += paint(cell) + " "
                    ascii += paint(character)
                }
            }
            lines.append("  " + style.dim(String(firstOffset + lineStart, radix: 16).leftPadded(4)) + "  " + hex + " " + ascii)
        }
        return lines
    }
}
