import OsiscopeWire

/// The `inspect --json` contract: one object per packet (see DESIGN.md, "JSON Lines contract").
public enum PacketJSON {
    public static func encode(_ packet: DecodedPacket) -> String {
        String(decoding: encodeBytes(packet), as: UTF8.self)
    }

    /// The object as UTF-8, written into one buffer: layers, fields and diagnostics included.
    public static func encodeBytes(_ packet: DecodedPacket) -> [UInt8] {
        var json = JSONWriter(reservingCapacity: 8192)
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
        json.addArray("layers", packet.layers, object: write)
        json.addArray("diagnostics", packet.allDiagnostics, object: write)
        return json.finishedBytes()
    }

    static func write(_ json: inout JSONWriter, _ layer: Layer) {
        json.add("osi", layer.osi.rawValue)
        json.add("protocol", layer.protocolKey)
        json.add("name", layer.title)
        json.add("offset", layer.offset)
        json.add("length", layer.length)
        json.add("summary", LayerSummary.text(layer))
        if let source = layer.source, case .tcpStream(let stream, let direction) = source.kind {
            json.addObject("reassembled") { reassembled in
                reassembled.add("stream", stream)
                reassembled.add("direction", direction.rawValue)
                reassembled.addArray("packets", numbers: source.packets)
            }
        } else if let source = layer.source {
            // A layer inside another message's bytes (an Engine.IO packet in a polling body):
            // offsets count in that source.
            json.addObject("source") { within in
                within.add("kind", Self.token(of: source.kind))
                within.addArray("packets", numbers: source.packets)
            }
        }
        json.addArray("fields", layer.fields.flatMap(\.flattened), object: write)
        if !layer.quoted.isEmpty { json.addArray("quoted", layer.quoted, object: write) }
    }

    static func write(_ json: inout JSONWriter, _ field: Field) {
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
    }

    static func write(_ json: inout JSONWriter, _ diagnostic: Diagnostic) {
        json.add("severity", diagnostic.severity.rawValue)
        json.add("key", diagnostic.key)
        json.add("message", diagnostic.message)
        if let offset = diagnostic.offset { json.add("offset", offset) }
        if let length = diagnostic.length { json.add("length", length) }
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
