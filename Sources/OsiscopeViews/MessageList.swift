import OsiscopeCapture
import OsiscopeStreams
import OsiscopeWire

/// One line per application message: when, which stream, which way, and what it said.
public struct MessageList: Sendable {
    public var style: TerminalStyle
    /// Characters of text shown per message before "…".
    public var textLimit = 100
    /// Lines longer than this wrap, continuing under the description; nil: never.
    public var width: Int?

    public init(style: TerminalStyle = .plain, width: Int? = nil) {
        self.style = style
        self.width = width
    }

    public func line(_ message: ApplicationMessage, since start: Timestamp) -> String {
        line(message, time: String(format6: message.timestamp.seconds(since: start)))
    }

    /// The line with a time already written (see `TimeColumn`).
    public func line(_ message: ApplicationMessage, time: String) -> String {
        let time = time.leftPadded(10, with: " ")
        let arrow = message.direction == .client ? style.color("client → server", .cyan) : style.color("server → client", .magenta)
        let lead = "\(time)  #\(message.stream)  \(arrow)  "
        let line = lead + describe(message) + "  " + style.dim("packets \(TreeRenderer.packetList(message.packets))")
        guard let width else { return line }
        return LineFitting.wrap(line, width: width, indent: LineFitting.visibleWidth(lead)).joined(separator: "\n")
    }

    /// Entries a list leaves out because another line says it: an Engine.IO message packet
    /// (the Socket.IO line after it), the later copies of a broadcast (its first copy names them,
    /// when the list shows every connection). `--json` keeps every entry.
    public static func repeatsAnotherLine(_ message: ApplicationMessage, engineIOAskedFor: Bool = false,
                                          showsEveryConnection: Bool = true) -> Bool {
        switch message.content {
        case .socketIO(let io): return showsEveryConnection && (io.broadcast?.index ?? 0) > 0
        case .engineIO(let engine): return !engineIOAskedFor && engine.packet.type == .message && engine.diagnostics.isEmpty
        default: return false
        }
    }

    func describe(_ message: ApplicationMessage) -> String {
        switch message.content {
        case .http(let http):
            let head = http.head
            let start = head.kind == .request ? "\(head.method ?? "?") \(head.uri ?? "?") \(head.version)"
                : "\(head.version) \(head.status ?? 0) \(head.reason ?? "")"
            var text = style.bold("HTTP ") + TerminalSafe.text(start)
            if http.bodyLength > 0 { text += " (body \(byteCount(http.bodyLength)))" }
            if let request = message.request {
                // What it answers, and how long the answer took: one round trip of half-duplex HTTP.
                let asked = [request.method, request.uri].compactMap { $0 }.joined(separator: " ")
                text += style.dim(" ← \(TerminalSafe.text(asked)) \(Self.milliseconds(request.seconds))")
            }
            if !http.isComplete { text += style.color(" [incomplete]", .yellow) }
            if !http.diagnostics.isEmpty {
                text += style.color(" ! " + http.diagnostics.map(\.key).joined(separator: ", "), .yellow)
            }
            return text
        case .websocket(let ws):
            var text = style.bold("WebSocket \(ws.opcode.name)")
            var details = [byteCount(ws.length)]
            if ws.frameCount > 1 { details.append("\(ws.frameCount) frames") }
            if ws.compressed { details.append("compressed") }
            if let close = ws.close {
                if let code = close.code { text += " \(code.rawValue)\(code.name.map { " \($0)" } ?? "")" }
                if !close.reason.isEmpty { text += " " + quoted(close.reason) }
            } else if [.text, .ping, .pong].contains(ws.opcode), let body = ws.text {
                text += " " + quoted(body)
            } else {
                let shown = ws.payload.prefix(16).map(AddressFormat.hexByte).joined(separator: " ")
                text += " " + shown + (ws.payload.count > 16 ? " …" : "")
            }
            text += " (\(details.joined(separator: ", ")))"
            if !ws.diagnostics.isEmpty {
                text += style.color(" ! " + ws.diagnostics.map(\.key).joined(separator: ", "), .yellow)
            }
            return text
        case .engineIO(let engine): return describe(engine)
        case .socketIO(let io): return describe(io)
        case .gap(let gap):
            var text = style.color("TCP gap: \(byteCount(gap.bytes)) lost", .yellow)
            let around = [gap.packetBefore.map { "after packet \($0)" }, gap.packetAfter.map { "before packet \($0)" }]
                .compactMap { $0 }
            if !around.isEmpty { text += " (" + around.joined(separator: ", ") + ")" }
            return text
        case .other(let other):
            let values = other.properties.map { property in
                if case .text(let text) = property.value { return "\(property.key) " + quoted(text) }
                return "\(property.key) \(property.value.number.map(String.init) ?? "")"
            }
            return style.bold(other.protocolName) + " " + values.joined(separator: ", ")
        }
    }

    func describe(_ message: EngineIOMessage) -> String {
        let packet = message.packet
        var text = style.bold("Engine.IO \(packet.type.name)")
        if let handshake = message.handshake {
            text += " sid \(TerminalSafe.text(handshake.sid))"
            if !handshake.upgrades.isEmpty { text += ", upgrades " + TerminalSafe.text(handshake.upgrades.joined(separator: " ")) }
            if let interval = handshake.pingInterval, let timeout = handshake.pingTimeout {
                text += ", ping every \(interval) ms, timeout \(timeout) ms"
            }
        } else if packet.isBinary {
            let shown = packet.data.prefix(16).map(AddressFormat.hexByte).joined(separator: " ")
            text += " binary " + shown + (packet.data.count > 16 ? " …" : "") + " (\(byteCount(UInt64(packet.data.count))))"
        } else if let data = packet.text, !data.isEmpty {
            text += " " + quoted(data)
        }
        if let seconds = message.sincePing { text += style.dim(" ← ping \(Self.milliseconds(seconds))") }
        text += style.dim(" [\(message.transport.rawValue)]")
        return text + problems(message.diagnostics)
    }

    func describe(_ message: SocketIOMessage) -> String {
        let packet = message.packet
        var text = style.bold("Socket.IO \(packet.type.name)")
        if packet.namespace != "/" { text += " " + TerminalSafe.text(packet.namespace) }
        if let event = message.event { text += " " + quoted(event) }
        if let id = packet.ackID { text += " #\(id)" }
        if let args = message.args {
            text += " " + quotedJSON(JSONValue.arrayText(args))
        } else if let data = packet.data {
            text += " " + quotedJSON(data.text)
        }
        if let rtt = message.rtt { text += style.dim(" ← event \(Self.milliseconds(rtt))") }
        if let broadcast = message.broadcast {
            let streams = broadcast.streams.map { "#\($0)" }.joined(separator: " ")
            text += style.color(" broadcast to \(broadcast.copies) sockets (\(streams))", .green)
        }
        return text + problems(message.diagnostics)
    }

    private func problems(_ diagnostics: [StreamDiagnostic]) -> String {
        diagnostics.isEmpty ? "" : style.color(" ! " + diagnostics.map(\.key).joined(separator: ", "), .yellow)
    }

    /// JSON shown as it is, cut like a text.
    func quotedJSON(_ json: String) -> String {
        TerminalSafe.text(json.count > textLimit ? String(json.prefix(textLimit)) + "…" : json)
    }

    /// "2.7 ms", "0.052 ms", "1234 ms".
    static func milliseconds(_ seconds: Double) -> String {
        let raw = seconds * 1000
        let digits = raw >= 100 ? 0 : raw >= 1 ? 1 : 3
        let scale = [1.0, 10.0, 100.0, 1000.0][digits]
        let value = (raw * scale).rounded() / scale
        var text = String(format6: value)
        let dot = text.firstIndex(of: ".")!
        text = digits == 0 ? String(text[..<dot]) : String(text[...text.index(dot, offsetBy: digits)])
        return text + " ms"
    }

    func quoted(_ text: String) -> String {
        let cut = text.count > textLimit ? String(text.prefix(textLimit)) + "…" : text
        return "\"" + TerminalSafe.text(cut) + "\""
    }
}

