import OsiscopeCapture
import OsiscopeWire

/// Puts one TCP connection's segments back into two ordered byte streams and says, per
/// packet, what TCP analysis Wireshark would flag. Out-of-order segments are held and
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
        var lastAck: UInt32?
        var lastWindow: UInt16?
        var lastSequence: UInt32?
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

    /// Feeds one packet's segment; returns the stream events it releases and the analysis
    /// diagnostics for that packet.
    public mutating func process(_ segment: TCPSegmentInfo, from direction: Direction, packet: CapturedPacket)
        -> (events: [StreamEvent], analysis: [Diagnostic]) {
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

        analysis += Self.analyse(segment, start: start, length: length, half: half, packet: packet,
                                 isSYN: isSYN, isFIN: isFIN, isRST: isRST)

        if length > 0 {
            if payload.count < segment.payloadLength {
                analysis.append(Diagnostic(TCPStreamDiagnostics.reassemblySnaplen,
                                           "\(segment.payloadLength - payload.count) payload bytes were cut by the snap length: the stream gets a gap there"))
            }
            accept(payload, at: start, declaredLength: length, packet: packet, payloadOffset: segment.payloadOffset,
                   into: &half, direction: direction, events: &events, analysis: &analysis)
        }
        if end > half.highest || !half.sawSegment {
            half.highest = max(half.highest, end)
            half.highestTime = packet.timestamp
        }
        if isFIN && half.finOffset == nil { half.finOffset = end }
        half.sawSegment = true
        half.lastSequence = segment.sequence
        if segment.has(TCPSegmentInfo.ack) { half.lastAck = segment.acknowledgment }
        half.lastWindow = segment.window
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
        return (events, analysis)
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

    private mutating func accept(_ payload: ArraySlice<UInt8>, at start: Int64, declaredLength: Int64, packet: CapturedPacket,
                                 payloadOffset: Int, into half: inout Half, direction: Direction,
                                 events: inout [StreamEvent], analysis: inout [Diagnostic]) {
        let end = start + declaredLength
        if end <= half.delivered {
            compareRetransmitted(payload, at: start, in: half, analysis: &analysis)
            return
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
        } else {
            hold(segment, into: &half, direction: direction, events: &events)
        }
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

    private func hold(_ segment: PendingSegment, into half: inout Half, direction: Direction, events: inout [StreamEvent]) {
        // Keep pending segments sorted by offset; duplicates of held data are dropped.
        if half.pending.contains(where: { $0.offset == segment.offset && $0.bytes.count >= segment.bytes.count }) { return }
        let index = half.pending.firstIndex { $0.offset > segment.offset } ?? half.pending.count
        half.pending.insert(segment, at: index)
        half.pendingBytes += segment.declaredLength
        if half.pendingBytes > Int64(maximumPendingBytes) || half.pending.count > maximumPendingSegments {
            flushHoles(upTo: Int64.max, in: &half, direction: direction, events: &events)
        }
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

    // MARK: analysis

    /// Wireshark's TCP analysis flags (packet-tcp.c `tcp_analyze_sequence_number`), simplified.
    private static func analyse(_ segment: TCPSegmentInfo, start: Int64, length: Int64, half: Half, packet: CapturedPacket,
                                isSYN: Bool, isFIN: Bool, isRST: Bool) -> [Diagnostic] {
        var flags: [Diagnostic] = []
        guard half.sawSegment else {
            if segment.window == 0 && !isRST && !isSYN {
                flags.append(Diagnostic(TCPStreamDiagnostics.analysisZeroWindow, "zero window: the receiver's buffer is full"))
            }
            return flags
        }
        let control = isSYN || isFIN || isRST
        if segment.window == 0 && !isRST && !isSYN {
            flags.append(Diagnostic(TCPStreamDiagnostics.analysisZeroWindow, "zero window: the receiver's buffer is full"))
        }
        if length <= 1 && !control && start == half.highest - 1 {
            flags.append(Diagnostic(TCPStreamDiagnostics.analysisKeepAlive, "keep-alive: one old byte resent to check the peer is still there"))
            return flags
        }
        if length > 0 && start > half.highest {
            flags.append(Diagnostic(TCPStreamDiagnostics.analysisLostSegment,
                                    "previous segment not captured: \(start - half.highest) bytes before this one are missing"))
        } else if (length > 0 || isFIN) && start < half.highest {
            // Wireshark's rule of thumb: a late segment within 3 ms of the newest is reordering.
            let sinceNewest = packet.timestamp.seconds(since: half.highestTime)
            if sinceNewest < 0.003 && start + length <= half.highest && start >= half.delivered {
                flags.append(Diagnostic(TCPStreamDiagnostics.analysisOutOfOrder, "out-of-order segment: it arrived after later data"))
            } else {
                flags.append(Diagnostic(TCPStreamDiagnostics.analysisRetransmission, "retransmission: this data was sent before"))
            }
        }
        if length == 0 && !control && segment.has(TCPSegmentInfo.ack), let lastAck = half.lastAck {
            if segment.acknowledgment == lastAck && segment.window == half.lastWindow && segment.window != 0 {
                flags.append(Diagnostic(TCPStreamDiagnostics.analysisDuplicateAck, "duplicate ACK: asks again for the same missing data"))
            } else if segment.acknowledgment == lastAck && segment.window != half.lastWindow && segment.sequence == half.lastSequence {
                flags.append(Diagnostic(TCPStreamDiagnostics.analysisWindowUpdate, "window update: only the receive window changed"))
            }
        }
        return flags
    }
}
