import OsiscopeWire

/// Every protocol osiscope decodes, wire and stream stages together: what `osiscope fields`
/// lists, and what every emitted key must be found in.
public enum Registry {
    public static let protocols: [ProtocolRegistry] = WireRegistry.protocols.map { registry in
        registry.name == "tcp" ? registry.adding(fields: TCPAnalysisFields.all.map { FieldRow($0) }, diagnostics: TCPStreamDiagnostics.all) : registry
    } + [http, websocket, engineIO, socketIO]

    static let http: ProtocolRegistry = {
        typealias F = HTTPFields
        return ProtocolRegistry(name: "http", title: "Hypertext Transfer Protocol", osi: .application, fields: [
            F.method, F.uri, F.requestVersion, F.responseVersion, F.status, F.phrase, F.requestLine, F.responseLine,
            F.bodyLength, F.contentLengthValue, F.chunks, F.responseIn, F.requestIn, F.time, F.decodedBody,
        ].map { FieldRow($0) } + HTTPHeaderFields.all.map { FieldRow($0) }, diagnostics: HTTPDiagnostics.all)
    }()

    static let websocket: ProtocolRegistry = {
        typealias F = WebSocketFields
        let first = 0..<1, second = 1..<2
        return ProtocolRegistry(name: "websocket", title: "WebSocket", osi: .application, fields: [
            FieldRow(F.fin, at: first), FieldRow(F.rsv, at: first), FieldRow(F.rsv1, at: first), FieldRow(F.rsv2, at: first), FieldRow(F.rsv3, at: first),
            FieldRow(F.opcode, at: first), FieldRow(F.mask, at: second), FieldRow(F.payloadLength, at: second),
            FieldRow(F.extended16, at: 2..<4), FieldRow(F.extended64, at: 2..<10),
        ] + [F.maskingKey, F.payload, F.text, F.binary, F.closeCode, F.closeReason, F.messageLength, F.frames, F.accept,
             F.expectedAccept, F.deflate, F.subprotocol].map { FieldRow($0) },
        diagnostics: WebSocketDiagnostics.all)
    }()

    static let engineIO = ProtocolRegistry(name: "engine.io", title: "Engine.IO", osi: .application,
                                           fields: [FieldRow(EngineIOFields.type, at: 0..<1)]
                                               + EngineIOFields.all.dropFirst().map { FieldRow($0) },
                                           diagnostics: EngineIODiagnostics.all)

    static let socketIO = ProtocolRegistry(name: "socket.io", title: "Socket.IO", osi: .application,
                                           fields: SocketIOFields.all.map { FieldRow($0) }, diagnostics: SocketIODiagnostics.all)

    /// The registry of one protocol by its name.
    public static func registry(named name: String) -> ProtocolRegistry? {
        protocols.first { $0.name == name.lowercased() }
    }
}
