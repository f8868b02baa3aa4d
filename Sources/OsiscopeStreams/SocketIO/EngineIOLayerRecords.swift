import OsiscopeWire

/// The engine.io layer of the packet that completed an Engine.IO packet's carrier.
struct EngineIOLayerRecord: LayerRecord {
    var message: EngineIOMessage
    var source: ByteSource

    func apply(to packet: inout DecodedPacket) {
        let (base, layerSource) = place(source, source.range, packet: packet.packet.number)
        let engine = message.packet
        let length = source.range.count
        typealias F = EngineIOFields
        var fields = [
            Field(F.type, .number(UInt64(engine.type.code)), offset: base, length: engine.isBinary ? 0 : 1),
            Field(F.transport, .text(message.transport.rawValue), offset: base, length: 0, generated: true),
            Field(F.version, .number(UInt64(message.version.rawValue)), offset: base, length: 0, generated: true),
        ]
        if let sid = message.sid { fields.append(Field(F.sid, .text(sid), offset: base, length: 0, generated: true)) }
        if engine.isBinary {
            fields.append(Field(F.binary, .bytes(engine.data), offset: base, length: length))
            if engine.base64 { fields.append(Field(F.base64, .flag(true), offset: base, length: 1)) }
        } else if !engine.data.isEmpty {
            fields.append(Field(F.data, .text(String(decoding: engine.data, as: UTF8.self)), offset: base + 1, length: length - 1))
        }
        if let handshake = message.handshake {
            let at = base + 1, span = max(0, length - 1)
            fields.append(Field(F.upgrades, .text(handshake.upgrades.joined(separator: ", ")), offset: at, length: span))
            for (descriptor, value) in [(F.pingInterval, handshake.pingInterval), (F.pingTimeout, handshake.pingTimeout),
                                        (F.maxPayload, handshake.maxPayload)] {
                if let value { fields.append(Field(descriptor, .number(UInt64(max(0, value))), offset: at, length: span)) }
            }
        }
        var layer = Layer(protocolKey: "engine.io", title: "Engine.IO", osi: .application, offset: base, length: length,
                          fields: fields, diagnostics: message.diagnostics.map(\.diagnostic))
        layer.source = layerSource
        packet.layers.append(layer)
    }
}

/// The socket.io layer of the packet that completed a Socket.IO packet (its last attachment).
struct SocketIOLayerRecord: LayerRecord {
    var message: SocketIOMessage
    var source: ByteSource

    func apply(to packet: inout DecodedPacket) {
        let (base, layerSource) = place(source, source.range, packet: packet.packet.number)
        let io = message.packet
        // The Engine.IO type character comes first; the Socket.IO packet is the rest.
        let start = base + 1, length = max(0, source.range.count - 1)
        typealias F = SocketIOFields
        let layout = io.layout
        func at(_ range: Range<Int>?) -> (offset: Int, length: Int) {
            range.map { (start + $0.lowerBound, $0.count) } ?? (start, 0)
        }
        var fields = [Field(F.type, .number(UInt64(io.type.code)), offset: start, length: 1)]
        let namespace = at(layout.namespace)
        fields.append(Field(F.namespace, .text(io.namespace), offset: namespace.offset, length: namespace.length,
                            generated: layout.namespace == nil))
        if io.type.hasAttachments {
            let place = at(layout.attachments)
            fields.append(Field(F.attachments, .number(UInt64(io.attachments)), offset: place.offset, length: place.length))
        }
        if let id = io.ackID {
            let place = at(layout.ackID)
            fields.append(Field(F.ackID, .number(UInt64(id)), offset: place.offset, length: place.length))
        }
        let data = at(layout.data)
        if let event = message.event { fields.append(Field(F.event, .text(event), offset: data.offset, length: data.length)) }
        if let args = message.args {
            fields.append(Field(F.args, .text(JSONValue.arrayText(args)), offset: data.offset, length: data.length,
                                generated: io.attachments > 0))
        } else if let value = io.data {
            fields.append(Field(F.data, .text(value.text), offset: data.offset, length: data.length))
        }
        var layer = Layer(protocolKey: "socket.io", title: "Socket.IO", osi: .application, offset: start, length: length,
                          fields: fields, diagnostics: message.diagnostics.map(\.diagnostic))
        layer.source = layerSource
        packet.layers.append(layer)
    }
}
