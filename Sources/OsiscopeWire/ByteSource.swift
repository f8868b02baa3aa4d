import OsiscopeCapture

/// A run of bytes inside one captured packet: which packet, where in its data, and when it
/// was captured.
public struct PacketSpan: Sendable, Equatable {
    public var packet: Int
    /// Offsets in the packet's captured data.
    public var range: Range<Int>
    public var time: Timestamp
    /// False when the bytes of the source were made from these packet bytes as a whole
    /// (inflated, decrypted) rather than copied byte for byte.
    public var exact: Bool

    public init(packet: Int, range: Range<Int>, time: Timestamp, exact: Bool = true) {
        self.packet = packet
        self.range = range
        self.time = time
        self.exact = exact
    }
}

/// A named space of bytes a view can show: a TCP direction's reassembled stream, an unmasked
/// WebSocket payload, an inflated message, a decoded HTTP body, a decrypted TLS record. Each
/// source maps its ranges to its parent's, down to the bytes of the packets that brought them,
/// so any byte of a message can be traced to a packet, an offset and a capture time. A packet
/// itself is the root and needs no source object.
///
/// Immutable and shared by reference, like a field descriptor: a layer or message points at
/// its source without copying the mapping.
public final class ByteSource: Sendable {
    public enum Kind: Sendable, Equatable {
        /// One direction of a TCP connection, in stream offsets (0 is the first byte after the SYN).
        case tcpStream(stream: Int, direction: Direction)
        /// A WebSocket payload (a frame's, or a message's frames joined) with the mask removed.
        case unmaskedPayload
        /// A permessage-deflate message after inflating.
        case inflatedMessage
        /// An HTTP body with its chunked framing and Content-Encoding removed.
        case decodedBody
        /// The plaintext of TLS records.
        case decryptedRecord
        /// One Engine.IO packet of the payload that carried it (a long-polling body may carry
        /// several), base64 decoded when it came so.
        case engineIOPacket
    }

    /// Where a piece of this source's bytes came from.
    public enum Origin: Sendable, Equatable {
        /// Bytes of a captured packet (the root of every chain).
        case packet(number: Int, offset: Int, time: Timestamp)
        /// Bytes of the parent source. Exact: the same length, byte for byte (unmasking keeps
        /// positions). Not exact: the piece was computed from that whole range (inflating).
        case parent(Range<Int64>, exact: Bool)
    }

    public struct Piece: Sendable, Equatable {
        /// Offsets in this source.
        public var range: Range<Int64>
        public var origin: Origin

        public init(range: Range<Int64>, origin: Origin) {
            self.range = range
            self.origin = origin
        }
    }

    public let kind: Kind
    /// The source `.parent` origins point into; nil when every piece comes from packets.
    public let parent: ByteSource?
    /// In order of `range`; ranges do not overlap.
    public let pieces: [Piece]
    /// The source's own bytes when they exist only after decoding (unmasked, inflated, decoded,
    /// decrypted); nil for a stream, whose bytes are the packets'.
    public let bytes: [UInt8]?

    public init(kind: Kind, parent: ByteSource? = nil, pieces: [Piece], bytes: [UInt8]? = nil) {
        self.kind = kind
        self.parent = parent
        self.pieces = pieces
        self.bytes = bytes
    }

    /// Bytes of this source covered by its pieces.
    public var range: Range<Int64> {
        guard let first = pieces.first, let last = pieces.last else { return 0..<0 }
        return first.range.lowerBound..<last.range.upperBound
    }

    /// Where the bytes of `range` (offsets in this source) are in captured packets, in order.
    public func packetSpans(of range: Range<Int64>) -> [PacketSpan] {
        var spans: [PacketSpan] = []
        collectSpans(of: range, exact: true, into: &spans)
        return spans
    }

    /// Every packet span of the source.
    public var packetSpans: [PacketSpan] { packetSpans(of: range) }

    /// Numbers of the packets that brought the bytes of `range`, in order of first use, without repeats.
    public func packets(of range: Range<Int64>) -> [Int] { Self.packetNumbers(packetSpans(of: range)) }

    /// Packet numbers of spans in order of first use, without repeats; linear, for messages of
    /// thousands of packets.
    public static func packetNumbers(_ spans: [PacketSpan]) -> [Int] {
        var numbers: [Int] = []
        var seen: Set<Int> = []
        for span in spans where seen.insert(span.packet).inserted { numbers.append(span.packet) }
        return numbers
    }

    public var packets: [Int] { packets(of: range) }

    /// When the first and the last packet of `range` were captured.
    public func timeSpan(of range: Range<Int64>) -> ClosedRange<Timestamp>? {
        let spans = packetSpans(of: range)
        guard let first = spans.map(\.time).min(), let last = spans.map(\.time).max() else { return nil }
        return first...last
    }

    /// Where `range` lies in one packet, when that packet holds all of it byte for byte.
    public func location(of range: Range<Int64>, inPacket number: Int) -> Range<Int>? {
        let spans = packetSpans(of: range)
        guard spans.count == 1, let span = spans.first, span.packet == number, span.exact,
              span.range.count == range.count else { return nil }
        return span.range
    }

    private func collectSpans(of wanted: Range<Int64>, exact: Bool, into spans: inout [PacketSpan]) {
        guard !wanted.isEmpty else { return }
        for piece in pieces(overlapping: wanted) {
            let low = max(piece.range.lowerBound, wanted.lowerBound)
            let high = min(piece.range.upperBound, wanted.upperBound)
            switch piece.origin {
            case .packet(let number, let offset, let time):
                let start = offset + Int(low - piece.range.lowerBound)
                let span = PacketSpan(packet: number, range: start..<(start + Int(high - low)), time: time, exact: exact)
                if let last = spans.last, last.packet == span.packet, last.range.upperBound == span.range.lowerBound,
                   last.exact == span.exact {
                    spans[spans.count - 1].range = last.range.lowerBound..<span.range.upperBound
                } else {
                    spans.append(span)
                }
            case .parent(let parentRange, let pieceExact):
                guard let parent else { continue }
                if pieceExact {
                    let shift = parentRange.lowerBound - piece.range.lowerBound
                    parent.collectSpans(of: (low + shift)..<(high + shift), exact: exact, into: &spans)
                } else {
                    parent.collectSpans(of: parentRange, exact: false, into: &spans)
                }
            }
        }
    }

    private func pieces(overlapping range: Range<Int64>) -> ArraySlice<Piece> {
        pieces[...].overlapping(range)
    }
}

extension ArraySlice where Element == ByteSource.Piece {
    /// The pieces (in order, not overlapping each other) that overlap `range`, by binary search.
    public func overlapping(_ range: Range<Int64>) -> ArraySlice<ByteSource.Piece> {
        var low = startIndex, high = endIndex
        while low < high {
            let middle = (low + high) / 2
            if self[middle].range.upperBound <= range.lowerBound { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < endIndex, self[end].range.lowerBound < range.upperBound { end += 1 }
        return self[low..<end]
    }
}

extension ByteSource: Equatable {
    public static func == (lhs: ByteSource, rhs: ByteSource) -> Bool {
        lhs === rhs || (lhs.kind == rhs.kind && lhs.pieces == rhs.pieces && lhs.bytes == rhs.bytes
                        && lhs.parent == rhs.parent)
    }
}
