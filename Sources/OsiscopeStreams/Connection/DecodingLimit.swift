/// One limit of the stream stage, as `--limit NAME=VALUE` sets it and `osiscope limits` lists
/// it: what it bounds, its default, and the diagnostic that says a capture reached it.
public struct DecodingLimit {
    public let name: String
    public let unit: String
    public let meaning: String
    /// The key of the diagnostic raised where the limit is reached.
    public let diagnostic: String
    private let setting: WritableKeyPath<StreamOptions, Int>

    public func value(in options: StreamOptions) -> Int { options[keyPath: setting] }
    public func set(_ value: Int, in options: inout StreamOptions) { options[keyPath: setting] = value }

    public static func named(_ name: String) -> DecodingLimit? { all.first { $0.name == name } }

    public static var all: [DecodingLimit] {
        [
            DecodingLimit(name: "tcp.connections", unit: "connections", meaning: "TCP connections tracked at once; past it the quietest tenth are forgotten",
                          diagnostic: TCPStreamDiagnostics.connectionsForgotten.key, setting: \.maximumConnections),
            DecodingLimit(name: "tcp.held_bytes", unit: "bytes", meaning: "bytes held behind a hole per direction, waiting for the missing segment; past it the hole is lost",
                          diagnostic: TCPStreamDiagnostics.reassemblyLimit.key, setting: \.maximumHeldBytes),
            DecodingLimit(name: "tcp.held_segments", unit: "segments", meaning: "segments held behind a hole per direction; past it the hole is lost",
                          diagnostic: TCPStreamDiagnostics.reassemblyLimit.key, setting: \.maximumHeldSegments),
            DecodingLimit(name: "http.head_bytes", unit: "bytes", meaning: "an HTTP head (start line and header fields), and a trailer section",
                          diagnostic: HTTPDiagnostics.headTooLarge.key, setting: \.http.maxHeadBytes),
            DecodingLimit(name: "http.header_count", unit: "fields", meaning: "header fields kept per HTTP message; later ones are counted",
                          diagnostic: HTTPDiagnostics.headersTooMany.key, setting: \.http.maxHeaderCount),
            DecodingLimit(name: "http.decoded_body_bytes", unit: "bytes", meaning: "an HTTP body after gzip or deflate Content-Encoding is undone",
                          diagnostic: HTTPDiagnostics.contentEncodingLimit.key, setting: \.http.maxDecodedBodyBytes),
            DecodingLimit(name: "websocket.message_bytes", unit: "bytes", meaning: "a WebSocket frame payload and message kept, after inflating",
                          diagnostic: WebSocketDiagnostics.messageLimit.key, setting: \.maximumMessageBytes),
            DecodingLimit(name: "websocket.inflated_bytes", unit: "bytes", meaning: "bytes inflated per WebSocket direction over a connection (permessage-deflate)",
                          diagnostic: WebSocketDiagnostics.deflateStreamLimit.key, setting: \.maximumInflatedBytes),
            DecodingLimit(name: "engine.io.payload_bytes", unit: "bytes", meaning: "an Engine.IO payload (polling body or WebSocket message) decoded into packets",
                          diagnostic: EngineIODiagnostics.payloadLimit.key, setting: \.maximumEngineIOPayloadBytes),
        ]
    }
}
