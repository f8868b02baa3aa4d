import OsiscopeWire

/// The `inspect --json` contract: one object per packet (see DESIGN.md, "JSON Lines contract").
public enum PacketJSON {
    public static func encode(_ packet: DecodedPacket) -> String {
        var json = JSONWriter()
        let captured = packet.packet
        json.add("number", captured.number)
        json.add("timestamp", captured.timestamp.decimalString)
        json.add("captured_length", captured.capturedLength)
        json.add("original_length", captured.originalLength)
        json.add("link_type", Int(captured.linkType.rawValue))
        json.add("link_type_name", captured.linkType.name)
        if captured.interfaceIndex != 0 { json.add("interface", captured.interfaceIndex) }
        if !captured.comments.isEmpty {
            json.addArray("comments", captured.comments.map(JSONWriter.quoted))
        }
        json.addArray("layers", packet.layers.map(layer))
        json.addArray("diagnostics", packet.allDiagnostics.map(diagnostic))
        return json.finished()
    }

    static func layer(_ layer: Layer) -> String {
        var json = JSONWriter()
        json.add("osi", layer.osi.rawValue)
        json.add("protocol", layer.protocolKey)
        json.add("name", layer.title)
        json.add("offset", layer.offset)
        json.add("length", layer.length)
        json.add("summary", LayerSummary.text(layer))
        if let source = layer.source, case .tcpStream(let stream, let direction) = source.kind {
            var reassembled = JSONWriter()
            reassembled.add("stream", stream)
            reassembled.add("direction", direction.rawValue)
            reassembled.addArray("packets", numbers: source.packets)
            json.addRaw("reassembled", reassembled.finished())
        } else if let source = layer.source {
            // A layer inside another message's bytes (an Engine.IO packet in a polling body):
            // offsets count in that source.
            var within = JSONWriter()
            within.add("kind", Self.token(of: source.kind))
            within.addArray("packets", numbers: source.packets)
            json.addRaw("source", within.finished())
        }
        json.addArray("fields", layer.fields.flatMap(\.flattened).map(field))
        if !layer.quoted.isEmpty { json.addArray("quoted", layer.quoted.map(Self.layer)) }
        return json.finished()
    }

    static func field(_ field: Field) -> String {
        var json = JSONWriter()
        json.add("name", field.key)
        json.add("label", field.label)
        var note = field.note
        switch field.value {
        case .none: json.addNull("value")
        case .flag(let on): json.add("value", on)
        case .text(let text): json.add("value", Shown.text(text))
        case .seconds(let seconds): json.add("value", String(format6: seconds))
        case .signed(let number): json.add("value", Int(number))
        case .bytes(let bytes):
            json.add("value", AddressFormat.hex(bytes.prefix(Shown.bytes)))
            if bytes.count > Shown.bytes || field.length > bytes.count {
                note = Shown.cutNote(note, shown: min(bytes.count, Shown.bytes), of: max(field.length, bytes.count))
            }
        case .number(let number):
            if case .hex = field.descriptor.format {
                json.add("value", FieldText.formatted(field.descriptor.format, number))
            } else {
                json.add("value", number)
            }
            if let name = field.descriptor.names?(number) { json.add("value_name", name) }
        }
        json.add("offset", field.offset)
        json.add("length", field.length)
        if let mask = field.descriptor.mask { json.add("mask", "0x" + String(mask, radix: 16)) }
        if field.generated { json.add("generated", true) }
        if let note { json.add("note", note) }
        return json.finished()
    }

    static func diagnostic(_ diagnostic: Diagnostic) -> String {
        var json = JSONWriter()
        json.add("severity", diagnostic.severity.rawValue)
        json.add("key", diagnostic.key)
        json.add("message", diagnostic.message)
        if let offset = diagnostic.offset { json.add("offset", offset) }
        if let length = diagnostic.length { json.add("length", length) }
        return json.finished()
    }

    /// Stable names of byte sources for scripts ("engine_io_packet"), as the tree's are for people.
    static func token(of kind: ByteSource.Kind) -> String {
        switch kind {
        case .tcpStream: "tcp_stream"
        case .unmaskedPayload: "unmasked_payload"
        case .inflatedMessage: "inflated_message"
        case .decodedBody: "decoded_body"
        case .decryptedRecord: "decrypted_record"
        case .engineIOPacket: "engine_io_packet"
        }
    }
}
