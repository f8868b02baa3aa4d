import OsiscopeCapture
import OsiscopeWire

/// The rows of a ladder diagram, whatever draws it: entries in order of completion, silences
/// shortened to a labelled row, and for each row which sides had a message in flight (its first
/// packet sent, its last byte not yet acknowledged, or not yet arrived when no acknowledgment
/// was captured).
public struct LadderLayout: Sendable {
    public enum Row: Sendable, Equatable {
        case entry(LadderEntry, seconds: Double, inFlight: DirectionPair<Bool>)
        /// Nothing happened for this long.
        case silence(Double)
    }

    /// Pauses at least this long become a labelled row.
    public static let silenceThreshold = 0.05

    public var rows: [Row] = []
    public var duration = 0.0
    /// Rows on which one side's message arrived while the other side's was in flight.
    public var bothSending = 0

    public init(_ entries: [LadderEntry]) {
        let sorted = entries.enumerated().sorted { ($0.element.end, $0.offset) < ($1.element.end, $1.offset) }.map(\.element)
        guard let first = sorted.first else { return }
        let origin = sorted.map(\.start).min() ?? first.end
        duration = sorted.last!.end.seconds(since: origin)
        let times = sorted.map { $0.end.seconds(since: origin) }
        // For each side, +1 on the first row a message's flight spans and -1 after the last.
        var spans = DirectionPair(both: [Int](repeating: 0, count: sorted.count + 1))
        for entry in sorted {
            let landed = max(entry.end, entry.acknowledged ?? entry.end)
            guard entry.start < landed else { continue }
            let from = entry.start.seconds(since: origin), to = landed.seconds(since: origin)
            let low = Self.firstIndex(in: times) { $0 > from }, high = Self.firstIndex(in: times) { $0 >= to }
            guard low < high else { continue }
            spans[entry.direction][low] += 1
            spans[entry.direction][high] -= 1
        }
        var open = DirectionPair(both: 0)
        var previous: Double?
        for (index, entry) in sorted.enumerated() {
            open.client += spans.client[index]
            open.server += spans.server[index]
            if let previous, times[index] - previous >= Self.silenceThreshold { rows.append(.silence(times[index] - previous)) }
            previous = times[index]
            let inFlight = DirectionPair(client: open.client > 0, server: open.server > 0)
            if inFlight[entry.direction.opposite] && entry.kind != .segment { bothSending += 1 }
            rows.append(.entry(entry, seconds: times[index], inFlight: inFlight))
        }
    }

    /// The first index whose time satisfies `isAfter` (times are sorted).
    static func firstIndex(in times: [Double], where isAfter: (Double) -> Bool) -> Int {
        var low = 0, high = times.count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(times[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
