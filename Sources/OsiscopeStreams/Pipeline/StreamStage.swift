import OsiscopeCapture
import OsiscopeWire

/// The stream stage for the streams given to one worker: one `Connection` per TCP stream, fed packet by
/// packet. It records what each packet completes (layers to show, reassembly findings) and emits
/// connection, message and stream-byte events.
final class StreamStage {
    let options: StreamOptions
    private var connections: [Int: Connection] = [:]
    private let wants: PipelineEvents
    private let streamBytesOf: Int?

    init(options: StreamOptions, wants: PipelineEvents, streamBytesOf: Int?) {
        self.options = options
        self.wants = wants
        self.streamBytesOf = streamBytesOf
    }

    /// What the stage found on one packet.
    struct PacketFindings {
        /// Reassembly problems (snap length cuts, retransmissions that differ).
        var reassembly: [Diagnostic] = []
        var records: [any LayerRecord] = []
        /// The decoder whose message the packet's payload is part of, when none of it is shown yet.
        var reassemblingFor: String?
    }

    func process(_ packet: CapturedPacket, _ segment: TCPSegmentInfo, transport: TransportInfo,
                 placement: ConversationTracker.Placement, analysis: TCPAnalysisFlags,
                 into events: inout [PipelineEvent]) -> PacketFindings {
        let connection: Connection
        if let known = connections[placement.stream] {
            connection = known
        } else {
            connection = Connection(
                summary: ConnectionSummary(
                    stream: placement.stream,
                    client: placement.direction == .client ? transport.source : transport.destination,
                    server: placement.direction == .client ? transport.destination : transport.source,
                    firstSeen: packet.timestamp, lastSeen: packet.timestamp),
                options: options)
            if wants.contains(.streamBytes) && (streamBytesOf == nil || streamBytesOf == placement.stream) {
                connection.streamEvents = []
            }
            connections[placement.stream] = connection
            if wants.contains(.connections) { events.append(.connectionOpened(connection.summary)) }
        }
        var context = makeContext(connection, packet: packet.number, time: packet.timestamp)
        var findings = PacketFindings()
        let outcome = connection.process(segment, from: placement.direction, packet: packet, analysis: analysis, &context)
        findings.reassembly = outcome.diagnostics
        // Both sides closed (or one reset): flush what is left now, and drop the decoding state
        // below, so that memory follows the connections still open.
        let ending = connection.summary.state != .open && !connection.isReleased
        if ending { connection.finish(&context) }
        findings.records = context.records
        if connection.decodesPayload && outcome.carriedNewBytes { findings.reassemblingFor = connection.decoderDisplayName }
        emit(context, connection, into: &events)
        if ending { connection.release() }
        return findings
    }

    /// A stream that ended (retired by the tracker, its ports reused, or the capture over)
    /// at capture time `time`: its connection gives up what it holds.
    func retire(stream: Int, at time: Timestamp, into events: inout [PipelineEvent]) {
        guard let connection = connections.removeValue(forKey: stream) else { return }
        var context = makeContext(connection, packet: nil, time: time)
        connection.finish(&context)
        emit(context, connection, into: &events)
        if wants.contains(.connections) { events.append(.connectionClosed(connection.summary)) }
    }

    private func makeContext(_ connection: Connection, packet: Int?, time: Timestamp) -> DecoderContext {
        DecoderContext(stream: connection.summary.stream, packet: packet, time: time,
                       wantsLayers: packet != nil && wants.contains(.packets), sources: connection)
    }

    private func emit(_ context: DecoderContext, _ connection: Connection, into events: inout [PipelineEvent]) {
        connection.summary.messages += context.messages.count
        // Messages before the stream bytes of the same packet, so that a subscriber who stops
        // at the stream's end (FIN both ways) has every message.
        if wants.contains(.messages) {
            for start in context.starts { events.append(.messageStarted(start)) }
            for message in context.messages { events.append(.messageCompleted(message)) }
        }
        if let streamEvents = connection.streamEvents, !streamEvents.isEmpty {
            for event in streamEvents { events.append(.streamBytes(stream: connection.summary.stream, event)) }
            connection.streamEvents = []
        }
    }
}
