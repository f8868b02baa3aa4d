import OsiscopeCapture
import OsiscopeWire

/// The sequential half of the pipeline: numbers every packet's conversation (stream numbers
/// and TCP analysis depend on all packets before it) and turns it into jobs for the
/// connections, which can then be worked on in parallel.
final class PacketPlacer {
    let source: any PacketSource
    private var tracker = ConversationTracker()
    /// False for per-packet decoding only: no connection is kept, none is retired.
    private let decodesStreams: Bool
    /// Streams with a connection, to retire each once.
    private var live: Set<Int> = []
    private var lastTimestamp = Timestamp(seconds: 0, nanoseconds: 0)
    /// Connections still open at the end of the capture, last stream first.
    private var unfinished: [Int]?
    private(set) var packetsRead = 0
    private(set) var firstTimestamp: Timestamp?
    var tcpStreamCount: Int { tracker.tcpCount }

    init(source: any PacketSource, streams: StreamOptions?) {
        self.source = source
        decodesStreams = streams != nil
        tracker.closedLinger = streams?.closedLinger ?? tracker.closedLinger
        tracker.idleLimit = streams?.idleLimit ?? tracker.idleLimit
        tracker.maximumConnections = streams?.maximumConnections ?? tracker.maximumConnections
    }

    /// The jobs of one packet: the streams its arrival retires (quiet ones, or one whose ports
    /// it reuses), then the packet itself.
    func place(_ captured: CapturedPacket, into jobs: inout [PipelineJob]) {
        packetsRead += 1
        if firstTimestamp == nil { firstTimestamp = captured.timestamp }
        lastTimestamp = captured.timestamp
        let transport = PacketDecoder.transport(of: captured)
        var placement: ConversationTracker.Placement?
        var annotation: ConversationTracker.Annotation?
        if let transport { (placement, annotation) = tracker.track(transport, of: captured) }
        guard decodesStreams else {
            jobs.append(.packet(PlacedPacket(packet: captured, transport: transport, placement: nil, annotation: annotation)))
            return
        }
        retire(tracker.takeRetiredStreams() + (placement?.replaces.map { [$0] } ?? []), into: &jobs)
        if let stream = placement?.stream { live.insert(stream) }
        jobs.append(.packet(PlacedPacket(packet: captured, transport: transport, placement: placement, annotation: annotation)))
    }

    /// Capture time has moved on without packets (an idle live interface): the jobs that
    /// retire connections quiet for long enough.
    func advanceClock(to time: Timestamp, into jobs: inout [PipelineJob]) {
        tracker.sweep(now: time)
        lastTimestamp = time
        retire(tracker.takeRetiredStreams(), into: &jobs)
    }

    /// The end of the capture: jobs retiring the connections still open, 64 at a time in
    /// stream order, so that thousands of them never fill a queue at once. False once none are left.
    func finishSome(into jobs: inout [PipelineJob]) -> Bool {
        var pending = unfinished ?? live.sorted(by: >)
        guard !pending.isEmpty else { return false }
        let batch = (0..<min(64, pending.count)).map { _ in pending.removeLast() }
        unfinished = pending
        retire(batch, into: &jobs)
        return true
    }

    private func retire(_ streams: [Int], into jobs: inout [PipelineJob]) {
        for stream in streams where live.remove(stream) != nil {
            jobs.append(.retire(stream: stream, time: lastTimestamp))
        }
    }
}
