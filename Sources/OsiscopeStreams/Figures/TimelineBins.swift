import OsiscopeCapture
import OsiscopeWire

/// Bytes on the wire per direction over time, in bins that widen (pairs merged) as the capture
/// grows, so memory stays the same for any length.
public struct TimelineBins: Sendable {
    public struct Bin: Sendable, Equatable {
        public var bytes = DirectionPair(both: 0)
        public var packets = DirectionPair(both: 0)
    }

    /// Bins kept before pairs are merged.
    static let capacity = 4096
    public private(set) var start: Timestamp?
    public private(set) var binSeconds = 0.001
    public private(set) var bins: [Bin] = []

    public init() {}

    public mutating func add(_ bytes: Int, from direction: Direction, at time: Timestamp) {
        guard let start else {
            self.start = time
            return add(bytes, from: direction, at: time)
        }
        // Packets out of time order before the first are counted in the first bin.
        let offset = max(0, time.seconds(since: start))
        var index = Int(min(offset / binSeconds, Double(Int32.max)))
        while index >= Self.capacity {
            widen()
            index = Int(offset / binSeconds)
        }
        if index >= bins.count { bins.append(contentsOf: repeatElement(Bin(), count: index - bins.count + 1)) }
        bins[index].bytes[direction] += bytes
        bins[index].packets[direction] += 1
    }

    private mutating func widen() {
        binSeconds *= 2
        bins = stride(from: 0, to: bins.count, by: 2).map { index in
            var merged = bins[index]
            if index + 1 < bins.count {
                for direction in Direction.allCases {
                    merged.bytes[direction] += bins[index + 1].bytes[direction]
                    merged.packets[direction] += bins[index + 1].packets[direction]
                }
            }
            return merged
        }
    }

    /// The bins joined into at most `columns` columns of equal width, and that width in seconds.
    public func columns(_ columns: Int) -> (bins: [Bin], seconds: Double) {
        let group = max(1, (bins.count + columns - 1) / max(1, columns))
        let joined = stride(from: 0, to: bins.count, by: group).map { first in
            bins[first..<min(first + group, bins.count)].reduce(into: Bin()) { sum, bin in
                for direction in Direction.allCases {
                    sum.bytes[direction] += bin.bytes[direction]
                    sum.packets[direction] += bin.packets[direction]
                }
            }
        }
        return (joined, binSeconds * Double(group))
    }
}
