import OsiscopeCapture
import OsiscopeWire

/// One TCP connection on its way from segments to application messages: reassembly, then
/// whichever decoder the table chooses. It knows no protocol: it holds bytes while the table
/// decides, hands them to the chosen decoder, and swaps decoders when one hands over.
final class Connection: StreamSources {
    var summary: ConnectionSummary
    private var reassembler = TCPReassembler()
    private var maps: DirectionPair<StreamByteMap>
    private let options: StreamOptions
    private var decoder: (any ConnectionDecoder)?
    /// No decoder will be chosen: bytes are reassembled and counted only.
    private var opaque = false
    /// Bytes held while the table decides, and the stream offset of their first byte.
    private var held = DirectionPair<[UInt8]>(both: [])
    private var heldStart = DirectionPair<Int64?>(both: nil)
    /// The first packet seen came from the server (a capture that started mid-connection, as
    /// a heuristic found): directions are swapped from then on.
    private var swapped = false
    /// A hole waiting for the first packet after it, per direction, with the packet before it.
    private var openGaps = DirectionPair<(range: Range<Int64>, before: Int?, time: Timestamp?)?>(both: nil)
    /// The last packet (and its time) that brought bytes, per direction.
    private var lastData = DirectionPair<(packet: Int, time: Timestamp)?>(both: nil)
    /// Events of the stream stage for subscribers of stream bytes, when asked for.
    var streamEvents: [StreamEvent]?
    /// True once the connection ended and its decoding state was dropped; only counts go on.
    private(set) var isReleased = false

    init(summary: ConnectionSummary, options: StreamOptions) {
        self.summary = summary
        self.options = options
        maps = Self.emptyMaps(summary.stream)
        reassembler = Self.reassembler(options)
    }

    private static func reassembler(_ options: StreamOptions) -> TCPReassembler {
        var reassembler = TCPReassembler()
        reassembler.maximumPendingBytes = options.maximumHeldBytes
        reassembler.maximumPendingSegments = options.maximumHeldSegments
        return reassembler
    }

    private static func emptyMaps(_ stream: Int) -> DirectionPair<StreamByteMap> {
        DirectionPair(client: StreamByteMap(stream: stream, direction: .client),
                      server: StreamByteMap(stream: stream, direction: .server))
    }

    /// The decoder's name for people, once one decodes the connection.
    var decoderDisplayName: String? { decoder?.displayName }

    /// A decoder reads the payload (not a tunnel, not undecided).
    var decodesPayload: Bool { decoder?.decodesPayload ?? false }

    func source(for ranges: [Range<Int64>], _ direction: Direction) -> ByteSource {
        maps[direction].source(for: ranges)
    }

    /// Feeds the packet's segment, with what sequence analysis found on it.
    func process(_ segment: TCPSegmentInfo, from direction: Direction, packet: CapturedPacket, analysis: TCPAnalysisFlags,
                 _ context: inout DecoderContext) -> TCPReassembler.Outcome {
        let sender = swapped ? direction.opposite : direction
        summary.sides[sender].packets += 1
        summary.sides[sender].payloadBytes += segment.payloadLength
        summary.sides[sender].wireBytes += packet.originalLength
        summary.lastSeen = packet.timestamp
        if segment.has(TCPSegmentInfo.syn) && !segment.has(TCPSegmentInfo.ack) { summary.sawHandshake = true }
        if segment.has(TCPSegmentInfo.rst) { summary.state = .reset }
        let outcome = reassembler.process(segment, from: direction, packet: packet,
                                          isKeepAlive: analysis.contains(.keepAlive))
        handle(outcome.events, &context)
        return outcome
    }

    func release() {
        isReleased = true
        reassembler = Self.reassembler(options)
        maps = Self.emptyMaps(summary.stream)
        decoder = nil
        opaque = true
        held = DirectionPair(both: [])
    }

    func finish(_ context: inout DecoderContext) {
        guard !isReleased else { return }
        handle(reassembler.flush(), &context)
        for direction in Direction.allCases {
            guard let gap = openGaps[direction] else { continue }
            openGaps[direction] = nil
            reportGap(direction, gap.range, before: gap.before, after: nil, time: gap.time ?? context.time, &context)
        }
        if decoder == nil && !opaque { decide(nil, from: nil, at: 0, &context) }
        decoder?.finish(&context)
        adopt(&context)
    }

    private func handle(_ rawEvents: [StreamEvent], _ context: inout DecoderContext) {
        for var event in rawEvents {
            if swapped { event = event.swapped }
            streamEvents?.append(event)
            switch event {
            case .data(let chunk):
                if let gap = openGaps[chunk.direction] {
                    openGaps[chunk.direction] = nil
                    reportGap(chunk.direction, gap.range, before: gap.before, after: chunk.packetNumber,
                              time: chunk.timestamp, &context)
                }
                lastData[chunk.direction] = (chunk.packetNumber, chunk.timestamp)
                maps[chunk.direction].record(chunk)
                feed(chunk.bytes, from: chunk.direction, at: chunk.streamOffset, &context)
            case .gap(let direction, let at, let length):
                if let earlier = openGaps[direction] {
                    // Two holes with nothing between them read as one.
                    openGaps[direction] = (earlier.range.lowerBound..<(at + length), earlier.before, earlier.time)
                } else {
                    openGaps[direction] = (at..<(at + length), lastData[direction]?.packet, lastData[direction]?.time)
                }
                context.diagnose(StreamDiagnostic(TCPStreamDiagnostics.reassemblyGap,
                    "\(length) bytes of the \(direction.rawValue) stream were not captured",
                    streamRange: at..<(at + length)), direction)
                if let decoder {
                    decoder.gap(from: direction, at: at, length: length, &context)
                    adopt(&context)
                } else if !opaque {
                    // What was held no longer continues: judge again from after the gap.
                    held[direction] = []
                    heldStart[direction] = at + length
                }
            case .finished(let direction):
                decoder?.end(from: direction, &context)
                adopt(&context)
                // The reassembler counts directions as captured; `direction` may be swapped.
                let other = swapped ? direction : direction.opposite
                if reassembler.isFinished(other) && summary.state != .reset { summary.state = .closed }
            case .reset:
                summary.state = .reset
            }
        }
    }

    private func feed(_ bytes: ArraySlice<UInt8>, from direction: Direction, at offset: Int64,
                      _ context: inout DecoderContext) {
        if let decoder {
            decoder.feed(bytes, from: direction, at: offset, &context)
            adopt(&context)
        } else if !opaque {
            decide(bytes, from: direction, at: offset, &context)
        }
    }

    /// The hole as a message of its own, timed by the first packet after it.
    private func reportGap(_ direction: Direction, _ range: Range<Int64>, before: Int?, after: Int?, time: Timestamp,
                           _ context: inout DecoderContext) {
        let gap = TCPGap(direction: direction, range: range, packetBefore: before, packetAfter: after)
        context.complete(ApplicationMessage(
            stream: summary.stream, direction: direction,
            source: ByteSource(kind: .tcpStream(stream: summary.stream, direction: direction), pieces: []),
            timestamp: time, content: .gap(gap), packets: [before, after].compactMap { $0 }))
    }

    /// A decoder handed the connection on (HTTP after `101 Switching Protocols`).
    private func adopt(_ context: inout DecoderContext) {
        guard let next = context.replacement else { return }
        context.replacement = nil
        decoder = next
        summary.protocolName = next.protocolName
    }

    // MARK: choosing the decoder

    /// Picks the decoder from a port, or from the first bytes by the table's heuristics;
    /// `bytes` nil: the connection ends, judge what is held.
    private func decide(_ bytes: ArraySlice<UInt8>?, from direction: Direction?, at offset: Int64,
                        _ context: inout DecoderContext) {
        let table = options.decoders
        if let direction, let bytes {
            if heldStart[direction] == nil { heldStart[direction] = offset }
            held[direction].append(contentsOf: bytes)
        }
        let latest = direction.flatMap { direction in bytes.map { (bytes: $0, direction: direction, offset: offset) } }
        let first = FirstBytes(held: held.map { $0[...] }, latest: bytes, latestDirection: direction, atEnd: bytes == nil)
        if let (row, forced) = table.row(forPorts: [summary.server.port, summary.client.port]) {
            // A forced decoder still learns what its heuristic can tell (compression, directions).
            var verdict = FirstBytesVerdict.yes()
            if let judged = row.heuristic?(first), case .yes = judged { verdict = judged }
            return start(row, verdict, forced: forced, latest: latest, &context)
        }
        var undecided = false
        for row in table.rows {
            guard let heuristic = row.heuristic, !options.disabledHeuristics.contains(row.name) else { continue }
            let verdict = heuristic(first)
            switch verdict {
            case .yes: return start(row, verdict, forced: false, latest: latest, &context)
            case .needMore: undecided = true
            case .no: break
            }
        }
        if !undecided || held.client.count + held.server.count > table.lookahead || bytes == nil {
            opaque = true
            held = DirectionPair(both: [])
        }
    }

    private func start(_ row: DecoderRow, _ verdict: FirstBytesVerdict, forced: Bool,
                       latest: (bytes: ArraySlice<UInt8>, direction: Direction, offset: Int64)?,
                       _ context: inout DecoderContext) {
        guard case .yes(let hint, let swaps, let guessed, let feedsHeld) = verdict else { return }
        var bytes = held
        var starts = heldStart
        held = DirectionPair(both: [])
        if swaps {
            swapped = true
            (summary.client, summary.server) = (summary.server, summary.client)
            summary.sides = summary.sides.swapped
            maps = maps.swapped
            bytes = bytes.swapped
            starts = starts.swapped
        }
        let setup = DecoderSetup(stream: summary.stream, options: options, sawOpening: summary.sawHandshake,
                                 hint: hint, guessed: guessed && !forced)
        decoder = row.make(setup)
        summary.protocolName = row.name
        summary.protocolGuessed = guessed && !forced
        if feedsHeld {
            for direction in Direction.allCases where !bytes[direction].isEmpty {
                feed(bytes[direction][...], from: direction, at: starts[direction] ?? 0, &context)
            }
        } else if let latest {
            let direction = swaps ? latest.direction.opposite : latest.direction
            feed(latest.bytes, from: direction, at: latest.offset, &context)
        }
    }
}

extension StreamEvent {
    /// The same event with client and server exchanged.
    var swapped: StreamEvent {
        switch self {
        case .data(var chunk):
            chunk.direction = chunk.direction.opposite
            return .data(chunk)
        case .gap(let direction, let at, let length): return .gap(direction.opposite, at: at, length: length)
        case .finished(let direction): return .finished(direction.opposite)
        case .reset(let direction): return .reset(direction.opposite)
        }
    }
}
