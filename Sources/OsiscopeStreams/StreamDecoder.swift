import OsiscopeCapture
import OsiscopeWire

/// The stream stage for a whole capture: one `Connection` per TCP stream, fed packet by
/// packet. It adds the layers that a packet completes (HTTP messages, WebSocket frames) and
/// TCP analysis diagnostics to that packet, and hands out application messages in order of
/// completion.
public final class StreamDecoder {
    public let options: StreamOptions
    private var connections: [Int: Connection] = [:]
    /// Requests waiting for an answer, per stream: request index → packet and time.
    private var requests: [Int: [Int: (packet: Int, time: Timestamp)]] = [:]
    private var lastTimestamp = Timestamp(seconds: 0, nanoseconds: 0)
    /// Summaries of connections that ended or were forgotten, until someone takes them; kept
    /// only when asked for, since a long capture has very many.
    private var doneSummaries: [ConnectionSummary] = []
    public var keepsSummaries = false

    /// The stream whose reassembly events `takeFollowed` hands out (`osiscope follow`).
    public let followedStream: Int?

    public init(options: StreamOptions = StreamOptions(), follow stream: Int? = nil) {
        self.options = options
        followedStream = stream
    }

    /// Events of the followed stream flushed when its connection was finished or forgotten.
    private var finalFollowed: [StreamEvent] = []

    /// Reassembly events of the followed stream since the last call, in stream order.
    public func takeFollowed() -> [StreamEvent] {
        var events = finalFollowed
        finalFollowed = []
        if let stream = followedStream, var connection = connections[stream] {
            events += connection.followed ?? []
            connection.followed = []
            connections[stream] = connection
        }
        return events
    }

    /// Processes one tracked packet; returns the messages it completed.
    public func process(_ packet: inout DecodedPacket, placement: ConversationTracker.Placement) -> [ApplicationMessage] {
        guard let transport = packet.transport, let segment = transport.tcp else { return [] }
        lastTimestamp = packet.packet.timestamp
        // Taken out of the table while in use, so that its buffers are not copied on change.
        var connection = connections.removeValue(forKey: placement.stream) ?? Connection(
            summary: ConnectionSummary(
                stream: placement.stream,
                client: placement.direction == .client ? transport.source : transport.destination,
                server: placement.direction == .client ? transport.destination : transport.source,
                firstSeen: packet.packet.timestamp, lastSeen: packet.packet.timestamp),
            options: options)
        if placement.stream == followedStream && connection.followed == nil { connection.followed = [] }
        var (findings, analysis) = connection.process(segment, from: placement.direction, packet: packet.packet)
        // Both sides closed (or one reset): flush what is left now, and drop the decoding state
        // below, so that memory follows the connections still open.
        let ending = connection.summary.state != .open && !connection.isReleased
        if ending { findings += connection.finish() }
        if let index = packet.layers.firstIndex(where: { $0.protocolKey == "tcp" }) {
            packet.layers[index].diagnostics += analysis
        }
        var shown: DecodedPacket? = packet
        let messages = apply(findings, stream: placement.stream, connection: connection, to: &shown)
        packet = shown!
        if packet.layers.contains(where: { $0.protocolKey == "http" || $0.protocolKey == "websocket" }) {
            // The payload is explained by the application layers now.
            packet.layers.removeAll { $0.protocolKey == "data" }
        } else if connection.decodesApplication, let index = packet.layers.firstIndex(where: { $0.protocolKey == "data" }) {
            // Like Wireshark's "TCP segment of a reassembled PDU": these bytes belong to a
            // message that is still being reassembled.
            packet.layers[index].title = "TCP segment data"
            packet.layers[index].summary += ", part of a \(connection.summary.protocolName == "http" ? "HTTP" : "WebSocket") message still being reassembled"
        }
        if ending {
            connection.release()
            requests[placement.stream] = nil
        }
        connections[placement.stream] = connection
        return messages
    }

    /// Streams the tracker forgot: finish them and keep their summaries.
    public func forget(streams: [Int]) -> [ApplicationMessage] {
        var messages: [ApplicationMessage] = []
        for stream in streams {
            guard var connection = connections.removeValue(forKey: stream) else { continue }
            var none: DecodedPacket?
            messages += apply(connection.finish(), stream: stream, connection: connection, to: &none)
            if stream == followedStream { finalFollowed += connection.followed ?? [] }
            if keepsSummaries { doneSummaries.append(connection.summary) }
            requests[stream] = nil
        }
        return messages
    }

    /// The end of the capture: every connection still open gives up what it holds.
    public func finish() -> [ApplicationMessage] {
        forget(streams: connections.keys.sorted())
    }

    /// Summaries of connections that have ended, in the order they ended.
    public func takeSummaries() -> [ConnectionSummary] {
        defer { doneSummaries = [] }
        return doneSummaries
    }

    /// Summaries of connections still open, by stream number.
    public var openSummaries: [ConnectionSummary] {
        connections.keys.sorted().map { connections[$0]!.summary }
    }

    /// Turns findings into layers on `packet` (nil at the end of the capture, when no packet
    /// is left to show them on) and into application messages.
    private func apply(_ findings: [Connection.Finding], stream: Int, connection: Connection,
                       to packet: inout DecodedPacket?) -> [ApplicationMessage] {
        let layers = StreamLayers(stream: stream, packetNumber: packet?.packet.number ?? -1, origins: connection.origins,
                                  guessed: connection.summary.protocolGuessed)
        let time = packet?.packet.timestamp ?? lastTimestamp
        // A message is shown on the layer of the frame that completed it.
        var messageByLastFrame: [FrameKey: WebSocketMessage] = [:]
        for case .webSocketMessage(let message) in findings {
            if let last = message.frameRanges.last {
                messageByLastFrame[FrameKey(direction: message.direction, offset: last.lowerBound)] = message
            }
        }
        var messages: [ApplicationMessage] = []
        for finding in findings {
            switch finding {
            case .httpMessage(let message):
                var request: (packet: Int, seconds: Double)?
                if message.direction == .client, let number = packet?.packet.number {
                    var waiting = requests[stream, default: [:]]
                    waiting[message.index] = (number, time)
                    // Requests never answered must not pile up: keep the newest ones, as the parser does.
                    if waiting.count > options.http.maxPendingRequests, let oldest = waiting.keys.min() {
                        waiting[oldest] = nil
                    }
                    requests[stream] = waiting
                } else if let answered = message.answers, let seen = requests[stream]?[answered] {
                    request = (seen.packet, time.seconds(since: seen.time))
                    if !message.head.isInterim { requests[stream]?[answered] = nil }
                }
                packet?.layers.append(layers.httpLayer(message, request: request))
                messages.append(ApplicationMessage(stream: stream, direction: message.direction,
                                                   packets: connection.origins[message.direction]!.packets(for: message.range),
                                                   timestamp: time, content: .http(message), request: request))
            case .handshake(let handshake):
                if let index = packet?.layers.lastIndex(where: { $0.protocolKey == "http" }) {
                    layers.handshakeFields(handshake, into: &packet!.layers[index])
                } else {
                    packet?.diagnostics += handshake.diagnostics.map { layers.diagnostic($0) }
                }
            case .frame(let frame, let direction):
                let message = messageByLastFrame[FrameKey(direction: direction, offset: frame.headerRange.lowerBound)]
                packet?.layers.append(layers.webSocketLayer(frame, direction, message: message))
            case .webSocketMessage(let message):
                messages.append(ApplicationMessage(stream: stream, direction: message.direction,
                                                   packets: connection.origins[message.direction]!.packets(for: message.frameRanges),
                                                   timestamp: time, content: .websocket(message)))
            case .diagnostic(let diagnostic, _):
                let converted = layers.diagnostic(diagnostic)
                if let index = packet?.layers.indices.last { packet!.layers[index].diagnostics.append(converted) } else {
                    packet?.diagnostics.append(converted)
                }
            }
        }
        return messages
    }
}

/// A frame's place: which direction, and the stream offset of its header.
private struct FrameKey: Hashable {
    var direction: Direction
    var offset: Int64
}
