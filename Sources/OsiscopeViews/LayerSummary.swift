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
}
