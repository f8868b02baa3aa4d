import OsiscopeWire

/// Where a stream range is shown: in the packet when it holds all of it, else in the
/// reassembled stream (offsets are stream offsets, and the layer names its source).
func place(_ source: ByteSource, _ range: Range<Int64>, packet: Int) -> (base: Int, source: ByteSource?) {
    if let location = source.location(of: range, inPacket: packet) { return (location.lowerBound, nil) }
    return (Int(range.lowerBound), source)
}

/// The http layer of the packet that completed a request or response.
struct HTTPLayerRecord: LayerRecord {
    var message: HTTPMessage
    var source: ByteSource
    var request: AnsweredRequest?

    func apply(to packet: inout DecodedPacket) {
        let head = message.head
        let (base, layerSource) = place(source, head.range, packet: packet.packet.number)
        let start = head.range.lowerBound
        func local(_ range: Range<Int64>) -> (Int, Int) { (base + Int(range.lowerBound - start), range.count) }
        var fields: [Field] = []
        let (lineOffset, lineLength) = local(head.startLineRange)
        if head.kind == .request {
            fields.append(Field(HTTPFields.method, .text(head.method ?? ""), offset: lineOffset, length: lineLength))
            fields.append(Field(HTTPFields.uri, .text(head.uri ?? ""), offset: lineOffset, length: lineLength))
            fields.append(Field(HTTPFields.requestVersion, .text(head.version), offset: lineOffset, length: lineLength))
        } else {
            fields.append(Field(HTTPFields.responseVersion, .text(head.version), offset: lineOffset, length: lineLength))
            fields.append(Field(HTTPFields.status, .number(UInt64(head.status ?? 0)), offset: lineOffset, length: lineLength))
            fields.append(Field(HTTPFields.phrase, .text(head.reason ?? ""), offset: lineOffset, length: lineLength))
        }
        let line = head.kind == .request ? HTTPFields.requestLine : HTTPFields.responseLine
        for (header, range) in zip(head.headers, head.headerRanges) {
            let (offset, length) = local(range)
            let descriptor = HTTPHeaderFields.byName[header.name.lowercased()] ?? line
            fields.append(Field(descriptor, .text(header.value), offset: offset, length: length, label: header.name))
            if descriptor === HTTPHeaderFields.contentLength, let value = UInt64(header.value.trimmingCharacters(in: " \t")) {
                fields.append(Field(HTTPFields.contentLengthValue, .number(value), offset: offset, length: length))
            }
        }
        fields.append(Field(HTTPFields.bodyLength, .number(UInt64(message.bodyLength)), offset: base, length: 0, generated: true))
        if let chunks = message.chunks {
            fields.append(Field(HTTPFields.chunks, .number(UInt64(chunks)), offset: base, length: 0, generated: true))
        }
        if let decoded = message.decodedBody {
            fields.append(Field(HTTPFields.decodedBody, .number(UInt64(decoded.count)), offset: base, length: 0, generated: true))
        }
        if let request {
            fields.append(Field(HTTPFields.requestIn, .number(UInt64(request.packet)), offset: base, length: 0, generated: true))
            fields.append(Field(HTTPFields.time, .seconds(request.seconds), offset: base, length: 0, note: "seconds",
                                generated: true))
        }
        var layer = Layer(protocolKey: "http", title: "Hypertext Transfer Protocol", osi: .application, offset: base,
                          length: head.range.count, fields: fields, diagnostics: message.diagnostics.map(\.diagnostic))
        layer.source = layerSource
        packet.layers.append(layer)
    }
}

/// The websocket layer of the packet that completed a frame; the frame that ends a message
/// also shows the message.
struct WebSocketFrameRecord: LayerRecord {
    var frame: WebSocketFrame
    var message: WebSocketMessage?
    var source: ByteSource
    var guessed: Bool

    func apply(to packet: inout DecodedPacket) {
        let (base, layerSource) = place(source, frame.frameRange, packet: packet.packet.number)
        var fields: [Field] = []
        let first = base, second = base + 1
        fields.append(Field(WebSocketFields.fin, .flag(frame.fin), offset: first, length: 1))
        let rsv = (frame.rsv1 ? 4 : 0) | (frame.rsv2 ? 2 : 0) | (frame.rsv3 ? 1 : 0)
        fields.append(Field(WebSocketFields.rsv, .number(UInt64(rsv)), offset: first, length: 1))
        fields.append(Field(WebSocketFields.rsv1, .flag(frame.rsv1), offset: first, length: 1))
        fields.append(Field(WebSocketFields.rsv2, .flag(frame.rsv2), offset: first, length: 1))
        fields.append(Field(WebSocketFields.rsv3, .flag(frame.rsv3), offset: first, length: 1))
        fields.append(Field(WebSocketFields.opcode, .number(UInt64(frame.opcode.rawValue)), offset: first, length: 1))
        fields.append(Field(WebSocketFields.mask, .flag(frame.masked), offset: second, length: 1))
        fields.append(Field(WebSocketFields.payloadLength, .number(UInt64(frame.payloadLengthField)), offset: second, length: 1))
        var at = base + 2
        if let length = frame.extendedLength16 {
            fields.append(Field(WebSocketFields.extended16, .number(UInt64(length)), offset: at, length: 2))
            at += 2
        } else if let length = frame.extendedLength64 {
            fields.append(Field(WebSocketFields.extended64, .number(length), offset: at, length: 8))
            at += 8
        }
        if let key = frame.maskingKeyValue {
            fields.append(Field(WebSocketFields.maskingKey, .number(UInt64(key)), offset: at, length: 4))
            at += 4
        }
        // A hostile header can announce up to 2^63 bytes: lengths shown are clamped to what can exist.
        let payloadLength = Int(min(frame.payloadLength, UInt64(Int32.max)))
        fields.append(Field(WebSocketFields.payload, .bytes(frame.payload), offset: at, length: payloadLength,
                            note: frame.masked ? "(unmasked)" : nil))
        var diagnostics = frame.diagnostics.map(\.diagnostic)
        if let message {
            fields.append(Field(WebSocketFields.messageLength, .number(message.length), offset: base, length: 0, generated: true))
            fields.append(Field(WebSocketFields.frames, .number(UInt64(message.frameCount)), offset: base, length: 0, generated: true))
            if let close = message.close {
                if let code = close.code {
                    fields.append(Field(WebSocketFields.closeCode, .number(UInt64(code.rawValue)), offset: at, length: 2,
                                        note: code.name.map { "(\($0))" }))
                }
                fields.append(Field(WebSocketFields.closeReason, .text(close.reason), offset: at + 2,
                                    length: max(0, payloadLength - 2)))
            } else if message.opcode == .text || message.opcode == .ping || message.opcode == .pong, let text = message.text {
                fields.append(Field(WebSocketFields.text, .text(text), offset: at, length: payloadLength,
                                    generated: message.frameCount > 1 || message.compressed))
            } else if message.opcode == .binary {
                fields.append(Field(WebSocketFields.binary, .bytes(message.payload), offset: at, length: payloadLength,
                                    note: message.payloadTruncated ? "(the first \(message.payload.count) bytes)" : nil,
                                    generated: message.frameCount > 1 || message.compressed))
            }
            // A message repeats its frames' own problems; show each once.
            diagnostics += message.diagnostics.filter { !frame.diagnostics.contains($0) }.map(\.diagnostic)
        }
        let title = guessed ? "WebSocket (guessed: no handshake captured)" : "WebSocket"
        var layer = Layer(protocolKey: "websocket", title: title, osi: .application, offset: base,
                          length: frame.headerLength + payloadLength, fields: fields, diagnostics: diagnostics)
        layer.source = layerSource
        if frame.masked, !frame.payload.isEmpty {
            // The payload as the application sent it: positions kept, so it maps byte for byte.
            let start = frame.payloadRange.lowerBound
            let range = start..<(start + Int64(frame.payload.count))
            layer.derivedSources.append(ByteSource(
                kind: .unmaskedPayload, parent: source,
                pieces: [ByteSource.Piece(range: 0..<Int64(frame.payload.count), origin: .parent(range, exact: true))],
                bytes: frame.payload))
        }
        packet.layers.append(layer)
    }
}

/// The checked opening handshake, added to the http layer of the `101` response.
struct WebSocketHandshakeRecord: LayerRecord {
    var handshake: WebSocketHandshake

    func apply(to packet: inout DecodedPacket) {
        guard let index = packet.layers.lastIndex(where: { $0.protocolKey == "http" }) else {
            packet.diagnostics += handshake.diagnostics.map(\.diagnostic)
            return
        }
        let base = packet.layers[index].offset
        var fields = [Field(WebSocketFields.accept, .flag(handshake.acceptMatches), offset: base, length: 0,
                            note: handshake.acceptMatches ? nil : handshake.expectedAccept.map { "(expected \($0))" },
                            generated: true)]
        if let expected = handshake.expectedAccept, !handshake.acceptMatches {
            fields.append(Field(WebSocketFields.expectedAccept, .text(expected), offset: base, length: 0, generated: true))
        }
        if let deflate = handshake.perMessageDeflate {
            var parts: [String] = []
            if deflate.clientNoContextTakeover { parts.append("client_no_context_takeover") }
            if deflate.serverNoContextTakeover { parts.append("server_no_context_takeover") }
            parts.append("client window \(deflate.windowBits(for: .client)) bits")
            parts.append("server window \(deflate.windowBits(for: .server)) bits")
            fields.append(Field(WebSocketFields.deflate, .text(parts.joined(separator: ", ")), offset: base, length: 0,
                                generated: true))
        }
        if let chosen = handshake.chosenProtocol {
            fields.append(Field(WebSocketFields.subprotocol, .text(chosen), offset: base, length: 0, generated: true))
        }
        packet.layers[index].fields += fields
        packet.layers[index].diagnostics += handshake.diagnostics.map(\.diagnostic)
    }
}

/// Diagnostics of the stream stage shown on the packet where they were found.
struct StreamDiagnosticsRecord: LayerRecord {
    var diagnostics: [Diagnostic]

    func apply(to packet: inout DecodedPacket) {
        if let index = packet.layers.indices.last {
            packet.layers[index].diagnostics += diagnostics
        } else {
            packet.diagnostics += diagnostics
        }
    }
}

extension StreamDiagnostic {
    var diagnostic: Diagnostic { Diagnostic(severity, key, message) }
}
