import OsiscopeStreams

/// A message's content as a file of its own, as `tshark --export-objects` writes them: an HTTP
/// body (gzip or deflate removed, chunks joined) or a WebSocket text or binary payload (unmasked
/// and inflated). Named by stream, packet and content type, so a listing sorts and explains itself.
public struct ExportedObject {
    public var message: ApplicationMessage
    /// The file's name inside the export directory.
    public var name: String
    public var contentType: String
    public var bytes: [UInt8]
    /// The decoder kept only the first bytes (a size limit, a capture gap or the capture's end).
    public var truncated: Bool

    /// The object a message carries, or nil when it carries none (no body, a control frame).
    /// - Parameter ordinal: 1 for the first object completed in its packet, 2 for the next…
    public init?(_ message: ApplicationMessage, ordinal: Int = 1) {
        let kind: String
        switch message.content {
        case .http(let http):
            bytes = http.decodedBody ?? http.body
            guard !bytes.isEmpty else { return nil }
            contentType = http.head.headers.values("Content-Type").first.map(Self.mediaType) ?? ""
            truncated = http.body.count < http.bodyLength || !http.isComplete
            kind = "http-" + (contentType.isEmpty ? "untyped" : Self.nameSafe(contentType))
        case .websocket(let websocket) where websocket.opcode == .text || websocket.opcode == .binary:
            bytes = websocket.payload
            contentType = websocket.opcode == .text ? "text/plain" : "application/octet-stream"
            truncated = websocket.payloadTruncated || !websocket.isComplete
            kind = websocket.opcode == .text ? "websocket-text" : "websocket-binary"
        default:
            return nil
        }
        self.message = message
        let packet = message.packets.last ?? 0
        name = "stream\(message.stream)-packet\(packet)" + (ordinal > 1 ? "-\(ordinal)" : "")
            + "-\(kind).\(Self.fileExtension(contentType))"
    }

    /// "text/html; charset=utf-8" -> "text/html".
    static func mediaType(_ header: String) -> String {
        String(header.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// Letters, digits, '.', '+' and '-' kept, everything else '_': a type from the capture
    /// never names a path outside the directory.
    static func nameSafe(_ text: String) -> String {
        String(text.prefix(64).map { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) ? $0 : "_" })
    }

    static func fileExtension(_ type: String) -> String {
        if let known = extensions[type] { return known }
        let subtype = type.split(separator: "/").last.map(String.init) ?? ""
        let plain = subtype.split(separator: "+").last.map(String.init) ?? ""
        return !plain.isEmpty && plain.count <= 8 && plain.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) ? plain : "bin"
    }

    static let extensions: [String: String] = [
        "text/html": "html", "text/plain": "txt", "text/css": "css", "text/javascript": "js",
        "application/javascript": "js", "application/json": "json", "text/xml": "xml", "application/xml": "xml",
        "image/jpeg": "jpg", "image/svg+xml": "svg", "image/x-icon": "ico", "image/vnd.microsoft.icon": "ico",
        "application/octet-stream": "bin", "application/x-www-form-urlencoded": "txt", "text/event-stream": "txt",
    ]
}

extension ExportedObject {
    /// The listing line: where it came from, what it is, where it went.
    public var line: String {
        let what = contentType.isEmpty ? "(no type)" : contentType
        return "stream \(message.stream)  packet \(message.packets.last ?? 0)  \(message.protocolName) from \(message.direction.rawValue)  \(what)  "
            + "\(bytes.count) bytes\(truncated ? " (truncated)" : "")  \(name)"
    }

    public var json: [UInt8] {
        var json = JSONWriter()
        json.add("file", name)
        json.add("stream", message.stream)
        json.add("packet", message.packets.last ?? 0)
        json.addArray("packets", numbers: message.packets)
        json.add("protocol", message.protocolName)
        json.add("direction", message.direction.rawValue)
        json.add("content_type", contentType)
        json.add("bytes", bytes.count)
        json.add("truncated", truncated)
        return json.finishedBytes()
    }
}
