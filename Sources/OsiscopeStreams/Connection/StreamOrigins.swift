/// Remembers which packet each delivered stream byte came from, so a message or frame found in
/// the reassembled stream can name its packets and point at bytes in them. Bounded: the oldest
/// entries go first, so memory stays within `capacity` entries per direction.
struct StreamOrigins: Sendable {
    struct Entry: Sendable {
        var range: Range<Int64>
        var packetNumber: Int
        var packetOffset: Int
    }

    var capacity = 65_536
    private var entries: [Entry] = []
    private var start = 0

    mutating func record(_ chunk: StreamChunk) {
        if let last = entries.last, last.packetNumber == chunk.packetNumber,
           last.range.upperBound == chunk.streamOffset {
            entries[entries.count - 1].range = last.range.lowerBound..<chunk.streamRange.upperBound
            return
        }
        entries.append(Entry(range: chunk.streamRange, packetNumber: chunk.packetNumber, packetOffset: chunk.packetOffset))
        if entries.count - start > capacity { start += 1 }
        if start > capacity {
            entries.removeFirst(start)
            start = 0
        }
    }

    /// Entries overlapping `range`, in stream order.
    func entries(overlapping range: Range<Int64>) -> [Entry] {
        guard !range.isEmpty else { return [] }
        // Binary search for the first entry ending after the range starts.
        var low = start, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].range.upperBound <= range.lowerBound { low = middle + 1 } else { high = middle }
        }
        var result: [Entry] = []
        var index = low
        while index < entries.count, entries[index].range.lowerBound < range.upperBound {
            result.append(entries[index])
            index += 1
        }
        return result
    }

    /// Packet numbers holding the bytes of `range`, without repeats, in order.
    func packets(for range: Range<Int64>) -> [Int] {
        var numbers: [Int] = []
        for entry in entries(overlapping: range) where numbers.last != entry.packetNumber {
            numbers.append(entry.packetNumber)
        }
        return numbers
    }

    /// Packet numbers holding the bytes of several ranges (a message's frames, without the
    /// control frames sent between them), without repeats, in order.
    func packets(for ranges: [Range<Int64>]) -> [Int] {
        var numbers: [Int] = []
        for range in ranges {
            for number in packets(for: range) where !numbers.contains(number) { numbers.append(number) }
        }
        return numbers
    }

    /// Where `range` lies in one packet's data, when that packet holds all of it.
    func packetLocation(of range: Range<Int64>, in packetNumber: Int) -> Range<Int>? {
        for entry in entries(overlapping: range) where entry.packetNumber == packetNumber {
            guard entry.range.lowerBound <= range.lowerBound, range.upperBound <= entry.range.upperBound else { return nil }
            let start = entry.packetOffset + Int(range.lowerBound - entry.range.lowerBound)
            return start..<(start + range.count)
        }
        return nil
    }
}
