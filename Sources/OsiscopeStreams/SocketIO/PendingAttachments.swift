import OsiscopeWire

/// A BINARY_EVENT or BINARY_ACK waiting for the binary messages it announced, one direction.
struct PendingAttachments {
    var packet: SocketIOPacket
    var engine: EngineIOMessage
    var source: ByteSource
    var attachments: [[UInt8]] = []
    var sources: [ByteSource] = []

    var isComplete: Bool { attachments.count >= packet.attachments }

    /// Attachments waited for per packet: a crafted count must not make the decoder keep every
    /// later binary message of the connection.
    static let maximum = 256
}
