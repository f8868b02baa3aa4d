import OsiscopeWire

/// A BINARY_EVENT or BINARY_ACK waiting for the binary messages it announced, one direction.
struct PendingAttachments {
    var packet: SocketIOPacket
    var engine: EngineIOMessage
    var source: ByteSource
    var attachments: [[UInt8]] = []
    var sources: [ByteSource] = []

    var isComplete: Bool { attachments.count >= packet.attachments }
}
