import Foundation
import OsiscopeStreams
import OsiscopeWire

/// One HAR 1.2 entry: an HTTP request and its response, or a WebSocket's opening handshake
/// with its messages in `_webSocketMessages`, as Chrome DevTools writes them (and as its
/// importer needs: every object present, every required number a number).
struct HAREntry {
    var request: ApplicationMessage
    var response: ApplicationMessage?
    var client: Endpoint?
    var server: Endpoint?
    /// `_webSocketMessages` items, already JSON; nil for a plain HTTP entry.
    var webSocketMessages: [String]?
    /// Messages left out of `_webSocketMessages` by the size limit.
    var messagesLeftOut = 0

    var json: String {
        guard case .http(let head) = request.content else { return "{}" }
        var entry = JSONWriter()
        let isWebSocket = webSocketMessages != nil
        if isWebSocket { entry.add("_resourceType", "websocket") }
        entry.add("_connectionId", String(request.stream))
        entry.add("startedDateTime", HARTime.date(request.startTimestamp))
        let end = response?.timestamp ?? request.timestamp
        let wait = response.map { HARTime.milliseconds(from: request.timestamp, to: $0.startTimestamp) } ?? "0.000000"
        let receive = response.map { HARTime.milliseconds(from: $0.startTimestamp, to: $0.timestamp) } ?? "0.000000"
        let send = HARTime.milliseconds(from: request.startTimestamp, to: request.timestamp)
        entry.addRaw("time", HARTime.milliseconds(from: request.startTimestamp, to: end))
        entry.addRaw("request", requestJSON(head, webSocket: isWebSocket))
        entry.addRaw("response", responseJSON())
        entry.addRaw("cache", "{}")
        var timings = JSONWriter()
        for name in ["blocked", "dns", "ssl", "connect"] { timings.add(name, -1) }
        timings.addRaw("send", send)
        timings.addRaw("wait", wait)
        timings.addRaw("receive", receive)
        entry.addRaw("timings", timings.finished())
        if let server {
            entry.add("serverIPAddress", server.address.description)
            entry.add("connection", String(server.port))
        }
        if let webSocketMessages { entry.addArray("_webSocketMessages", webSocketMessages) }
        if messagesLeftOut > 0 { entry.add("comment", "\(messagesLeftOut) later messages left out (size limit)") }
        var packets = JSONWriter()
        packets.add("stream", request.stream)
        packets.addArray("request", numbers: request.packets)
        if let response { packets.addArray("response", numbers: response.packets) }
        entry.addRaw("_osiscope", packets.finished())
        return entry.finished()
    }

    private func requestJSON(_ message: HTTPMessage, webSocket: Bool) -> String {
        let head = message.head
        var json = JSONWriter()
        json.add("method", head.method ?? "")
        json.add("url", url(head, webSocket: webSocket))
        json.add("httpVersion", head.version)
        json.addArray("cookies", Self.cookies(head.headers.values("Cookie").flatMap { $0.split(separator: ";") }))
        json.addArray("headers", Self.pairs(head.headers.map { ($0.name, $0.value) }))
        json.addArray("queryString", Self.pairs(Self.query(head.uri ?? "")))
        let body = message.decodedBody ?? message.body
        if !body.isEmpty {
            var post = JSONWriter()
            post.add("mimeType", head.headers.values("Content-Type").first ?? "")
            if let text = String(validating: body, as: UTF8.self) {
                post.add("text", text)
            } else {
                post.add("text", Data(body).base64EncodedString())
                post.add("_encoding", "base64")
            }
            json.addRaw("postData", post.finished())
        }
        json.add("headersSize", head.range.count)
        json.add("bodySize", message.bodyRange.count)
        return json.finished()
    }

    private func responseJSON() -> String {
        var json = JSONWriter()
        guard let response, case .http(let message) = response.content else {
            // No answer in the capture: Chrome's shape for a request that failed.
            json.add("status", 0)
            json.add("statusText", "")
            json.add("httpVersion", "")
            json.addArray("cookies", [])
            json.addArray("headers", [])
            json.addRaw("content", #"{"size":0,"mimeType":"x-unknown"}"#)
            json.add("redirectURL", "")
            json.add("headersSize", -1)
            json.add("bodySize", -1)
            json.add("_error", "no response in the capture")
            return json.finished()
        }
        let head = message.head
        json.add("status", head.status ?? 0)
        json.add("statusText", head.reason ?? "")
        json.add("httpVersion", head.version)
        json.addArray("cookies", Self.cookies(head.headers.values("Set-Cookie").compactMap { $0.split(separator: ";").first }))
        json.addArray("headers", Self.pairs(head.headers.map { ($0.name, $0.value) }))
        var content = JSONWriter()
        let body = message.decodedBody ?? message.body
        content.add("size", message.decodedBody?.count ?? message.bodyLength)
        if message.decodedBody != nil { content.add("compression", message.decodedBody!.count - message.bodyLength) }
        content.add("mimeType", head.headers.values("Content-Type").first ?? "x-unknown")
        if !body.isEmpty {
            if let text = String(validating: body, as: UTF8.self) {
                content.add("text", text)
            } else {
                content.add("text", Data(body).base64EncodedString())
                content.add("encoding", "base64")
            }
        }
        json.addRaw("content", content.finished())
        json.add("redirectURL", head.headers.values("Location").first ?? "")
        json.add("headersSize", head.range.count)
        json.add("bodySize", message.bodyRange.count)
        json.add("_transferSize", head.range.count + message.bodyRange.count)
        return json.finished()
    }

    /// The absolute URL: scheme, the Host header (else the server's address), the target.
    private func url(_ head: HTTPHead, webSocket: Bool) -> String {
        let target = head.uri ?? "/"
        if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("ws://") { return target }
        let host = head.headers.values("Host").first ?? server?.description ?? "localhost"
        let path = target.hasPrefix("/") ? target : "/" + target
        return (webSocket ? "ws://" : "http://") + host + String(path.prefix { $0 != "#" })
    }

    static func pairs(_ pairs: [(String, String)]) -> [String] {
        pairs.map { name, value in
            var json = JSONWriter()
            json.add("name", name)
            json.add("value", value)
            return json.finished()
        }
    }

    /// "a=1; b=2" pieces as HAR cookies.
    static func cookies(_ pieces: [Substring]) -> [String] {
        pieces.compactMap { piece in
            let parts = piece.split(separator: "=", maxSplits: 1)
            guard let name = parts.first?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return nil }
            var json = JSONWriter()
            json.add("name", name)
            json.add("value", parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
            return json.finished()
        }
    }

    /// The query of a target, split into names and values as written (not percent-decoded).
    static func query(_ target: String) -> [(String, String)] {
        guard let mark = target.firstIndex(of: "?") else { return [] }
        let query = target[target.index(after: mark)...].prefix { $0 != "#" }
        return query.split(separator: "&").map { part in
            let pieces = part.split(separator: "=", maxSplits: 1)
            return (String(pieces.first ?? ""), pieces.count == 2 ? String(pieces[1]) : "")
        }
    }

    /// One `_webSocketMessages` item as Chrome writes it: type, time (epoch seconds), opcode,
    /// and data (the text of a text message, else base64).
    static func webSocketItem(_ message: ApplicationMessage, _ websocket: WebSocketMessage) -> String {
        var json = JSONWriter()
        json.add("type", message.direction == .client ? "send" : "receive")
        json.addRaw("time", HARTime.epoch(message.timestamp))
        json.add("opcode", Int(websocket.opcode.rawValue))
        if websocket.opcode == .text {
            json.add("data", String(decoding: websocket.payload, as: UTF8.self))
        } else {
            json.add("data", Data(websocket.payload).base64EncodedString())
        }
        return json.finished()
    }
}
