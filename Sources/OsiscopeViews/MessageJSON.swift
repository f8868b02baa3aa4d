import Foundation
import OsiscopeStreams
import OsiscopeWire

/// The `messages --json` contract: one object per application message, in order of completion.
public enum MessageJSON {
    /// `includeBodies` adds HTTP bodies (inflated when they had a gzip or deflate
    /// Content-Encoding) as `body_text` when they are UTF-8, else `body_base64`.
    public static func encode(_ message: ApplicationMessage, includeBodies: Bool = false) -> String {
        String(decoding: encodedBytes(message, includeBodies: includeBodies), as: UTF8.self)
    }

    /// `encode` as UTF-8 bytes, for writing out without making a String of a long text.
    public static func encodedBytes(_ message: ApplicationMessage, includeBodies: Bool = false) -> [UInt8] {
        var json = JSONWriter(reservingCapacity: expectedSize(message, includeBodies: includeBodies))
        json.add("stream", message.stream)
        json.add("protocol", message.protocolName)
        json.add("from", message.direction.rawValue)
        json.addArray("packets", numbers: message.packets)
        json.add("timestamp", message.timestamp.decimalString)
        switch message.content {
        case .http(let http):
            addHTTP(http, to: &json)
            if includeBodies { addBody(http, to: &json) }
            if let request = message.request {
                json.add("request_packet", request.packet)
                json.add("time_since_request", String(format6: request.seconds))
            }
        case .websocket(let websocket): addWebSocket(websocket, to: &json)
        case .engineIO(let engineIO): addEngineIO(engineIO, to: &json)
        case .socketIO(let socketIO): addSocketIO(socketIO, to: &json)
        case .other(let other): addProperties(other.properties, to: &json)
        case .gap(let gap):
            json.add("kind", "gap")
            json.add("bytes", Int(gap.bytes))
            json.add("stream_offset", Int(gap.range.lowerBound))
            if let before = gap.packetBefore { json.add("packet_before", before) }
            if let after = gap.packetAfter { json.add("packet_after", after) }
        }
        if let session = message.session { json.add("session", session) }
        return json.finishedBytes()
    }

    /// Room for the keys and the payload (base64 of a binary one is a third longer).
    private static func expectedSize(_ message: ApplicationMessage, includeBodies: Bool) -> Int {
        switch message.content {
        case .websocket(let websocket): 512 + websocket.payload.count * 4 / 3
        case .http(let http) where includeBodies: 1024 + (http.decodedBody ?? http.body).count * 4 / 3
        default: 1024
        }
    }

    static func addHTTP(_ message: HTTPMessage, to json: inout JSONWriter) {
        let head = message.head
        json.add("kind", head.kind.rawValue)
        if let method = head.method { json.add("method", method) }
        if let uri = head.uri { json.add("uri", uri) }
        if let status = head.status { json.add("status", status) }
        if let reason = head.reason, head.kind == .response { json.add("reason", reason) }
        json.add("version", head.version)
        json.addArray("headers", pairs: head.headers.map { ($0.name, $0.value) })
        json.add("body_length", message.bodyLength)
        if let chunks = message.chunks { json.add("chunks", chunks) }
        if let answers = message.answers { json.add("answers_request", answers) }
        json.add("complete", message.isComplete)
        addDiagnostics(message.diagnostics, to: &json)
    }

    static func addBody(_ message: HTTPMessage, to json: inout JSONWriter) {
        let body = message.decodedBody ?? message.body
        guard !body.isEmpty else { return }
        if message.decodedBody != nil { json.add("body_decoded", true) }
        if body.count < message.bodyLength && message.decodedBody == nil { json.add("body_truncated", true) }
        if let text = String(validating: body, as: UTF8.self) {
            json.add("body_text", text)
        } else {
            json.add("body_base64", Data(body).base64EncodedString())
        }
    }

    static func addWebSocket(_ message: WebSocketMessage, to json: inout JSONWriter) {
        json.add("opcode", message.opcode.name)
        json.add("frames", message.frameCount)
        json.add("compressed", message.compressed)
        json.add("length", message.length)
        if let close = message.close {
            if let code = close.code {
                json.add("close_code", Int(code.rawValue))
                if let name = code.name { json.add("close_meaning", name) }
            }
            json.add("close_reason", close.reason)
        } else if [.text, .ping, .pong].contains(message.opcode), message.isValidUTF8 {
            if message.isComplete && !message.payloadTruncated {
                json.add("text", utf8: message.payload) // valid to its last byte: copied as it is
            } else {
                json.add("text", String(decoding: message.payload, as: UTF8.self)) // a cut character becomes U+FFFD
            }
        } else {
            json.add("data_base64", Data(message.payload).base64EncodedString())
        }
        if message.payloadTruncated { json.add("truncated", true) }
        json.add("complete", message.isComplete)
        addDiagnostics(message.diagnostics, to: &json)
    }

    static func addEngineIO(_ message: EngineIOMessage, to json: inout JSONWriter) {
        let packet = message.packet
        json.add("transport", message.transport.rawValue)
        if let sid = message.sid { json.add("sid", sid) }
        json.add("type", packet.type.name)
        json.add("eio", message.version.rawValue)
        if packet.isBinary {
            json.add("data_base64", Data(packet.data).base64EncodedString())
            if packet.base64 { json.add("base64", true) }
        } else if let text = packet.text {
            json.add("data", text)
        } else {
            json.add("data_base64", Data(packet.data).base64EncodedString())
        }
        if message.isProbe { json.add("probe", true) }
        if let handshake = message.handshake {
            json.addArray("upgrades", handshake.upgrades.map(JSONWriter.quoted))
            if let value = handshake.pingInterval { json.add("ping_interval", value) }
            if let value = handshake.pingTimeout { json.add("ping_timeout", value) }
            if let value = handshake.maxPayload { json.add("max_payload", value) }
        }
        if let seconds = message.sincePing { json.addRaw("since_ping", String(format6: seconds)) }
        addDiagnostics(message.diagnostics, to: &json)
    }

    static func addSocketIO(_ message: SocketIOMessage, to json: inout JSONWriter) {
        let packet = message.packet
        if let id = message.socketID { json.add("sid", id) }
        json.add("namespace", packet.namespace)
        json.add("type", packet.type.name)
        json.add("transport", message.transport.rawValue)
        json.add("protocol_version", message.protocolVersion)
        if let event = message.event { json.add("event", event) }
        if let args = message.args { json.addRaw("args", JSONValue.arrayText(args)) }
        if message.args == nil, let data = packet.data { json.addRaw("data", data.text) }
        if let query = packet.namespaceQuery { json.add("query", query) }
        if let id = packet.ackID { json.add("ack_id", id) }
        if packet.type.hasAttachments { json.add("attachments", packet.attachments) }
        if let acked = message.ackedPacket { json.add("event_packet", acked) }
        if let rtt = message.rtt { json.addRaw("rtt", String(format6: rtt)) }
        if let broadcast = message.broadcast {
            json.add("broadcast", broadcast.id)
            json.add("broadcast_copies", broadcast.copies)
        }
        addDiagnostics(message.diagnostics, to: &json)
    }

    /// A message of a protocol added through the decoder table: its own keys, in order.
    static func addProperties(_ properties: [(key: String, value: FieldValue)], to json: inout JSONWriter) {
        for (key, value) in properties {
            switch value {
            case .number(let number): json.add(key, number)
            case .flag(let on): json.add(key, on)
            case .text(let text): json.add(key, text)
            case .bytes(let bytes): json.add(key + "_base64", Data(bytes).base64EncodedString())
            case .seconds(let seconds): json.add(key, String(format6: seconds))
            case .signed(let number): json.add(key, Int(number))
            case .none: json.addNull(key)
            }
        }
    }

    static func addDiagnostics(_ diagnostics: [StreamDiagnostic], to json: inout JSONWriter) {
        guard !diagnostics.isEmpty else { return }
        json.addArray("diagnostics", diagnostics.map { diagnostic in
            var entry = JSONWriter()
            entry.add("severity", diagnostic.severity.rawValue)
            entry.add("key", diagnostic.key)
            entry.add("message", diagnostic.message)
            return entry.finished()
        })
    }
}
