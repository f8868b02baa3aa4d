import OsiscopeCapture
import OsiscopeWire

/// Puts one TCP connection's segments back into two ordered byte streams. Out-of-order segments are held and
/// delivered when the hole before them fills (reordering is on by default, unlike Wireshark);
/// a hole becomes a gap once it cannot fill any more: the receiver acknowledged past it, the
/// connection ended, or too much is waiting behind it.
public struct TCPReassembler: Sendable {
    /// Most bytes held behind a hole per direction before the hole is declared a gap.
    public var maximumPendingBytes = 4 << 20
    /// Most segments held behind a hole per direction (bounds the work per packet too).
    public var maximumPendingSegments = 4096
    /// Most recently delivered bytes kept per direction to compare retransmissions with.
    public var retainedBytes = 64 << 10

    struct PendingSegment: Sendable {
        var offset: Int64
        /// Payload length the segment declared (more than `bytes` when the snap length cut it).
        var declaredLength: Int64
        var bytes: ArraySlice<UInt8>
        var packetNumber: Int
        var packetOffset: Int
        var timestamp: Timestamp
    }

    struct Half: Sendable {
        var space: SequenceSpace?
        /// Next stream offset to deliver.
        var delivered: Int64 = 0
        /// Highest stream offset seen (end of the furthest segment).
        var highest: Int64 = 0
        var highestTime = Timestamp(seconds: 0, nanoseconds: 0)
        var pending: [PendingSegment] = []
        /// Declared bytes held in `pending`, cut ones included, so the limit holds for them too.
        var pendingBytes: Int64 = 0
        var finOffset: Int64?
        var finished = false
        /// The tail of the delivered stream, to compare retransmitted bytes with.
        var recent: [UInt8] = []
        var sawSegment = false
    }

    private var halves = DirectionPair(both: Half())

    public init() {}

    /// A side taken out (a fresh one left in its place), so that changing its buffers does not copy them.
    private mutating func take(_ direction: Direction) -> Half {
        let half = halves[direction]
        halves[direction] = Half()
        return half
    }

    /// What one segment did to the streams.
    public struct Outcome: Sendable {
        /// Bytes, gaps and ends it released, in stream order.
        public var events: [StreamEvent] = []
        /// Reassembly problems on this packet (bytes cut by the snap length, a retransmission that differs).
        public var diagnostics: [Diagnostic] = []
        /// It carried bytes not seen before (held or delivered), not only a resend.
        public var carriedNewBytes = false
    }

    /// Feeds one packet's segment. A keep-alive's byte is not compared with the one it repeats:
    /// senders fill it with anything.
    public mutating func process(_ segment: TCPSegmentInfo, from direction: Direction, packet: CapturedPacket,
                                 isKeepAlive: Bool = false) -> Outcome {
        var outcome = Outcome()
        var events: [StreamEvent] = []
        var analysis: [Diagnostic] = []
        // Taken out of the dictionary so that appending to its buffers does not copy them.
        var half = take(direction)
        let isSYN = segment.has(TCPSegmentInfo.syn), isFIN = segment.has(TCPSegmentInfo.fin)
        let isRST = segment.has(TCPSegmentInfo.rst)

        if half.space == nil || (isSYN && !half.sawSegment) {
            // Mid-stream captures start counting at the first byte seen.
            half.space = SequenceSpace(base: isSYN ? segment.sequence &+ 1 : segment.sequence)
        }
        let space = half.space!
        let start = space.offset(of: isSYN ? segment.sequence &+ 1 : segment.sequence, near: half.delivered)
        let capturedEnd = min(segment.payloadOffset + segment.payloadLength, packet.data.count)
        let payload = packet.data[min(segment.payloadOffset, capturedEnd)..<capturedEnd]
        let length = Int64(segment.payloadLength)
        let end = start + length

        if length > 0 && !isKeepAlive {
            if payload.count < segment.payloadLength {
                analysis.append(Diagnostic(TCPStreamDiagnostics.reassemblySnaplen,
                                           "\(segment.payloadLength - payload.count) payload bytes were cut by the snap length: the stream gets a gap there"))
            }
            outcome.carriedNewBytes = accept(payload, at: start, declaredLength: length, packet: packet,
                                             payloadOffset: segment.payloadOffset, into: &half, direction: direction,
                                             events: &events, analysis: &analysis)
        }
        if end > half.highest || !half.sawSegment {
            half.highest = max(half.highest, end)
            half.highestTime = packet.timestamp
        }
        if isFIN && half.finOffset == nil { half.finOffset = end }
        half.sawSegment = true
        halves[direction] = half

        // An acknowledgment past a hole in the other direction means the receiver has those
        // bytes: the capture missed them and they will not come again.
        if segment.has(TCPSegmentInfo.ack), halves[direction.opposite].space != nil, !halves[direction.opposite].pending.isEmpty {
            var other = take(direction.opposite)
            let acked = other.space!.offset(of: segment.acknowledgment, near: other.delivered)
            flushHoles(upTo: acked, in: &other, direction: direction.opposite, events: &events)
            halves[direction.opposite] = other
        }
        if isRST {
            for side in Direction.allCases {
                var state = take(side)
                flushHoles(upTo: Int64.max, in: &state, direction: side, events: &events)
                halves[side] = state
            }
            events.append(.reset(direction))
        }
        finishIfDone(direction, events: &events)
        outcome.events = events
        outcome.diagnostics = analysis
        return outcome
    }

    /// Ends the capture: every hole still open becomes a gap.
    public mutating func flush() -> [StreamEvent] {
        var events: [StreamEvent] = []
        for side in Direction.allCases {
            var state = take(side)
            flushHoles(upTo: Int64.max, in: &state, direction: side, events: &events)
            halves[side] = state
            finishIfDone(side, events: &events)
        }
        return events
    }

    /// The direction's FIN arrived and every byte before it was delivered.
    public func isFinished(_ direction: Direction) -> Bool { halves[direction].finished }

    // MARK: delivery

    /// Takes a segment's bytes; says whether any of them were new.
    private mutating func accept(_ payload: ArraySlice<UInt8>, at start: Int64, declaredLength: Int64, packet: CapturedPacket,
                                 payloadOffset: Int, into half: inout Half, direction: Direction,
                                 events: inout [StreamEvent], analysis: inout [Diagnostic]) -> Bool {
        let end = start + declaredLength
        if end <= half.delivered {
            compareRetransmitted(payload, at: start, in: half, analysis: &analysis)
            return false
        }
        var bytes = payload
        var offset = start
        var packetOffset = payloadOffset
        if offset < half.delivered {
            let overlap = Int(half.delivered - offset)
            compareRetransmitted(bytes.prefix(overlap), at: offset, in: half, analysis: &analysis)
            bytes = bytes.dropFirst(min(overlap, bytes.count))
            packetOffset += overlap
            offset = half.delivered
        }
        let segment = PendingSegment(offset: offset, declaredLength: end - offset, bytes: bytes, packetNumber: packet.number,
                                     packetOffset: packetOffset, timestamp: packet.timestamp)
        if offset == half.delivered {
            deliver(segment, declaredEnd: end, into: &half, direction: direction, events: &events)
            drainPending(into: &half, direction: direction, events: &events)
            return true
        }
        return hold(segment, into: &half, direction: direction, events: &events, analysis: &analysis)
    }

    private func deliver(_ segment: PendingSegment, declaredEnd: Int64, into half: inout Half, direction: Direction,
                         events: inout [StreamEvent]) {
        if !segment.bytes.isEmpty {
            events.append(.data(StreamChunk(direction: direction, streamOffset: segment.offset, bytes: segment.bytes,
                                            packetNumber: segment.packetNumber, packetOffset: segment.packetOffset,
                                            timestamp: segment.timestamp)))
            half.recent.append(contentsOf: segment.bytes)
            if half.recent.count > retainedBytes * 2 { half.recent.removeFirst(half.recent.count - retainedBytes) }
        }
        let capturedEnd = segment.offset + Int64(segment.bytes.count)
        if declaredEnd > capturedEnd {
            events.append(.gap(direction, at: capturedEnd, length: declaredEnd - capturedEnd))
            half.recent.removeAll(keepingCapacity: true) // It must stay the bytes just before `delivered`.
        }
        half.delivered = max(half.delivered, declaredEnd)
    }

    /// Holds a segment behind a hole; false for a duplicate of one already held.
    private func hold(_ segment: PendingSegment, into half: inout Half, direction: Direction,
                      events: inout [StreamEvent], analysis: inout [Diagnostic]) -> Bool {
        // Keep pending segments sorted by offset; duplicates of held data are dropped.
        if half.pending.contains(where: { $0.offset == segment.offset && $0.bytes.count >= segment.bytes.count }) { return false }
        let index = half.pending.firstIndex { $0.offset > segment.offset } ?? half.pending.count
        half.pending.insert(segment, at: index)
        half.pendingBytes += segment.declaredLength
        if half.pendingBytes > Int64(maximumPendingBytes) || half.pending.count > maximumPendingSegments {
            analysis.append(Diagnostic(TCPStreamDiagnostics.reassemblyLimit,
                "\(half.pendingBytes) bytes in \(half.pending.count) segments waited behind a hole, more than the limit "
                    + "(\(maximumPendingBytes) bytes, \(maximumPendingSegments) segments: --limit tcp.held_bytes, tcp.held_segments): "
                    + "the hole was declared lost"))
            flushHoles(upTo: Int64.max, in: &half, direction: direction, events: &events)
        }
        return true
    }

    private func drainPending(into half: inout Half, direction: Direction, events: inout [StreamEvent]) {
        while let first = half.pending.first, first.offset <= half.delivered {
            half.pending.removeFirst()
            half.pendingBytes -= first.declaredLength
            let end = first.offset + first.declaredLength
            guard end > half.delivered else { continue }
            var segment = first
            let skip = Int(half.delivered - first.offset)
            segment.bytes = first.bytes.dropFirst(min(skip, first.bytes.count))
            segment.offset = half.delivered
            segment.packetOffset += skip
            deliver(segment, declaredEnd: end, into: &half, direction: direction, events: &events)
        }
    }

    /// Declares the holes before `limit` lost and delivers what waits behind them.
    private func flushHoles(upTo limit: Int64, in half: inout Half, direction: Direction, events: inout [StreamEvent]) {
        while let first = half.pending.first, first.offset < limit {
            if first.offset > half.delivered {
                events.append(.gap(direction, at: half.delivered, length: first.offset - half.delivered))
                half.delivered = first.offset
                half.recent.removeAll(keepingCapacity: true)
            }
            drainPending(into: &half, direction: direction, events: &events)
        }
    }

    private mutating func finishIfDone(_ direction: Direction, events: inout [StreamEvent]) {
        var half = halves[direction]
        if let fin = half.finOffset, !half.finished, half.delivered >= fin, half.pending.isEmpty {
            half.finished = true
            events.append(.finished(direction))
        }
        halves[direction] = half
    }

    private func compareRetransmitted(_ bytes: ArraySlice<UInt8>, at offset: Int64, in half: Half,
                                      analysis: inout [Diagnostic]) {
        let recentStart = half.delivered - Int64(half.recent.count)
        var differs = false
        for (index, byte) in bytes.enumerated() {
            let position = offset + Int64(index)
            guard position >= recentStart, position < half.delivered else { continue }
            if half.recent[Int(position - recentStart)] != byte { differs = true; break }
        }
        if differs {
            analysis.append(Diagnostic(TCPStreamDiagnostics.reassemblyOverlapConflict,
                                       "retransmitted bytes differ from the ones sent first; the first ones were kept"))
        }
    }
}
