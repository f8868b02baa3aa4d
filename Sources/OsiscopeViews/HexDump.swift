import OsiscopeWire

/// Hex and ASCII dump of a packet, each byte coloured by the innermost layer it belongs to,
/// with a legend that names the layers and their byte ranges (so it also reads without colour).
public struct HexDump: Sendable {
    public var style: TerminalStyle
    /// A field key (`websocket.masking_key`) whose bytes are picked out: reverse video, and a
    /// `^^` under each byte so that it reads without colour too.
    public var field: String?

    public init(style: TerminalStyle = .plain, field: String? = nil) {
        self.style = style
        self.field = field
    }

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
        var marked: [Bool]?
        if let field {
            let (line, bytesOfField) = fieldLegend(field, in: packet)
            lines.append("  " + line)
            marked = bytesOfField
        }
        lines += rows(bytes, owner: owner, marked: marked)
        // Bytes that exist only after decoding (a WebSocket payload with its mask removed) get a
        // dump of their own, as Wireshark's extra byte-source tabs.
        for layer in packet.layers {
            for source in layer.derivedSources {
                guard let bytes = source.bytes, !bytes.isEmpty else { continue }
                lines.append("  " + style.dim("\(Self.name(of: source.kind)) of the \(layer.title) frame at \(layer.offset) (\(byteCount(bytes.count)))"))
                if source.kind == .unmaskedPayload, let key = layer.field("websocket.masking_key")?.value.number {
                    lines += unmasking(bytes, key: UInt32(truncatingIfNeeded: key))
                } else {
                    lines += rows(bytes)
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 6455 §5.3 shown: each row of the payload as sent (masked), the key repeated under it,
    /// and their XOR, the bytes the application sent.
    func unmasking(_ unmasked: [UInt8], key: UInt32) -> [String] {
        let keyBytes = [UInt8(key >> 24), UInt8(key >> 16 & 0xFF), UInt8(key >> 8 & 0xFF), UInt8(key & 0xFF)]
        func cells(_ bytes: ArraySlice<UInt8>) -> String {
            var text = ""
            for (column, byte) in bytes.enumerated() {
                if column == 8 { text += " " }
                text += AddressFormat.hexByte(byte) + " "
            }
            return text.padding(toLength: 49, withPad: " ", startingAt: 0)
        }
        var lines: [String] = []
        for start in stride(from: 0, to: unmasked.count, by: 16) {
            let row = unmasked[start..<min(start + 16, unmasked.count)]
            let keyRun = row.indices.map { keyBytes[$0 % 4] }
            let masked = zip(row, keyRun).map { $0 ^ $1 }
            let ascii = String(row.map(TerminalSafe.asciiOrDot))
            lines.append("  " + style.dim(String(start, radix: 16).leftPadded(4)) + "  " + cells(masked[...]) + " masked")
            lines.append("        " + style.dim(cells(keyRun[...]) + " XOR key"))
            lines.append("        " + cells(row) + " = " + ascii)
        }
        return lines
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

    /// Where a field is in the packet's own bytes (its layers read from the packet, not from a
    /// reassembled stream), and the legend line that names it.
    func fieldLegend(_ key: String, in packet: DecodedPacket) -> (String, [Bool]) {
        var marked = [Bool](repeating: false, count: packet.packet.data.count)
        var places: [String] = []
        for layer in packet.layers where layer.source == nil {
            for field in layer.fields.flatMap(\.flattened) where field.descriptor.key == key && field.length > 0 {
                let end = min(field.offset + field.length, marked.count)
                guard field.offset >= 0, field.offset < end else { continue }
                for position in field.offset..<end { marked[position] = true }
                places.append(end - field.offset == 1 ? "byte \(field.offset)" : "bytes \(field.offset)–\(end - 1)")
            }
        }
        let name = style.highlighted(" \(key) ")
        guard !places.isEmpty else { return (name + " is not in this packet's bytes", marked) }
        return (name + " " + places.joined(separator: ", ") + " (marked ^^)", marked)
    }

    /// Rows of 16 bytes: offset, hex, ASCII. `owner` gives each byte's layer (its background
    /// colour), `tint` one foreground colour for all; `firstOffset` numbers the first byte;
    /// `marked` bytes are reversed and get `^^` on a line under their row.
    func rows(_ bytes: [UInt8], owner: [Int]? = nil, tint: TerminalStyle.Color? = nil, firstOffset: Int = 0,
              marked: [Bool]? = nil) -> [String] {
        let owner = owner ?? [Int](repeating: -1, count: bytes.count)
        func paint(_ text: String) -> String { tint.map { style.color(text, $0) } ?? text }
        var lines: [String] = []
        for lineStart in stride(from: 0, to: bytes.count, by: 16) {
            var hex = ""
            var ascii = ""
            var marks = ""
            for column in 0..<16 {
                if column == 8 {
                    hex += " "
                    marks += " "
                }
                let position = lineStart + column
                guard position < bytes.count else {
                    hex += "   "
                    continue
                }
                let cell = AddressFormat.hexByte(bytes[position])
                let character = String(TerminalSafe.asciiOrDot(bytes[position]))
                if marked?[position] == true {
                    hex += style.highlighted(cell) + " "
                    ascii += style.highlighted(character)
                    marks += "^^ "
                } else if owner[position] >= 0 {
                    hex += style.background(cell, owner[position]) + " "
                    ascii += style.background(character, owner[position])
                    marks += "   "
                } else {
                    hex += paint(cell) + " "
                    ascii += paint(character)
                    marks += "   "
                }
            }
            lines.append("  " + style.dim(String(firstOffset + lineStart, radix: 16).leftPadded(4)) + "  " + hex + " " + ascii)
            if marks.contains("^") {
                while marks.last == " " { marks.removeLast() }
                lines.append("        " + marks)
            }
        }
        return lines
    }
}
