import OsiscopeCapture
import OsiscopeWire

/// One message's time in flight: from its first byte's packet until the packet from the other
/// side that acknowledged its last byte (or its completion, when no acknowledgment was seen).
public struct MessageFlight: Sendable, Equatable {
    /// What the caller named the message when it was sent.
    public var tag: Int
    public var direction: Direction
    public var start: Timestamp
    public var end: Timestamp
}

/// Follows the HTTP and WebSocket messages of one connection until the peer acknowledges
/// them. Stream offset `n` is relative sequence number `n + 1` in both of the tracker's
/// numberings (after a SYN, or from the first byte seen).
public struct MessageFlights: Sendable {
    private struct Waiting: Sendable {
        var tag: Int, start: Timestamp, completed: Timestamp, endOffset: Int64
    }

    /// Messages waiting for their acknowledgment, per direction, at most; beyond it (a capture
    /// of one direction only, whose ACKs never come) the oldest lands at its completion.
    public static let waitingLimit = 4096

    private var waiting = DirectionPair(both: [Waiting]())
    /// Stream offset up to which each direction's bytes are acknowledged, unwrapped.
    private var acknowledged = DirectionPair<Int64?>(both: nil)

    public init() {}

    /// A message of `direction` whose last byte is at stream offset `endOffset - 1` completed.
    public mutating func sent(_ direction: Direction, start: Timestamp, completed: Timestamp, endOffset: Int64, tag: Int = 0,
                              _ landed: (MessageFlight) -> Void) {
        if let acked = acknowledged[direction], acked >= endOffset {
            // Acknowledged before the message was reported (a stage held it back).
            landed(MessageFlight(tag: tag, direction: direction, start: start, end: completed))
        } else {
            waiting[direction].append(Waiting(tag: tag, start: start, completed: completed, endOffset: endOffset))
            if waiting[direction].count > Self.waitingLimit {
                // Landed in batches, so that each message costs O(1) on average.
                let oldest = waiting[direction].prefix(Self.waitingLimit / 2)
                for message in oldest {
                    landed(MessageFlight(tag: message.tag, direction: direction, start: message.start, end: message.completed))
                }
                waiting[direction].removeFirst(oldest.count)
            }
        }
    }

    /// A packet from the side opposite `direction`, acknowledging `direction`'s bytes up to
    /// relative sequence number `acknowledgment`.
    public mutating func acknowledge(_ direction: Direction, relative acknowledgment: UInt32, at time: Timestamp,
                                     _ landed: (MessageFlight) -> Void) {
        let offset: Int64
        if let acked = acknowledged[direction] {
            // Relative numbers wrap every 4 GiB: move by the signed difference.
            let step = Int64(Int32(bitPattern: (acknowledgment &- 1) &- UInt32(truncatingIfNeeded: acked)))
            guard step > 0 else { return }
            offset = acked + step
        } else {
            offset = Int64(acknowledgment) - 1
        }
        acknowledged[direction] = offset
        var landedCount = 0
        for message in waiting[direction] {
            guard message.endOffset <= offset else { break }
            landed(MessageFlight(tag: message.tag, direction: direction, start: message.start, end: max(message.completed, time)))
            landedCount += 1
        }
        waiting[direction].removeFirst(landedCount)
    }

    /// The messages never acknowledged: in flight until they were complete, as far as the
    /// capture shows.
    public mutating func finish(_ landed: (MessageFlight) -> Void) {
        for direction in Direction.allCases {
            for message in waiting[direction] {
                landed(MessageFlight(tag: message.tag, direction: direction, start: message.start, end: message.completed))
            }
            waiting[direction].removeAll()
        }
    }
}

/// The time two sides' flights overlap: each side's flights joined into disjoint spans, and the
/// spans of the two sides intersected as they become final.
struct FlightOverlap: Sendable {
    /// Final spans kept per side while the other side has none to meet them.
    static let keptSpans = 1024

    private var growing = DirectionPair<(start: Timestamp, end: Timestamp)?>(both: nil)
    private var final = DirectionPair(both: [(start: Timestamp, end: Timestamp)]())
    private(set) var seconds = 0.0
    /// Separate stretches of time during which both sides were sending.
    private(set) var overlaps = 0

    /// Flights of one side come in the order of their messages, so their starts never go back.
    mutating func add(_ flight: MessageFlight) {
        let side = flight.direction
        if let span = growing[side], flight.start <= span.end {
            growing[side] = (span.start, max(span.end, flight.end))
            return
        }
        if let span = growing[side] { settle(span, side) }
        growing[side] = (flight.start, flight.end)
    }

    mutating func finish() {
        for side in Direction.allCases {
            if let span = growing[side] { settle(span, side) }
            growing[side] = nil
        }
    }

    private mutating func settle(_ span: (start: Timestamp, end: Timestamp), _ side: Direction) {
        final[side].append(span)
        if final[side].count > Self.keptSpans { final[side].removeFirst(final[side].count - Self.keptSpans) }
        // A final span of one side can only meet the other side's spans that end later than it
        // starts; once the other side has a span ending after it, it has met all it will meet.
        while let client = final.client.first, let server = final.server.first {
            let start = max(client.start, server.start), end = min(client.end, server.end)
            if start < end {
                seconds += end.seconds(since: start)
                overlaps += 1
            }
            if client.end <= server.end { final.client.removeFirst() } else { final.server.removeFirst() }
        }
    }
}
