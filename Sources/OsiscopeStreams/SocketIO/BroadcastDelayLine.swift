import OsiscopeCapture

/// Holds messages in order behind a possible broadcast copy until its window has passed, so
/// that every copy can carry the group before the first is shown; finds the copies: the same
/// server event (by key) to different sessions (owners) within `window` seconds of the first.
/// Every step costs the same however many messages are held and however big the room.
struct BroadcastDelayLine<Item: BroadcastCarrying> {
    private struct Entry {
        var item: Item
        var time: Timestamp
        var isCandidate: Bool
        /// The copy group it belongs to, and its place there.
        var cluster: Int?
        var place = 0
    }

    /// Copies of one event: open to new copies while its first copy is held.
    private struct Cluster {
        var key: String
        var first: Int
        var firstTime: Timestamp
        var owners: Set<String>
        var streams: [Int]
        /// Given when a second copy joins.
        var id: Int?
        var released = 0
    }

    let window: Double
    /// Held at most: when capture time stands still (equal timestamps) the oldest goes out anyway.
    static var maximumHeld: Int { 100_000 }
    /// Clusters open per key: the same event repeated to one session within the window opens a
    /// cluster each time; beyond this a copy is held but joins nothing.
    static var maximumOpenPerKey: Int { 64 }
    private var entries: [Entry] = []
    /// Sequence number of `entries[0]`, and the first entry not yet released.
    private var base = 0
    private var start = 0
    private var clusters: [Int: Cluster] = [:]
    /// The clusters still open to copies, by key, oldest first.
    private var open: [String: [Int]] = [:]
    private var nextCluster = 0
    private var nextBroadcast = 1

    init(window: Double) {
        self.window = window
    }

    var isEmpty: Bool { start == entries.count }

    /// `key` is set when the message may be one copy of a broadcast.
    mutating func add(_ item: Item, at time: Timestamp, stream: Int, key: String?, owner: String) {
        var entry = Entry(item: item, time: time, isCandidate: key != nil)
        if let key {
            let joined = open[key]?.first { serial in
                guard let cluster = clusters[serial] else { return false }
                return !cluster.owners.contains(owner) && time.seconds(since: cluster.firstTime) <= window
            }
            if let serial = joined, var cluster = clusters[serial] {
                if cluster.id == nil {
                    cluster.id = nextBroadcast
                    nextBroadcast += 1
                }
                entry.cluster = serial
                entry.place = cluster.streams.count
                cluster.owners.insert(owner)
                cluster.streams.append(stream)
                clusters[serial] = cluster
            } else if open[key, default: []].count < Self.maximumOpenPerKey {
                let serial = nextCluster
                nextCluster += 1
                clusters[serial] = Cluster(key: key, first: base + entries.count, firstTime: time, owners: [owner],
                                           streams: [stream])
                open[key, default: []].append(serial)
                entry.cluster = serial
            }
        }
        entries.append(entry)
    }

    /// Gives out, in order, the held messages that can no longer gain a copy (all of them at the end).
    mutating func release(at clock: Timestamp?, all: Bool, into out: inout [Item]) {
        while start < entries.count {
            let sequence = base + start
            let overfull = entries.count - start > Self.maximumHeld
            if !all, !overfull, entries[start].isCandidate, let serial = entries[start].cluster, let cluster = clusters[serial],
               cluster.first == sequence, let clock, clock.seconds(since: cluster.firstTime) <= window { break }
            var item = entries[start].item
            if let serial = entries[start].cluster, var cluster = clusters[serial] {
                if cluster.first == sequence { close(serial, cluster.key) }
                if let id = cluster.id {
                    item.set(Broadcast(id: id, copies: cluster.streams.count, index: entries[start].place, streams: cluster.streams))
                }
                cluster.released += 1
                clusters[serial] = cluster.released == cluster.streams.count ? nil : cluster
            }
            out.append(item)
            start += 1
        }
        // Released entries are dropped in batches, so that each costs O(1) on average.
        if start == entries.count || (start > 1024 && start * 2 > entries.count) {
            entries.removeFirst(start)
            base += start
            start = 0
        }
    }

    /// The cluster's first copy goes out: no copy may join it any more.
    private mutating func close(_ serial: Int, _ key: String) {
        open[key]?.removeAll { $0 == serial }
        if open[key]?.isEmpty == true { open[key] = nil }
    }
}

/// What the delay line holds: something that can be told it is a copy of a broadcast.
protocol BroadcastCarrying {
    mutating func set(_ broadcast: Broadcast)
}

extension SessionStage.Item: BroadcastCarrying {
    mutating func set(_ broadcast: Broadcast) {
        guard case .socketIO(var io) = message.content else { return }
        io.broadcast = broadcast
        message.content = .socketIO(io)
        changed = true
    }
}
