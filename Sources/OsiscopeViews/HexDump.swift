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
        for (index, layer) in packet.layers.enumerated() where layer.length > 0 && layer.source == .packet {
            let end = min(layer.offset + layer.length, bytes.count)
            guard layer.offset < end else { continue }
            for position in layer.offset..<end { owner[position] = index }
        }
        let legend = packet.layers.enumerated().filter { $0.element.length > 0 && $0.element.source == .packet }.map { index, layer in
            style.background(" \(layer.protocolKey) ", index) + " \(layer.offset)–\(layer.offset + layer.length - 1)"
        }
        var lines = ["  " + legend.joined(separator: "  ")]
        lines += rows(bytes, owner: owner)
        // Bytes that exist only after decoding (a WebSocket payload with its mask removed) get a
        // dump of their own, as Wireshark's extra byte-source tabs.
        for layer in packet.layers where layer.protocolKey == "websocket" {
            guard let payload = layer.field("websocket.payload"), payload.note?.contains("unmasked") == true,
                  case .bytes(let unmasked) = payload.value, !unmasked.isEmpty else { continue }
            lines.append("  " + style.dim("unmasked payload of the WebSocket frame at \(layer.offset) (\(unmasked.count) bytes)"))
            lines += rows(unmasked, owner: [Int](repeating: -1, count: unmasked.count))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func rows(_ bytes: [UInt8], owner: [Int]) -> [String] {
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
                    hex += cell + " "
                    ascii += character
                }
            }
            lines.append("  " + style.dim(String(lineStart, radix: 16).leftPadded(4)) + "  " + hex + " " + ascii)
        }
        return lines
    }
}
