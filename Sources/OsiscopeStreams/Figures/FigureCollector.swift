import OsiscopeCapture
import OsiscopeWire

/// Counts each TCP conversation's figures from the pipeline's events (packets, messages,
/// connections) and hands them over when the conversation is retired, so memory holds only
/// the open conversations.
public struct FigureCollector {
    private final class Tally {
        /// The sender of the first packet seen: packets (with their bytes and headers of layers 2
        /// to 4) are counted by captured side (0 is this endpoint) until the conversation's end
        /// says which side was the client; messages by their direction.
        var firstSender: Endpoint
        var packets = [ConversationFigures.Side(), ConversationFigures.Side()]
        var sides = DirectionPair(both: ConversationFigures.Side())
        var lastSender: Direction?
        var turns = 0, serverInitiated = 0, requests = 0
        /// A client WebSocket message has come that no server message followed yet.
        var clientAwaitsAnswer = false
        /// The client as the connection's opening named it, for reading acknowledgments.
        var client: Endpoint?
        var flights = MessageFlights()
        var overlap = FlightOverlap()
        var latency = LatencySample()

        init(firstSender: Endpoint) { self.firstSender = firstSender }
    }

    private var open: [Int: Tally] = [:]
    private var captureLatency = LatencySample()
    private var retired = CaptureFigures()

    /// The sum of the conversations retired so far, with the latency of all their exchanges.
    public var totals: CaptureFigures {
        var totals = retired
        totals.latency = captureLatency.summary
        return totals
    }

    public init() {}

    /// The figures of the conversation this event retires, if it retires one.
    public mutating func take(_ event: PipelineEvent) -> ConversationFigures? {
        switch event {
        case .packet(let packet):
            count(packet)
        case .messageCompleted(let message):
            count(message)
        case .connectionClosed(let summary):
            return close(summary)
        case .connectionOpened(let summary):
            open[summary.stream]?.client = summary.client
        case .messageStarted, .streamBytes:
            break
        }
        return nil
    }

    private mutating func count(_ event: PacketEvent) {
        guard let transport = event.transport, let tcp = transport.tcp, let annotation = event.conversation,
              !annotation.isUDP else { return }
        let tally: Tally
        if let known = open[annotation.stream] {
            tally = known
        } else {
            tally = Tally(firstSender: transport.source)
            open[annotation.stream] = tally
        }
        let side = transport.source == tally.firstSender ? 0 : 1
        let l3 = transport.transportOffset - transport.networkOffset
        let l4 = tcp.payloadOffset - transport.transportOffset
        let original = event.packet.originalLength
        tally.packets[side].packets += 1
        tally.packets[side].wireBytes += original
        tally.packets[side].tcpPayloadBytes += tcp.payloadLength
        tally.packets[side].overhead.l3 += l3
        tally.packets[side].overhead.l4 += l4
        // Whatever is not the IP datagram belongs to the link: its header, padding, trailer.
        tally.packets[side].overhead.l2 += max(0, original - l3 - l4 - tcp.payloadLength)
        if let client = tally.client, let acknowledgment = annotation.relativeAcknowledgment {
            let acknowledged: Direction = transport.source == client ? .server : .client
            tally.flights.acknowledge(acknowledged, relative: acknowledgment, at: event.packet.timestamp) { tally.overlap.add($0) }
        }
    }

    private mutating func count(_ message: ApplicationMessage) {
        guard let tally = open[message.stream] else { return }
        let direction = message.direction
        switch message.content {
        case .http(let http):
            tally.flights.sent(direction, start: message.startTimestamp, completed: message.timestamp,
                               endOffset: http.range.upperBound) { tally.overlap.add($0) }
            tally.sides[direction].payloadBytes += http.bodyLength
            tally.sides[direction].overhead.l7 += max(0, Int(http.range.count) - http.bodyLength)
            if http.head.kind == .request {
                tally.requests += 1
            } else if let request = message.request {
                tally.latency.add(request.seconds)
                captureLatency.add(request.seconds)
            } else {
                tally.serverInitiated += 1
            }
        case .websocket(let websocket):
            tally.flights.sent(direction, start: message.startTimestamp, completed: message.timestamp,
                               endOffset: websocket.streamRange.upperBound) { tally.overlap.add($0) }
            tally.sides[direction].payloadBytes += Int(websocket.wireLength)
            tally.sides[direction].overhead.l7 += websocket.headerBytes
            // WebSocket has no requests: a server message answers the client's latest message
            // when it is the first to follow it (an echo, a reply, the close echoed); a pong
            // always answers.
            if direction == .client {
                if websocket.opcode != .pong { tally.clientAwaitsAnswer = true }
            } else if websocket.opcode != .pong {
                if !tally.clientAwaitsAnswer { tally.serverInitiated += 1 }
                tally.clientAwaitsAnswer = false
            }
        case .gap(let gap):
            tally.sides[gap.direction].lostBytes += Int(gap.bytes)
            return
        case .engineIO, .socketIO, .other:
            // Carried inside HTTP bodies and WebSocket messages, which are counted already.
            return
        }
        tally.sides[direction].messages += 1
        if let last = tally.lastSender, last != direction { tally.turns += 1 }
        tally.lastSender = direction
    }

    private mutating func close(_ summary: ConnectionSummary) -> ConversationFigures? {
        guard let tally = open.removeValue(forKey: summary.stream) else { return nil }
        var figures = ConversationFigures(stream: summary.stream, protocolName: summary.protocolName, client: summary.client,
                                          server: summary.server, firstSeen: summary.firstSeen, lastSeen: summary.lastSeen)
        figures.sides = tally.sides
        let clientSide = tally.firstSender == summary.client ? 0 : 1
        figures.sides.client.add(tally.packets[clientSide])
        figures.sides.server.add(tally.packets[1 - clientSide])
        figures.turns = tally.turns
        figures.serverInitiated = tally.serverInitiated
        figures.requests = tally.requests
        tally.flights.finish { tally.overlap.add($0) }
        tally.overlap.finish()
        figures.overlapSeconds = tally.overlap.seconds
        figures.overlaps = tally.overlap.overlaps
        figures.latency = tally.latency.summary
        retired.add(figures)
        return figures
    }
}
