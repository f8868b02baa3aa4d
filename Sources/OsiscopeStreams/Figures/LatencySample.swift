/// Request-to-response times of one conversation: exact minimum and maximum, and a median of
/// the first `limit` times (a keep-alive connection may carry millions of exchanges).
struct LatencySample: Sendable {
    static let limit = 65_536
    private var times: [Double] = []
    private var minimum = Double.infinity, maximum = -Double.infinity
    private var count = 0

    mutating func add(_ seconds: Double) {
        count += 1
        minimum = min(minimum, seconds)
        maximum = max(maximum, seconds)
        if times.count < Self.limit { times.append(seconds) }
    }

    var summary: ConversationFigures.Latency? {
        guard count > 0 else { return nil }
        let sorted = times.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return ConversationFigures.Latency(minimum: minimum, median: median, maximum: maximum, count: count)
    }
}
