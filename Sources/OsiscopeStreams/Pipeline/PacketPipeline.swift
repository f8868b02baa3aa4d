import OsiscopeCapture
import OsiscopeWire

/// Reads packets from a source and emits events: every packet decoded and assigned to its
/// conversation, and, when stream decoding is on, the connections, messages and stream bytes
/// it brings. Every packet is processed, even those a caller does not show, so that stream
/// numbers and messages do not depend on which packets were selected.
///
/// Events come one at a time from `next()`, or from `forEach`, which can spread the
/// connections' work and the caller's rendering over several threads with the same result.
public final class PacketPipeline {
    public var source: any PacketSource { placer.source }
    private let placer: PacketPlacer
    private let worker: JobWorker
    private let makeWorker: () -> JobWorker
    private var jobs: [PipelineJob] = []
    private var queue: [PipelineEvent] = []
    private var head = 0
    private var finished = false
    /// The reader's counts as of the events handed out so far.
    public private(set) var counts = PipelineCounts()
    /// Packets read so far.
    public var packetsRead: Int { counts.packetsRead }
    /// TCP streams numbered so far (`tcp.stream` runs from 0 to one less).
    public var tcpStreamCount: Int { counts.tcpStreamCount }
    /// When the first packet was captured (views show times relative to it).
    public var firstTimestamp: Timestamp? { counts.firstTimestamp }

    /// - Parameters:
    ///   - events: what the caller handles; packets are always decoded to their transport.
    ///   - streams: stream decoding settings, nil for per-packet decoding only.
    ///   - streamBytesOf: with `.streamBytes`, only this stream's bytes (nil: all streams).
    public init(source: any PacketSource, events: PipelineEvents = .all,
                streams: StreamOptions? = StreamOptions(), streamBytesOf: Int? = nil) {
        placer = PacketPlacer(source: source, streams: streams)
        makeWorker = { JobWorker(wants: events, streams: streams, streamBytesOf: streamBytesOf) }
        worker = makeWorker()
    }

    /// The next event, nil after the last. A damaged file throws the reader's error once,
    /// after the events of every packet before the damage; the events that closing the
    /// connections brings follow on the next calls.
    public func next() throws -> PipelineEvent? {
        while head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
            if finished {
                guard placer.finishSome(into: &jobs) else { return nil }
                performJobs()
                continue
            }
            let captured: CapturedPacket?
            do {
                captured = try placer.source.next { time in
                    // The queue is empty here: events of connections the clock retires come first.
                    placer.advanceClock(to: time, into: &jobs)
                    performJobs()
                }
            } catch {
                finish()
                throw error
            }
            guard let captured else {
                finish()
                continue
            }
            placer.place(captured, into: &jobs)
            performJobs()
        }
        defer { head += 1 }
        return queue[head]
    }

    /// Ends stream decoding (at the end of the source, or when a damaged file stops
    /// reading): connections still open give up their last messages.
    public func finish() {
        finished = true // `next` retires what is still open, a batch at a time
    }

    /// Capture time has moved on without packets (an idle live interface): connections
    /// quiet for long enough are retired as they would be by a later packet.
    public func advanceClock(to time: Timestamp) {
        placer.advanceClock(to: time, into: &jobs)
        performJobs()
    }

    private func performJobs() {
        for job in jobs { worker.perform(job, into: &queue) }
        jobs.removeAll(keepingCapacity: true)
        counts = PipelineCounts(placer)
    }

    /// Every event, through `prepare` (a view's rendering, which must not depend on earlier
    /// events) and then, where it gives a value, `body`, until `body` returns false. With more
    /// than one thread, connections are spread over `threads` workers that also run `prepare`;
    /// `body` sees the same values in the same order as with one. `counted` is called as the
    /// reader moves on (for a progress line). Returns the error that ended a damaged source,
    /// after the events its connections' closing brought.
    public func forEach<Prepared: Sendable>(threads: Int = 1,
                                            prepare: @escaping @Sendable (PipelineEvent) -> Prepared?,
                                            counted: (PipelineCounts) -> Void = { _ in },
                                            _ body: (Prepared) -> Bool) -> (any Error)? {
        guard threads > 1, packetsRead == 0, !finished else {
            var damage: (any Error)?
            while true {
                do {
                    guard let event = try next() else { break }
                    counted(counts)
                    if let value = prepare(event), !body(value) { break }
                } catch {
                    damage = error
                }
            }
            return damage
        }
        let workers = [worker] + (1..<min(threads, Int(UInt8.max))).map { _ in makeWorker() }
        let run = ParallelRun(placer: placer, workers: workers, prepare: prepare)
        let damage = run.run(body) { counts = $0; counted($0) }
        finished = true
        counts = PipelineCounts(placer)
        return damage
    }
}

/// Where packets come from: a capture file, standard input, (later) a live interface.
public protocol PacketSource: AnyObject {
    /// The next packet, nil at the end; throws for a damaged source. A source that can sit
    /// idle (a live interface) tells `idle` the time now and then while it waits.
    func next(idle: (Timestamp) -> Void) throws -> CapturedPacket?
    /// Bytes read from the file so far, for a progress line (0 when unknown).
    var bytesRead: Int { get }
}

extension PacketSource {
    public var bytesRead: Int { 0 }
}

extension CaptureReader: PacketSource {
    public func next(idle: (Timestamp) -> Void) throws -> CapturedPacket? { try next() }
}

extension LiveCapture: PacketSource {}

/// Packets already in memory as a source (tests, a selection replayed).
public final class InMemoryPackets: PacketSource {
    private var packets: [CapturedPacket]
    private var index = 0

    public init(_ packets: [CapturedPacket]) { self.packets = packets }

    public func next(idle: (Timestamp) -> Void) throws -> CapturedPacket? {
        guard index < packets.count else { return nil }
        defer { index += 1 }
        return packets[index]
    }
}
