import OsiscopeCapture

/// Holds messages in order behind a possible broadcast copy until its window has passed, so
/// that every copy can carry the group before the first is shown; finds the copies: the same
/// server event (by key) to different sessions (owners) within `window` seconds.
/// Adding and releasing cost the same however many messages are held.
struct BroadcastDelayLine<Item> {
    struct Entry {
        var message: ApplicationMessage
        var item: Item
        var key: String?
        var owner: String
    }

    let window: Double
    private var entries: [Entry] = []
    /// Sequence number of `entries[0]`, and the first entry not yet released.
    private var base = 0
    private var start = 0
    /// Held candidates by key, as sequence numbers in order.
    private var candidates: [String: [Int]] = [:]
    /// Broadcast groups whose copies are still held: id → sequence numbers.
    private var groups: [Int: [Int]] = [:]
    private var nextBroadcast = 1

    init(window: Double) {
        self.window = window
    }

    var isEmpty: Bool { start == entries.count }

    private func entry(_ sequence: Int) -> Entry { entries[sequence - base] }

    /// `message` was a candidate (key non-nil): it may join an earlier held copy's group.
    mutating func add(_ message: ApplicationMessage, _ item: Item, key: String?, owner: String) {
        var message = message
        let sequence = base + entries.count
        if let key {
            // A copy joins a group while the group's first copy is held and at most `window`
            // before it, so that every copy shown carries the whole group.
            let earlier = candidates[key, default: []].first { other in
                let members = group(of: other) ?? [other]
                guard let first = members.first, first >= base + start,
                      !members.contains(where: { entry($0).owner == owner }) else { return false }
                return message.timestamp.seconds(since: entry(first).message.timestamp) <= window
            }
            if let earlier { join(&message, sequence, with: earlier) }
            candidates[key, default: []].append(sequence)
        }
        entries.append(Entry(message: message, item: item, key: key, owner: owner))
    }

    /// The sequence numbers of the group a held message belongs to.
    private func group(of sequence: Int) -> [Int]? {
        guard case .socketIO(let io) = entry(sequence).message.content, let id = io.broadcast?.id else { return nil }
        return groups[id]
    }

    private mutating func join(_ message: inout ApplicationMessage, _ sequence: Int, with earlier: Int) {
        let group: Int
        if case .socketIO(let held) = entry(earlier).message.content, let broadcast = held.broadcast {
            group = broadcast.id
        } else {
            group = nextBroadcast
            nextBroadcast += 1
        }
        let members = (groups[group] ?? [earlier]) + [sequence]
        groups[group] = members
        let streams = members.dropLast().map { entry($0).message.stream } + [message.stream]
        for (place, member) in members.enumerated() {
            let broadcast = Broadcast(id: group, copies: members.count, index: place, streams: streams)
            if member == sequence {
                set(broadcast, on: &message)
            } else {
                set(broadcast, on: &entries[member - base].message)
            }
        }
    }

    private func set(_ broadcast: Broadcast, on message: inout ApplicationMessage) {
        guard case .socketIO(var io) = message.content else { return }
        io.broadcast = broadcast
        message.content = .socketIO(io)
    }

    /// Gives out, in order, the held messages that can no longer gain a copy (all of them at the end).
    mutating func release(at clock: Timestamp?, all: Bool, _ emit: (ApplicationMessage, Item) -> Void) {
        while start < entries.count {
            let next = entries[start]
            if !all, next.key != nil, let clock, clock.seconds(since: next.message.timestamp) <= window { break }
            let sequence = base + start
            if let key = next.key {
                candidates[key]?.removeFirst()
                if candidates[key]?.isEmpty == true { candidates[key] = nil }
            }
            if case .socketIO(let io) = next.message.content, let id = io.broadcast?.id, groups[id]?.last == sequence {
                groups[id] = nil
            }
            emit(next.message, next.item)
            start += 1
        }
        // Released entries are dropped in batches, so that each costs O(1) on average.
        if start == entries.count || (start > 1024 && start * 2 > entries.count) {
            entries.removeFirst(start)
            base += start
            start = 0
        }
    }
}
