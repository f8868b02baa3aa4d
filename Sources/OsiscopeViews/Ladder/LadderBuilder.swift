import OsiscopeStreams
import OsiscopeWire

/// Gathers a ladder's entries from the pipeline's messages and packets, following each HTTP and
/// WebSocket message until the other side acknowledges it, so that the diagram shows how long it
/// was in flight. Keeps at most `limit` entries.
public struct LadderBuilder {
    public private(set) var entries: [LadderEntry] = []
    /// Entries left out past the limit.
    public private(set) var dropped = 0
    public let limit: Int
    private var flights: [Int: MessageFlights] = [:]

    /// Arrows kept: a diagram of more is unreadable, and memory stays bounded.
    public static let defaultLimit = 20_000

    public init(limit: Int = defaultLimit) { self.limit = limit }

    public mutating func add(_ message: ApplicationMessage) {
        guard entries.count < limit else { return dropped += 1 }
        let entry = LadderEntry(message)
        entries.append(entry)
        guard let endOffset = entry.endOffset else { return }
        var tracked = flights.removeValue(forKey: message.stream) ?? MessageFlights()
        tracked.sent(message.direction, start: entry.start, completed: entry.end, endOffset: endOffset, tag: entries.count - 1) {
            landed($0)
        }
        flights[message.stream] = tracked
    }

    /// A TCP packet of `stream` sent by `direction`: its acknowledgment lands messages, and with
    /// `drawn` it is an arrow of its own.
    public mutating func add(_ packet: PacketEvent, stream: Int, direction: Direction, drawn: Bool) {
        if let acknowledgment = packet.conversation?.relativeAcknowledgment, var tracked = flights.removeValue(forKey: stream) {
            tracked.acknowledge(direction.opposite, relative: acknowledgment, at: packet.packet.timestamp) { landed($0) }
            flights[stream] = tracked
        }
        guard drawn else { return }
        if entries.count < limit { entries.append(LadderEntry(segment: packet, direction: direction)) } else { dropped += 1 }
    }

    public mutating func closed(stream: Int) {
        guard var tracked = flights.removeValue(forKey: stream) else { return }
        tracked.finish { landed($0) }
    }

    /// The entries, every flight ended.
    public mutating func finish() -> [LadderEntry] {
        for stream in Array(flights.keys) { closed(stream: stream) }
        return entries
    }

    private mutating func landed(_ flight: MessageFlight) { entries[flight.tag].acknowledged = flight.end }
}
