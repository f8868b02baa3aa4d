import OsiscopeWire
/// Reads the WebSocket frames of one direction from its reassembled bytes, incrementally:
/// bytes go in as they arrive (split anywhere, even inside a frame header) and each frame
/// comes out when its last byte has been seen.
///
/// Memory is bounded: at most 14 header bytes are held, a payload is kept up to
/// `maxPayload` bytes and the rest is skipped, and while looking for frames again after
/// lost bytes at most `resyncLookahead` bytes are held.
///
/// Stream offsets are those of the direction's byte stream, as the integration layer
/// counts them; the parser never needs to see offset 0.
public struct WebSocketFrameParser: Sendable {
    public static let defaultMaxPayload = 16 << 20
    public static let defaultResyncLookahead = 1 << 20

    /// Whose frames these are: client frames must be masked, server frames must not
    /// (used to recognise frames after lost bytes).
    public let direction: Direction
    /// Payload bytes kept per frame; longer payloads keep their first bytes and are flagged.
    public var maxPayload: Int
    /// Whether RSV1 may be set (permessage-deflate negotiated or guessed): used only when
    /// looking for frames again after lost bytes.
    public var rsv1Allowed: Bool
    /// After lost bytes, a frame is believed only if it and the next frames after it look
    /// right; at most this many bytes are held while judging.
    public var resyncLookahead: Int

    /// Offset of the next byte expected; nil before the first byte.
    public private(set) var position: Int64?

    private enum Phase: Sendable { case header, payload, resync }
    private var phase: Phase
    /// Header bytes read so far for the frame in progress (at most 14).
    private var header: [UInt8] = []
    private var headerStart: Int64 = 0
    /// The frame whose payload is being read.
    private var current: WebSocketFrame?
    private var remaining: UInt64 = 0
    /// Position in the current payload (for the masking key), including missing bytes.
    private var payloadPosition: UInt64 = 0
    /// Bytes held while looking for a frame header after lost bytes.
    private var scan: [UInt8] = []
    private var scanStart: Int64 = 0
    private var skippedFrom: Int64?
    private var ending = false
    /// The next frame is the first one found after lost bytes.
    private var lostBeforeNext = false
    private var pendingDiagnostics: [StreamDiagnostic] = []

    /// - Parameter startsAtFrameBoundary: false when the first byte fed may be anywhere in a
    ///   frame (a capture that started in the middle of a connection): the parser then looks
    ///   for a plausible frame header first.
    public init(
        direction: Direction, maxPayload: Int = WebSocketFrameParser.defaultMaxPayload,
        rsv1Allowed: Bool = false, resyncLookahead: Int = WebSocketFrameParser.defaultResyncLookahead,
        startsAtFrameBoundary: Bool = true
    ) {
        self.direction = direction
        self.maxPayload = max(0, maxPayload)
        self.rsv1Allowed = rsv1Allowed
        self.resyncLookahead = max(0, resyncLookahead)
        phase = startsAtFrameBoundary ? .header : .resync
        lostBeforeNext = !startsAtFrameBoundary
        header.reserveCapacity(WebSocketFrameLayout.maxHeaderLength)
    }

    /// True while the parser is looking for a frame header after lost bytes.
    public var isResynchronising: Bool { phase == .resync }

    /// True between frames (nothing of a frame is pending).
    public var isAtFrameBoundary: Bool { phase == .header && header.isEmpty }

    /// Problems found outside any frame (lost bytes, skipped bytes, an impossible length),
    /// handed out once.
    public mutating func takeDiagnostics() -> [StreamDiagnostic] {
        defer { pendingDiagnostics.removeAll() }
        return pendingDiagnostics
    }

    /// Feeds bytes that start at `streamOffset`. Bytes before the expected offset (already
    /// seen) are ignored; a jump forward is treated as a gap. Returns the frames completed.
    public mutating func feed(_ bytes: ArraySlice<UInt8>, at streamOffset: Int64) -> [WebSocketFrame] {
        var frames: [WebSocketFrame] = []
        var input = bytes
        var offset = streamOffset
        if let expected = position {
            if offset > expected {
                frames += gap(at: expected, length: offset - expected)
            } else if offset < expected {
                let overlap = min(Int64(input.count), expected - offset)
                input = input.dropFirst(Int(overlap))
                offset += overlap
            }
        } else if phase == .resync {
            scanStart = offset
            skippedFrom = offset
        }
        guard !input.isEmpty else { return frames }
        position = offset + Int64(input.count)
        run(input, at: offset, into: &frames)
        return frames
    }

    /// Convenience for a whole array.
    public mutating func feed(_ bytes: [UInt8], at streamOffset: Int64) -> [WebSocketFrame] {
        feed(bytes[...], at: streamOffset)
    }

    /// Tells the parser that `length` bytes starting at `streamOffset` were not captured.
    /// A gap inside a payload only costs those payload bytes (the frame is flagged); a gap
    /// that hides a frame header makes the parser look for the next plausible header.
    /// Returns the frames the gap completes (a frame whose last bytes were lost).
    public mutating func gap(at streamOffset: Int64, length: Int64) -> [WebSocketFrame] {
        guard length > 0 else { return [] }
        var start = streamOffset
        var end = streamOffset + length
        if let expected = position {
            if end <= expected { return [] }
            start = expected // unseen bytes before the gap are lost too; seen ones are not
        } else if phase == .resync {
            scanStart = start
            skippedFrom = start
        }
        end = max(end, start)
        let lost = end - start
        guard lost > 0 else { return [] }
        position = end
        pendingDiagnostics.append(StreamDiagnostic(
            WebSocketDiagnostics.gap,
            "\(lost) bytes of the \(direction.rawValue)'s stream were not captured.",
            streamRange: start..<end))

        var frames: [WebSocketFrame] = []
        switch phase {
        case .payload:
            if UInt64(lost) < remaining {
                remaining -= UInt64(lost)
                payloadPosition += UInt64(lost)
                current?.missingPayloadBytes += UInt64(lost)
            } else {
                let beyond = lost - Int64(remaining)
                current?.missingPayloadBytes += remaining
                payloadPosition += remaining
                remaining = 0
                emitCurrent(into: &frames)
                if beyond > 0 { enterResync(at: end) }
            }
        case .header:
            // The next frame's header (or the rest of it) is gone: its length is unknown.
            enterResync(at: end)
        case .resync:
            flushSkipped(upTo: start)
            enterResync(at: end)
        }
        return frames
    }

    /// The end of the stream: a frame still waiting for bytes is returned with its missing
    /// bytes counted, and bytes held while resynchronising are judged as they are.
    public mutating func finish() -> [WebSocketFrame] {
        var frames: [WebSocketFrame] = []
        ending = true
        if phase == .resync {
            run([], at: scanStart + Int64(scan.count), into: &frames)
        }
        let end = position ?? 0
        switch phase {
        case .header:
            if !header.isEmpty {
                pendingDiagnostics.append(StreamDiagnostic(
                    WebSocketDiagnostics.frameIncomplete,
                    "The stream ends inside a frame header (\(header.count) bytes).",
                    streamRange: headerStart..<headerStart + Int64(header.count)))
                header.removeAll(keepingCapacity: true)
            }
        case .payload:
            pendingDiagnostics.append(StreamDiagnostic(
                WebSocketDiagnostics.frameIncomplete,
                "The stream ends \(remaining) bytes before the end of this frame's payload.",
                streamRange: (current?.headerRange.lowerBound ?? end)..<end))
            current?.missingPayloadBytes += remaining
            remaining = 0
            emitCurrent(into: &frames)
        case .resync:
            flushSkipped(upTo: end)
            scan.removeAll()
        }
        return frames
    }

    // MARK: - Parsing

    private mutating func run(_ bytes: ArraySlice<UInt8>, at streamOffset: Int64, into frames: inout [WebSocketFrame]) {
        var input = bytes
        var offset = streamOffset
        while true {
            switch phase {
            case .header:
                guard !input.isEmpty else { return }
                if header.isEmpty { headerStart = offset }
                var needed = header.count < 2 ? 2 : WebSocketFrameLayout.headerLength(secondByte: header[1])
                let take = min(needed - header.count, input.count)
                header.append(contentsOf: input.prefix(take))
                input = input.dropFirst(take)
                offset += Int64(take)
                if header.count >= 2 { needed = WebSocketFrameLayout.headerLength(secondByte: header[1]) }
                if header.count == needed { startFrame(into: &frames) }

            case .payload:
                guard !input.isEmpty else { return }
                let count = Int(min(UInt64(input.count), remaining))
                appendPayload(input.prefix(count))
                input = input.dropFirst(count)
                offset += Int64(count)
                payloadPosition += UInt64(count)
                remaining -= UInt64(count)
                if remaining == 0 { emitCurrent(into: &frames) }

            case .resync:
                if !input.isEmpty {
                    if scan.isEmpty { scanStart = offset }
                    scan.append(contentsOf: input)
                    input = []
                }
                switch scanForHeader() {
                case .found(let index):
                    let found = scanStart + Int64(index)
                    flushSkipped(upTo: found)
                    let held = scan
                    scan = []
                    phase = .header
                    header.removeAll(keepingCapacity: true)
                    input = held[index...]
                    offset = found
                case .wait(let index):
                    scan.removeFirst(index)
                    scanStart += Int64(index)
                    return
                }
            }
        }
    }

    private mutating func startFrame(into frames: inout [WebSocketFrame]) {
        guard let raw = RawFrameHeader.parse(header) else { return }
        let headerEnd = headerStart + Int64(raw.headerLength)
        let headerRange = headerStart..<headerEnd
        if raw.lengthHighBitSet {
            // A length of 2^63 or more cannot be skipped over: look for the next frame instead.
            pendingDiagnostics.append(StreamDiagnostic(
                WebSocketDiagnostics.lengthMsbSet,
                "The 64-bit payload length has its most significant bit set (RFC 6455 §5.2 says it must be 0); looking for the next frame.",
                streamRange: headerRange))
            let held = header
            header.removeAll(keepingCapacity: true)
            phase = .resync
            scan = Array(held.dropFirst())
            scanStart = headerStart + 1
            skippedFrom = headerStart
            lostBeforeNext = true
            return
        }
        var diagnostics: [StreamDiagnostic] = []
        if !raw.lengthIsMinimal {
            diagnostics.append(StreamDiagnostic(
                WebSocketDiagnostics.lengthNotMinimal,
                "The payload length \(raw.payloadLength) uses the \(raw.extendedLength64 != nil ? 64 : 16)-bit form although a shorter one fits (RFC 6455 §5.2 requires the shortest).",
                streamRange: headerRange))
        }
        let payloadEnd = headerEnd.addingReportingOverflow(Int64(clamping: raw.payloadLength))
        var frame = WebSocketFrame(
            fin: raw.fin, rsv1: raw.rsv1, rsv2: raw.rsv2, rsv3: raw.rsv3, opcode: raw.opcode,
            masked: raw.masked, maskingKey: raw.maskingKey, payloadLengthField: raw.lengthField,
            extendedLength16: raw.extendedLength16, extendedLength64: raw.extendedLength64,
            payloadLength: raw.payloadLength, headerRange: headerRange,
            payloadRange: headerEnd..<(payloadEnd.overflow ? Int64.max : payloadEnd.partialValue),
            payload: [], diagnostics: diagnostics, followsLostBytes: lostBeforeNext)
        lostBeforeNext = false
        frame.payload.reserveCapacity(Int(min(raw.payloadLength, UInt64(maxPayload), 1 << 20)))
        header.removeAll(keepingCapacity: true)
        current = frame
        remaining = raw.payloadLength
        payloadPosition = 0
        phase = .payload
        if remaining == 0 { emitCurrent(into: &frames) }
    }

    private mutating func appendPayload(_ chunk: ArraySlice<UInt8>) {
        guard var frame = current else { return }
        current = nil // keep the payload uniquely referenced while appending
        let room = max(0, maxPayload - frame.payload.count)
        let keep = min(room, chunk.count)
        if keep < chunk.count { frame.payloadTruncated = true }
        if keep > 0 {
            let start = frame.payload.count
            frame.payload.append(contentsOf: chunk.prefix(keep))
            if let key = frame.maskingKey {
                let phase = Int(payloadPosition & 3)
                frame.payload.withUnsafeMutableBufferPointer { buffer in
                    WebSocketMasking.apply(key, phase: phase, to: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
                }
            }
        }
        current = frame
    }

    private mutating func emitCurrent(into frames: inout [WebSocketFrame]) {
        if let frame = current {
            frames.append(frame)
            current = nil
        }
        phase = .header
        header.removeAll(keepingCapacity: true)
        remaining = 0
        payloadPosition = 0
    }

    // MARK: - Resynchronisation

    private mutating func enterResync(at offset: Int64) {
        phase = .resync
        current = nil
        remaining = 0
        header.removeAll(keepingCapacity: true)
        scan.removeAll()
        scanStart = offset
        skippedFrom = offset
        lostBeforeNext = true
        chain = nil
    }

    private mutating func flushSkipped(upTo offset: Int64) {
        if let from = skippedFrom, offset > from {
            pendingDiagnostics.append(StreamDiagnostic(
                WebSocketDiagnostics.resync,
                "Skipped \(offset - from) bytes that do not start a plausible frame, looking for the next frame header.",
                streamRange: from..<offset))
        }
        skippedFrom = nil
    }

    private enum ScanOutcome { case found(Int), wait(Int) }
    private enum Verdict { case yes, no, needMore }

    private var rules: WebSocketFrameRules {
        WebSocketFrameRules(direction: direction, allowRSV1: rsv1Allowed, maxPayload: UInt64(resyncLookahead))
    }

    /// The first index in `scan` where a plausible frame starts, or the first index that
    /// cannot be judged before more bytes arrive.
    private mutating func scanForHeader() -> ScanOutcome {
        let rules = self.rules
        var index = 0
        while index < scan.count {
            switch evaluate(at: index, rules) {
            case .yes: return .found(index)
            case .no: index += 1
            case .needMore: return .wait(index)
            }
        }
        return .wait(scan.count)
    }

    /// Frames that must chain plausibly from a candidate before it is believed.
    private static let confirmationDepth = 3

    /// How far the chain of a candidate that waits for more bytes has been checked, so that
    /// each feed goes on from there instead of checking its frames again.
    private struct ChainProgress: Sendable {
        var candidate: Int64
        var position: Int64
        var count = 0
        var previous: RawFrameHeader?
        var first: RawFrameHeader?
    }

    private var chain: ChainProgress?

    /// A candidate is believed when it starts a chain of `confirmationDepth` plausible frames
    /// (headers, payloads: UTF-8 text, valid close codes; and an order fragments may come in),
    /// or, at the end of the stream, a chain that reaches the end (a lone continuation frame
    /// is not enough: nothing about it can be checked).
    private mutating func evaluate(at index: Int, _ rules: WebSocketFrameRules) -> Verdict {
        let candidate = scanStart + Int64(index)
        var progress = chain?.candidate == candidate ? chain! : ChainProgress(candidate: candidate, position: candidate)
        let verdict = follow(&progress, rules)
        chain = verdict == .needMore ? progress : nil
        return verdict
    }

    private func follow(_ progress: inout ChainProgress, _ rules: WebSocketFrameRules) -> Verdict {
        let ending = self.ending
        func atEnd() -> Verdict {
            guard ending else { return .needMore }
            if progress.count >= 2 { return .yes }
            if progress.count == 1, progress.first?.opcode != .continuation { return .yes }
            return .no
        }
        let origin = Int(progress.candidate - scanStart)
        while progress.count < Self.confirmationDepth {
            let position = Int(progress.position - scanStart)
            let header: RawFrameHeader, payloadStart: Int
            switch rules.chainStep(scan[...], at: position, after: progress.previous) {
            case .needMore: return atEnd()
            case .implausible: return .no
            case .header(let found, let start): (header, payloadStart) = (found, start)
            }
            let frameEnd = payloadStart + Int(header.payloadLength)
            if frameEnd - origin > resyncLookahead + WebSocketFrameLayout.maxHeaderLength * Self.confirmationDepth {
                // Too far to hold: a plausible header after verified frames will do.
                return progress.count >= 1 ? .yes : .no
            }
            guard frameEnd <= scan.count else { return atEnd() }
            guard rules.payloadPlausible(header, scan[payloadStart..<frameEnd]) else { return .no }
            progress.count += 1
            if progress.first == nil { progress.first = header }
            progress.previous = header
            progress.position = scanStart + Int64(frameEnd)
        }
        return .yes
    }
}
