import OsiscopeCapture
import OsiscopeWire

/// A whole capture's figures, the sum of its conversations': what `compare` sets side by side.
public struct CaptureFigures: Sendable, Equatable {
    public var connections = 0
    public var sides = DirectionPair(both: ConversationFigures.Side())
    public var turns = 0
    public var serverInitiated = 0
    public var requests = 0
    public var overlapSeconds = 0.0
    public var overlaps = 0
    public var latency: ConversationFigures.Latency?
    public var firstSeen: Timestamp?
    public var lastSeen: Timestamp?

    public init() {}

    public var packets: Int { sides.client.packets + sides.server.packets }
    public var messages: Int { sides.client.messages + sides.server.messages }
    public var payloadBytes: Int { sides.client.payloadBytes + sides.server.payloadBytes }
    public var wireBytes: Int { sides.client.wireBytes + sides.server.wireBytes }
    /// Header bytes per layer, both directions.
    public var overhead: ConversationFigures.Overhead {
        var both = sides.client.overhead
        both.add(sides.server.overhead)
        return both
    }
    public var overheadBytes: Int { overhead.total }
    /// Bytes on the wire for each byte of application payload; nil without payload.
    public var wirePerPayloadByte: Double? { payloadBytes == 0 ? nil : Double(wireBytes) / Double(payloadBytes) }
    public var overheadPerMessage: Double? { messages == 0 ? nil : Double(overheadBytes) / Double(messages) }
    public var durationSeconds: Double {
        guard let firstSeen, let lastSeen else { return 0 }
        return lastSeen.seconds(since: firstSeen)
    }

    mutating func add(_ figures: ConversationFigures) {
        connections += 1
        for direction in Direction.allCases { sides[direction].add(figures.sides[direction]) }
        turns += figures.turns
        serverInitiated += figures.serverInitiated
        requests += figures.requests
        overlapSeconds += figures.overlapSeconds
        overlaps += figures.overlaps
        firstSeen = min(firstSeen ?? figures.firstSeen, figures.firstSeen)
        lastSeen = max(lastSeen ?? figures.lastSeen, figures.lastSeen)
    }
}
