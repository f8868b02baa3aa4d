import OsiscopeCapture
import OsiscopeWire

/// Reads packets from a source and emits events: every packet decoded and assigned to its
/// conversation, and, when stream decoding is on, the connections, messages and stream bytes
/// it brings. Every packet is processed, even those a caller does not show, so that stream
/// numbers and messages do not depend on which packets were selected.
public final class PacketPipeline {
    public let source: any PacketSource
    private var tracker = ConversationTracker()
    /// nil when only per-packet decoding is wanted.
    private let streams: StreamStage?
    private let wants: PipelineEvents
    private var queue: [PipelineEvent] = []
    private var head = 0
    private var finished = false
    /// Packets read so far.
    public private(set) var packetsRead = 0
    /// TCP streams numbered so far (`tcp.stream` runs from 0 to one less).
    public var tcpStreamCount: Int { tracker.tcpCount }
    /// When the first packet was captured (views show times relative to it).
    public private(set) var firstTimestamp: Timestamp?

    /// - Parameters:
    ///   - events: what the caller handles; packets are always decoded to their transport.
    ///   - streams: stream decoding settings, nil for per-packet decoding only.
    ///   - streamBytesOf: with `.streamBytes`, only this stream's bytes (nil: all streams).
    public init(source: any PacketSource, events: PipelineEvents = .all,
                streams: StreamOptions? = StreamOptions(), streamBytesOf: Int? = nil) {
        self.source = source
        wants = events
        self.streams = streams.map { StreamStage(options: $0, wants: events, streamBytesOf: streamBytesOf) }
        tracker.closedLinger = streams?.closedLinger ?? tracker.closedLinger
        tracker.idleLimit = streams?.idleLimit ?? tracker.idleLimit
    }

    /// The next event, nil after the last. A damaged file throws the reader's error once,
    /// after the events of every packet before the damage; the events that closing the
    /// connections brings follow on the next calls.
    public func next() throws -> PipelineEvent? {
        while head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
            if finished {
                guard let streams, streams.finishSome(into: &queue) else { return nil }
                continue
            }
            let captured: CapturedPacket?
            do {
                captured = try source.next()
            } catch {
                finish()
                throw error
            }
            guard let captured else {
                finish()
                continue
            }
            process(captured)
        }
        defer { head += 1 }
        return queue[head]
    }

    /// Ends stream decoding (at the end of the source, or when a damaged file stops
    /// reading): connections still open give up their last messages.
    public func finish() {
        guard !finished else { return }
        finished = true // `next` retires what is still open, a batch at a time
    }

    /// Capture time has moved on without packets (an idle live interface): connections
    /// quiet for long enough are retired as they would be by a later packet.
    public func advanceClock(to time: Timestamp) {
        tracker.sweep(now: time)
        streams?.retire(streams: tracker.takeRetiredStreams(), into: &queue)
    }

    private func process(_ captured: CapturedPacket) {
        packetsRead += 1
        if firstTimestamp == nil { firstTimestamp = captured.timestamp }
        let wire = wants.contains(.shownPackets) ? PacketDecoder.decode(captured) : nil
        let transport = wire.map(\.transport) ?? PacketDecoder.transport(of: captured)
        var placement: ConversationTracker.Placement?
        var annotation: ConversationTracker.Annotation?
        if let transport { (placement, annotation) = tracker.track(transport, of: captured) }
        let packetIndex = queue.count
        // The packet's own event goes first; it is filled in once the stream stage has run.
        if wants.contains(.packets) {
            queue.append(.packet(PacketEvent(packet: captured, transport: transport, conversation: annotation, wire: wire)))
        }
        guard let streams else { return }
        // A connection whose ports were reused for a new one has ended: finish it now.
        streams.retire(streams: tracker.takeRetiredStreams() + (placement?.replaces.map { [$0] } ?? []), into: &queue)
        guard let placement, let transport, let segment = transport.tcp else { return }
        let findings = streams.process(captured, segment, transport: transport, placement: placement,
                                       analysis: annotation?.analysis.flags ?? [], into: &queue)
        guard wants.contains(.packets) else { return }
        queue[packetIndex] = .packet(PacketEvent(packet: captured, transport: transport, conversation: annotation,
                                                 reassembly: findings.reassembly, records: findings.records,
                                                 reassemblingFor: findings.reassemblingFor, wire: wire))
    }
}

/// Where packets come from: a capture file, standard input, (later) a live interface.
public protocol PacketSource: AnyObject {
    /// The next packet, nil at the end; throws for a damaged source.
    func next() throws -> CapturedPacket?
}

extension CaptureReader: PacketSource {}

/// Packets already in memory as a source (tests, a selection replayed).
public final class InMemoryPackets: PacketSource {
    private var packets: [CapturedPacket]
    private var index = 0

    public init(_ packets: [CapturedPacket]) { self.packets = packets }

    public func next() throws -> CapturedPacket? {
        guard index < packets.count else { return nil }
        defer { index += 1 }
        return packets[index]
    }
}
