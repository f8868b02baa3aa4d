import OsiscopeStreams
import OsiscopeWire

/// The one-line gist after a layer's heading. Wire layers bring their own; the layers of
/// the stream stage get theirs here, from their fields.
enum LayerSummary {
    static func text(_ layer: Layer) -> String {
        guard layer.summary.isEmpty else { return layer.summary }
        switch layer.protocolKey {
        case "http": return http(layer)
        case "websocket": return webSocket(layer)
        case "engine.io": return engineIO(layer)
        case "socket.io": return socketIO(layer)
        default: return ""
        }
    }

    private static func text(_ layer: Layer, _ key: String) -> String? {
        if case .text(let text) = layer.field(key)?.value { return text }
        return nil
    }

    private static func number(_ layer: Layer, _ key: String) -> UInt64? { layer.field(key)?.value.number }

    private static func flag(_ layer: Layer, _ key: String) -> Bool { number(layer, key) == 1 }

    static func http(_ layer: Layer) -> String {
        if let method = text(layer, "http.request.method") {
            return "\(method) \(text(layer, "http.request.uri") ?? "?") \(text(layer, "http.request.version") ?? "")"
        }
        return "\(text(layer, "http.response.version") ?? "") \(number(layer, "http.response.code") ?? 0) "
            + (text(layer, "http.response.phrase") ?? "")
    }

    static func webSocket(_ layer: Layer) -> String {
        let opcode = WebSocketOpcode(rawValue: UInt8(truncatingIfNeeded: number(layer, "websocket.opcode") ?? 0))
        let length = number(layer, "websocket.payload_length_ext_64") ?? number(layer, "websocket.payload_length_ext_16")
            ?? number(layer, "websocket.payload_length") ?? 0
        var summary = opcode.name.capitalized + (flag(layer, "websocket.fin") ? " [FIN]" : "")
            + (flag(layer, "websocket.mask") ? " [MASKED]" : "") + (flag(layer, "websocket.rsv1") ? " [RSV1]" : "")
            + " " + byteCount(length)
        if let code = number(layer, "websocket.payload.close.status_code") { summary += " code \(code)" }
        return summary
    }

    /// "Engine.IO open sid=…", "Engine.IO ping probe".
    static func engineIO(_ layer: Layer) -> String {
        let type = EngineIOPacketType(code: UInt8(truncatingIfNeeded: number(layer, "engine.io.type") ?? 255))
        var summary = "Engine.IO " + type.name
        if type == .open, let sid = text(layer, "engine.io.sid") { summary += " sid=" + sid }
        if let data = text(layer, "engine.io.data"), type != .open, !data.isEmpty {
            summary += " " + (data.count > 20 ? String(data.prefix(20)) + "…" : data)
        }
        return summary
    }

    /// "Socket.IO EVENT chat #1", "Socket.IO CONNECT /admin".
    static func socketIO(_ layer: Layer) -> String {
        let type = SocketIOPacketType(code: UInt8(truncatingIfNeeded: number(layer, "socket.io.type") ?? 255))
        var summary = "Socket.IO " + type.name
        if let namespace = text(layer, "socket.io.namespace"), namespace != "/" { summary += " " + namespace }
        if let event = text(layer, "socket.io.event") { summary += " " + event }
        if let id = number(layer, "socket.io.ack_id") { summary += " #\(id)" }
        return summary
    }
}
