import OsiscopeCapture
import OsiscopeWire

/// Which side of each open TCP connection is the client, learnt from the pipeline's events; a
/// packet that opens a connection is held until the connection's opening event names its client.
public struct ClientSides: Sendable {
    private var clients: [Int: Endpoint] = [:]
    private var waiting: [(stream: Int, packet: PacketEvent)] = []

    public init() {}

    /// Calls `body` with each packet of a TCP stream and the direction it was sent in, as soon
    /// as the direction is known.
    public mutating func take(_ event: PipelineEvent, _ body: (PacketEvent, Int, Direction) -> Void) {
        switch event {
        case .packet(let packet):
            // A connection's opening event follows its first packet at once: anything still
            // waiting opened no connection, and its sender counts as the client.
            for (stream, held) in waiting { deliver(held, stream, body, client: clients[stream] ?? held.transport!.source) }
            waiting.removeAll()
            guard let transport = packet.transport, transport.tcp != nil, let annotation = packet.conversation,
                  !annotation.isUDP else { return }
            if let client = clients[annotation.stream] {
                deliver(packet, annotation.stream, body, client: client)
            } else {
                waiting.append((annotation.stream, packet))
            }
        case .connectionOpened(let summary):
            clients[summary.stream] = summary.client
            for (stream, held) in waiting where stream == summary.stream { deliver(held, stream, body, client: summary.client) }
            waiting.removeAll { $0.stream == summary.stream }
        case .connectionClosed(let summary):
            clients[summary.stream] = nil
        case .messageStarted, .messageCompleted, .streamBytes:
            break
        }
    }

    private func deliver(_ packet: PacketEvent, _ stream: Int, _ body: (PacketEvent, Int, Direction) -> Void, client: Endpoint) {
        body(packet, stream, packet.transport!.source == client ? .client : .server)
    }
}
