import OsiscopeWire

/// Builds the http and websocket layers shown on the packet that completed a message or frame.
/// Offsets point into the packet when all the bytes are in it, else into the reassembled stream.
struct StreamLayers {
    let stream: Int
    let packetNumber: Int
    let origins: [Direction: StreamOrigins]
    /// The connection is decoded as WebSocket by a guess (no handshake captured).
    var guessed = false

    /// Largest payload copied into a layer; the messages view has the whole message.
    static let payloadShown = 4096

    /// Where a stream range is: its base offset and the layer source to use.
    func place(_ range: Range<Int64>, _ direction: Direction) -> (base: Int, source: LayerSource) {
        if let location = origins[direction]!.packetLocation(of: range, in: packetNumber) {
            return (location.lowerBound, .packet)
        }
        return (Int(range.lowerBound), .reassembled(stream: stream, direction: direction.rawValue,
                                                    packets: origins[direction]!.packets(for: range)))
    }

    func httpLayer(_ message: HTTPMessage, request: (packet: Int, seconds: Double)?) -> Layer {
        let head = message.head
        let (base, source) = place(head.range, message.direction)
        let start = head.range.lowerBound
        func local(_ range: Range<Int64>) -> (Int, Int) { (base + Int(range.lowerBound - start), range.count) }
        var fields: [Field] = []
        let (lineOffset, lineLength) = local(head.startLineRange)
        let summary: String
        if head.kind == .request {
            fields.append(Field(HTTPFields.method, .text(head.method ?? ""), offset: lineOffset, length: lineLength))
            fields.append(Field(HTTPFields.uri, .text(head.uri ?? ""), offset: lineOffset, length: lineLength))
            fields.append(Field(HTTPFields.requestVersion, .text(head.version), offset: lineOffset, length: lineLength))
            summary = "\(head.method ?? "?") \(head.uri ?? "?") \(head.version)"
        } else {
            fields.append(Field(HTTPFields.responseVersion, .text(head.version), offset: lineOffset, length: lineLength))
            fields.append(Field(HTTPFields.status, .number(UInt64(head.status ?? 0)), offset: lineOffset, length: lineLength))
            fields.append(Field(HTTPFields.phrase, .text(head.reason ?? ""), offset: lineOffset, length: lineLength))
            summary = "\(head.version) \(head.status ?? 0) \(head.reason ?? "")"
        }
        let lineDescriptor = head.kind == .request ? HTTPFields.requestLine : HTTPFields.responseLine
        for (header, range) in zip(head.headers, head.headerRanges) {
            let (offset, length) = local(range)
            let descriptor = FieldDescriptor(lineDescriptor.key, header.name, .text, blurb: lineDescriptor.blurb)
            fields.append(Field(descriptor, .text(header.value), offset: offset, length: length))
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
            fields.append(Field(HTTPFields.time, .text(String(format6: request.seconds)), offset: base, length: 0,
                                note: "seconds", generated: true))
        }
        var layer = Layer(protocolKey: "http", title: "Hypertext Transfer Protocol", osi: .application, offset: base,
                          length: head.range.count, summary: summary, fields: fields,
                          diagnostics: message.diagnostics.map { diagnostic($0) })
        layer.source = source
        return layer
    }

    func webSocketLayer(_ frame: WebSocketFrame, _ direction: Direction, message: WebSocketMessage?) -> Layer {
        let (base, source) = place(frame.frameRange, direction)
        var fields: [Field] = []
        let first = base, second = base + 1
        let opcode = UInt64(frame.opcode.rawValue)
        fields.append(Field(WebSocketFields.fin, .flag(frame.fin), offset: first, length: 1))
        fields.append(Field(WebSocketFields.rsv1, .flag(frame.rsv1), offset: first, length: 1))
        fields.append(Field(WebSocketFields.rsv2, .flag(frame.rsv2), offset: first, length: 1))
        fields.append(Field(WebSocketFields.rsv3, .flag(frame.rsv3), offset: first, length: 1))
        fields.append(Field(WebSocketFields.opcode, .number(opcode), offset: first, length: 1))
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
        let shown = Array(frame.payload.prefix(Self.payloadShown))
        var note: [String] = []
        if frame.masked { note.append("unmasked") }
        if frame.payload.count > shown.count || frame.payloadLength > UInt64(frame.payload.count) {
            note.append("first \(shown.count) of \(frame.payloadLength) bytes")
        }
        // A hostile header can announce up to 2^63 bytes: lengths shown are clamped to what can exist.
        let payloadLength = Int(min(frame.payloadLength, UInt64(Int32.max)))
        fields.append(Field(WebSocketFields.payload, .bytes(shown), offset: at, length: payloadLength,
                            note: note.isEmpty ? nil : "(\(note.joined(separator: ", ")))"))
        var summary = "\(frame.opcode.name.capitalized)\(frame.fin ? " [FIN]" : "")\(frame.masked ? " [MASKED]" : "")"
            + "\(frame.rsv1 ? " [RSV1]" : "") \(frame.payloadLength) bytes"
        var diagnostics = frame.diagnostics.map { diagnostic($0) }
        if let message {
            fields.append(Field(WebSocketFields.messageLength, .number(message.length), offset: base, length: 0, generated: true))
            fields.append(Field(WebSocketFields.frames, .number(UInt64(message.frameCount)), offset: base, length: 0, generated: true))
            if let close = message.close {
                if let code = close.code {
                    fields.append(Field(WebSocketFields.closeCode, .number(UInt64(code.rawValue)), offset: at, length: 2,
                                        note: code.name.map { "(\($0))" }))
                    summary += " code \(code.rawValue)"
                }
                fields.append(Field(WebSocketFields.closeReason, .text(close.reason), offset: at + 2,
                                    length: max(0, payloadLength - 2)))
            } else if message.opcode == .text || message.opcode == .ping || message.opcode == .pong, let text = message.text {
                let cut = text.count > Self.payloadShown ? String(text.prefix(Self.payloadShown)) + "…" : text
                fields.append(Field(WebSocketFields.text, .text(cut), offset: at, length: payloadLength,
                                    generated: message.frameCount > 1 || message.compressed))
            }
            // A message repeats its frames' own problems; show each once.
            diagnostics += message.diagnostics.filter { !frame.diagnostics.contains($0) }.map { diagnostic($0) }
        }
        let title = guessed ? "WebSocket (guessed: no handshake captured)" : "WebSocket"
        var layer = Layer(protocolKey: "websocket", title: title, osi: .application, offset: base,
                          length: frame.headerLength + payloadLength, summary: summary, fields: fields, diagnostics: diagnostics)
        layer.source = source
        return layer
    }

    func handshakeFields(_ handshake: WebSocketHandshake, into layer: inout Layer) {
        let base = layer.offset
        layer.fields.append(Field(WebSocketFields.accept, .flag(handshake.acceptMatches), offset: base, length: 0, generated: true))
        if let expected = handshake.expectedAccept, !handshake.acceptMatches {
            layer.fields.append(Field(WebSocketFields.expectedAccept, .text(expected), offset: base, length: 0, generated: true))
        }
        if let deflate = handshake.perMessageDeflate {
            var parts: [String] = []
            if deflate.clientNoContextTakeover { parts.append("client_no_context_takeover") }
            if deflate.serverNoContextTakeover { parts.append("server_no_context_takeover") }
            parts.append("client window \(deflate.windowBits(for: .client)) bits")
            parts.append("server window \(deflate.windowBits(for: .server)) bits")
            layer.fields.append(Field(WebSocketFields.deflate, .text(parts.joined(separator: ", ")), offset: base, length: 0,
                                      generated: true))
        }
        if let chosen = handshake.chosenProtocol {
            layer.fields.append(Field(WebSocketFields.subprotocol, .text(chosen), offset: base, length: 0, generated: true))
        }
        layer.diagnostics += handshake.diagnostics.map { diagnostic($0) }
    }

    func diagnostic(_ diagnostic: StreamDiagnostic) -> Diagnostic {
        Diagnostic(diagnostic.severity, diagnostic.key, diagnostic.message)
    }
}

extension String {
    /// Seconds with six decimals, "0.000213"; absurd values (from hostile timestamps) are clamped.
    public init(format6 seconds: Double) {
        let limit = 1e12
        let clamped = seconds.isFinite ? Swift.min(Swift.max(seconds, -limit), limit) : 0
        let micros = Int64((clamped * 1_000_000).rounded())
        let whole = micros / 1_000_000, fraction = abs(micros % 1_000_000)
        let digits = String(fraction)
        self = "\(micros < 0 && whole == 0 ? "-" : "")\(whole)." + String(repeating: "0", count: 6 - digits.count) + digits
    }
}
