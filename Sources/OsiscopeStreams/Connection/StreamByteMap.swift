import OsiscopeCapture
import OsiscopeWire

/// Records which packet each delivered byte of one TCP direction came from, and cuts from it
/// the `ByteSource` of any range a frame or message occupies. Bounded: the oldest entries go
/// first, so memory stays within `capacity` entries per direction.
struct StreamByteMap: Sendable {
    let stream: Int
    let direction: Direction
    var capacity = 65_536
    private var pieces: [ByteSource.Piece] = []
    private var start = 0

    init(stream: Int, direction: Direction) {
        self.stream = stream
        self.direction = direction
    }

    mutating func record(_ chunk: StreamChunk) {
        if let last = pieces.last, case .packet(let number, _, _) = last.origin,
           number == chunk.packetNumber, last.range.upperBound == chunk.streamOffset {
            pieces[pieces.count - 1].range = last.range.lowerBound..<chunk.streamRange.upperBound
            return
        }
        pieces.append(ByteSource.Piece(range: chunk.streamRange, origin: .packet(
            number: chunk.packetNumber, offset: chunk.packetOffset, time: chunk.timestamp)))
        if pieces.count - start > capacity { start += 1 }
        if start > capacity {
            pieces.removeFirst(start)
            start = 0
        }
    }

    /// The stream's bytes in `ranges` (a message's frames, say), as a source of their own.
    func source(for ranges: [Range<Int64>]) -> ByteSource {
        var selected: [ByteSource.Piece] = []
        for range in ranges where !range.isEmpty {
            for piece in pieces(overlapping: range) {
                guard case .packet(let number, let offset, let time) = piece.origin else { continue }
                let low = max(piece.range.lowerBound, range.lowerBound)
                let high = min(piece.range.upperBound, range.upperBound)
                let origin = ByteSource.Origin.packet(number: number, offset: offset + Int(low - piece.range.lowerBound),
                                                      time: time)
                if let last = selected.last, last.range.upperBound > low { continue }
                selected.append(ByteSource.Piece(range: low..<high, origin: origin))
            }
        }
        return ByteSource(kind: .tcpStream(stream: stream, direction: direction), pieces: selected)
    }

    func source(for range: Range<Int64>) -> ByteSource { source(for: [range]) }

    private func pieces(overlapping range: Range<Int64>) -> ArraySlice<ByteSource.Piece> {
        pieces[start...].overlapping(range)
    }
}
