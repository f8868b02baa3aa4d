import Foundation
import OsiscopeCapture

/// Runs the pipeline on several threads: one reads and places packets (the sequential half),
/// `workers.count` threads do the connections' work and a caller-supplied `prepare` (a view's
/// rendering) on the events it brings, and the calling thread hands the results to `body` in
/// exactly the order a single thread would have made them.
///
/// Work goes in chunks of jobs; each stream always goes to the same worker (its connection
/// lives there), other packets take turns. The reader tells the calling thread which worker
/// did each job, so results come back in job order whatever the threads' timing.
final class ParallelRun<Prepared: Sendable>: @unchecked Sendable {
    /// Jobs per chunk: large enough that handing over costs little per packet, small enough
    /// that output starts at once. Tests set OSISCOPE_CHUNK_JOBS to a few, so that even a small
    /// capture crosses many chunk boundaries.
    private let chunkSize = ProcessInfo.processInfo.environment["OSISCOPE_CHUNK_JOBS"].flatMap { Int($0) }.map { max(1, $0) } ?? 512
    /// Chunks read ahead of the calling thread (bounds memory).
    static var chunksAhead: Int { 2 }

    private let placer: PacketPlacer
    private let workers: [JobWorker]
    private let prepare: @Sendable (PipelineEvent) -> Prepared?
    private let stop = StopFlag()
    private let orders = BlockingQueue<ChunkOrder>(capacity: chunksAhead)
    private let inputs: [BlockingQueue<[PipelineJob]?>]
    private let results: [BlockingQueue<ChunkResult>]

    /// Which worker did each job of a chunk, and the reader's counts when it was read.
    struct ChunkOrder: Sendable {
        var workers: [UInt8] = []
        var counts = PipelineCounts()
        /// The last chunk: the error that stopped reading, if one did.
        var isLast = false
        var damage: (any Error)?
    }

    /// A worker's results for one chunk: the prepared values, and how many each job made.
    struct ChunkResult: Sendable {
        var prepared: [Prepared] = []
        var perJob: [Int32] = []
    }

    init(placer: PacketPlacer, workers: [JobWorker], prepare: @escaping @Sendable (PipelineEvent) -> Prepared?) {
        precondition(workers.count > 1 && workers.count <= Int(UInt8.max))
        self.placer = placer
        self.workers = workers
        self.prepare = prepare
        inputs = workers.map { _ in BlockingQueue(capacity: Self.chunksAhead) }
        results = workers.map { _ in BlockingQueue() }
    }

    /// Calls `body` with every prepared value in order until it returns false; `counted` gets
    /// the reader's counts as each chunk is handed on. Returns the error that stopped reading.
    func run(_ body: (Prepared) -> Bool, counted: (PipelineCounts) -> Void) -> (any Error)? {
        for index in workers.indices { start { self.work(index) } }
        start { self.read() }
        var stopped = false
        while true {
            let order = orders.pop()
            let chunk = workers.indices.map { results[$0].pop() }
            counted(order.counts)
            var jobCursor = [Int](repeating: 0, count: workers.count)
            var valueCursor = jobCursor
            for worker in order.workers.map(Int.init) {
                let made = Int(chunk[worker].perJob[jobCursor[worker]])
                jobCursor[worker] += 1
                // After a stop, the chunks already read are drained, not shown.
                for offset in 0..<made where !stopped {
                    if !body(chunk[worker].prepared[valueCursor[worker] + offset]) {
                        stopped = true
                        stop.raise()
                    }
                }
                valueCursor[worker] += made
            }
            // Stopped early, the damage beyond is no more reported than a single thread would read it.
            if order.isLast { return stopped ? nil : order.damage }
        }
    }

    private func start(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The reading thread: places packets, deals out their jobs, and after the last packet
    /// (or a damaged file) the jobs that retire the connections still open.
    private func read() {
        var order = ChunkOrder()
        var dealt = [[PipelineJob]](repeating: [], count: workers.count)
        var jobs: [PipelineJob] = []
        var turn = 0
        func deal() {
            for job in jobs {
                let worker: Int
                if let stream = job.stream {
                    worker = stream % workers.count
                } else {
                    worker = turn
                    turn = (turn + 1) % workers.count
                }
                dealt[worker].append(job)
                order.workers.append(UInt8(worker))
            }
            jobs.removeAll(keepingCapacity: true)
        }
        func handOver(last: Bool) {
            order.counts = PipelineCounts(placer)
            order.isLast = last
            for index in workers.indices {
                inputs[index].push(dealt[index])
                dealt[index].removeAll(keepingCapacity: true)
                if last { inputs[index].push(nil) }
            }
            orders.push(order)
            order = ChunkOrder()
        }
        while !stop.isRaised {
            do {
                guard let captured = try placer.source.next(idle: { _ in }) else { break }
                placer.place(captured, into: &jobs)
            } catch {
                order.damage = error
                break
            }
            deal()
            if order.workers.count >= chunkSize { handOver(last: false) }
        }
        while !stop.isRaised && placer.finishSome(into: &jobs) {
            deal()
            if order.workers.count >= chunkSize { handOver(last: false) }
        }
        handOver(last: true)
    }

    /// A worker thread: does the jobs of each chunk given to it and prepares their events.
    private func work(_ index: Int) {
        let worker = workers[index]
        var events: [PipelineEvent] = []
        while let jobs = inputs[index].pop() {
            var result = ChunkResult()
            result.perJob.reserveCapacity(jobs.count)
            for job in jobs {
                events.removeAll(keepingCapacity: true)
                worker.perform(job, into: &events)
                let before = result.prepared.count
                for event in events {
                    if let value = prepare(event) { result.prepared.append(value) }
                }
                result.perJob.append(Int32(result.prepared.count - before))
            }
            results[index].push(result)
        }
    }
}

/// What the reader has counted so far.
public struct PipelineCounts: Sendable {
    public var packetsRead = 0
    public var bytesRead = 0
    public var tcpStreamCount = 0
    public var firstTimestamp: Timestamp?

    init() {}

    init(_ placer: PacketPlacer) {
        packetsRead = placer.packetsRead
        bytesRead = placer.source.bytesRead
        tcpStreamCount = placer.tcpStreamCount
        firstTimestamp = placer.firstTimestamp
    }
}
