import OsiscopeWire
/// Turns the frames of one direction into messages (RFC 6455 §5.4-§5.6): joins fragments,
/// inflates permessage-deflate messages (RFC 7692), reads close payloads, and reports every
/// protocol rule a frame breaks.
///
/// Control frames between the fragments of a data message come out as their own messages,
/// in order; the data message comes out when its last fragment arrives.
///
/// With permessage-deflate the assembler owns one zlib inflate stream for its direction,
/// kept across messages (context takeover) unless that direction's `*_no_context_takeover`
/// was agreed. The stream is a reference: a copy of the assembler shares it, so use one
/// assembler per direction and do not copy it.
public struct WebSocketMessageAssembler {
    public static let defaultMaxMessageSize = 16 << 20

    public let direction: Direction
    /// The agreed permessage-deflate settings; nil when not negotiated.
    public let perMessageDeflate: PerMessageDeflateSettings?
    /// An extension other than permessage-deflate was negotiated: RSV bits and reserved
    /// opcodes may have a meaning osiscope does not know, so they are not reported as errors.
    public let otherExtensions: Bool
    /// Largest payload kept per message, after inflating (and the compressed bytes kept
    /// before inflating). Reaching it is a diagnostic, never unbounded memory.
    public var maxMessageSize: Int
    /// When no handshake was seen: treat RSV1 on a data message as permessage-deflate with
    /// context takeover rather than as an error.
    public var assumeDeflateOnRSV1: Bool
    /// When inflating with the window kept from earlier messages fails, reset the window and
    /// try the message again (the sender may not keep context, or earlier bytes were lost).
    public var retryInflateWithFreshWindow: Bool
    /// Bytes inflated in this direction over the connection; past it compressed messages are
    /// no longer inflated (each message is bounded, this bounds the work of many of them).
    public var maxInflatedBytes = 1 << 30
    private var inflatedBytes = 0
    private var saidDeflateAssumed = false

    private var inflater: Inflater?
    private var partial: Partial?
    private var closeSeen = false
    /// The inflate window misses data the sender's window holds.
    private var windowLost = false
    private var pendingDiagnostics: [StreamDiagnostic] = []

    private struct Partial {
        var opcode: WebSocketOpcode
        var compressed: Bool
        /// Unmasked payload bytes; still compressed when `compressed`.
        var data: [UInt8] = []
        var dataTruncated = false
        var wireLength: UInt64 = 0
        var frameRanges: [Range<Int64>] = []
        /// Where the kept bytes of `data` are in the stream, frame by frame.
        var payloadRanges: [Range<Int64>] = []
        var headerBytes = 0
        var complete = true
        var diagnostics: [StreamDiagnostic] = []
    }

    public init(
        direction: Direction, perMessageDeflate: PerMessageDeflateSettings? = nil, otherExtensions: Bool = false,
        maxMessageSize: Int = WebSocketMessageAssembler.defaultMaxMessageSize,
        assumeDeflateOnRSV1: Bool = false, retryInflateWithFreshWindow: Bool = true
    ) {
        self.direction = direction
        self.perMessageDeflate = perMessageDeflate
        self.otherExtensions = otherExtensions
        self.maxMessageSize = max(0, maxMessageSize)
        self.assumeDeflateOnRSV1 = assumeDeflateOnRSV1
        self.retryInflateWithFreshWindow = retryInflateWithFreshWindow
    }

    /// Problems that belong to no message, handed out once. (Every frame ends up in a
    /// message, so this is usually empty.)
    public mutating func takeDiagnostics() -> [StreamDiagnostic] {
        defer { pendingDiagnostics.removeAll() }
        return pendingDiagnostics
    }

    /// True while a fragmented data message waits for its last fragment.
    public var isInsideFragmentedMessage: Bool { partial != nil }

    private var deflateActive: Bool { perMessageDeflate != nil || assumeDeflateOnRSV1 }

    private var noContextTakeover: Bool { perMessageDeflate?.noContextTakeover(for: direction) ?? false }

    /// Adds the next frame of the direction; returns the messages it completes (a control
    /// frame, the last fragment of a data message, or a data message cut short by a new one).
    public mutating func add(_ frame: WebSocketFrame) -> [WebSocketMessage] {
        var messages: [WebSocketMessage] = []
        var diagnostics = frame.diagnostics + check(frame)
        if closeSeen {
            diagnostics.append(StreamDiagnostic(
                WebSocketDiagnostics.closeAfterClose,
                "A frame sent after this direction's close frame (RFC 6455 §5.5.1: nothing may follow a close frame).",
                streamRange: frame.headerRange))
        }
        let afterLoss = frame.followsLostBytes
        if afterLoss { framesMayHaveBeenLost() }

        if frame.opcode.isControl || frame.opcode.isReserved {
            // Control frames (and frames with reserved opcodes, whose meaning is unknown) are
            // messages of their own and leave a fragmented data message alone.
            var message = Partial(opcode: frame.opcode, compressed: false)
            append(frame, to: &message)
            message.diagnostics += diagnostics
            if frame.opcode == .close { closeSeen = true }
            messages.append(finishControl(message))
            return messages
        }

        switch frame.opcode {
        case .continuation:
            if partial == nil {
                var orphan = Partial(opcode: .continuation, compressed: false)
                orphan.complete = false
                if afterLoss {
                    orphan.diagnostics.append(StreamDiagnostic(
                        WebSocketDiagnostics.fragmentStartLost,
                        "A continuation frame whose message started in bytes that were not captured.",
                        streamRange: frame.headerRange))
                } else {
                    orphan.diagnostics.append(StreamDiagnostic(
                        WebSocketDiagnostics.fragmentContinuationWithoutStart,
                        "A continuation frame with no fragmented message to continue (RFC 6455 §5.4).",
                        streamRange: frame.headerRange))
                }
                partial = orphan
            }
        default: // .text, .binary
            if var unfinished = partial {
                partial = nil
                unfinished.complete = false
                if afterLoss {
                    unfinished.diagnostics.append(StreamDiagnostic(
                        WebSocketDiagnostics.messageIncomplete,
                        "The end of this fragmented message was not captured.",
                        streamRange: unfinished.frameRanges.last))
                } else {
                    unfinished.diagnostics.append(StreamDiagnostic(
                        WebSocketDiagnostics.fragmentInterleaved,
                        "A new \(frame.opcode.name) message started before this fragmented message ended (RFC 6455 §5.4).",
                        streamRange: frame.headerRange))
                }
                messages.append(finishData(unfinished))
            }
            partial = Partial(opcode: frame.opcode, compressed: frame.rsv1 && deflateActive)
            // Said once per direction: without the handshake the agreed parameters are unknown,
            // and so is the window of what was sent before the capture began.
            if frame.rsv1 && assumeDeflateOnRSV1 && !otherExtensions && !saidDeflateAssumed {
                saidDeflateAssumed = true
                partial?.diagnostics.append(StreamDiagnostic(
                    WebSocketDiagnostics.deflateAssumed,
                    "RSV1 is set and no handshake was seen: inflating as permessage-deflate. Messages that refer to bytes sent before the capture began cannot be inflated; a message that starts a fresh block can.",
                    streamRange: frame.headerRange))
            }
        }
        guard var message = partial else { return messages }
        partial = nil
        if afterLoss, frame.opcode == .continuation, !message.frameRanges.isEmpty {
            message.complete = false
        }
        append(frame, to: &message)
        message.diagnostics += diagnostics
        if frame.fin {
            messages.append(finishData(message))
        } else {
            partial = message
        }
        return messages
    }

    /// Frames may be missing before the next one (it `followsLostBytes`): the message in
    /// progress is incomplete, and the inflate window is reset so that references into lost
    /// data fail loudly instead of producing wrong bytes.
    private mutating func framesMayHaveBeenLost() {
        if partial != nil { partial?.complete = false }
        if let inflater {
            inflater.reset()
            windowLost = true
        }
    }

    /// The end of the stream: a fragmented message still waiting for its last fragment comes
    /// out, marked incomplete.
    public mutating func finish() -> [WebSocketMessage] {
        guard var unfinished = partial else { return [] }
        partial = nil
        unfinished.complete = false
        unfinished.diagnostics.append(StreamDiagnostic(
            WebSocketDiagnostics.messageIncomplete,
            "The stream ends before the last fragment of this message.",
            streamRange: unfinished.frameRanges.last))
        return [finishData(unfinished)]
    }

    // MARK: - Rules

    /// The rules one frame can break on its own (RFC 6455 §5.1-§5.5, RFC 7692 §6.1).
    private func check(_ frame: WebSocketFrame) -> [StreamDiagnostic] {
        var problems: [StreamDiagnostic] = []
        let range = frame.headerRange
        if direction == .client && !frame.masked {
            problems.append(StreamDiagnostic(
                WebSocketDiagnostics.maskUnmaskedClientFrame,
                "A client frame without a masking key: clients must mask every frame (RFC 6455 §5.1, §5.3).",
                streamRange: range))
        }
        if direction == .server && frame.masked {
            problems.append(StreamDiagnostic(
                WebSocketDiagnostics.maskMaskedServerFrame,
                "A masked server frame: servers must not mask (RFC 6455 §5.1).",
                streamRange: range))
        }
        if !otherExtensions {
            if frame.rsv2 || frame.rsv3 {
                let bits = [frame.rsv2 ? "RSV2" : nil, frame.rsv3 ? "RSV3" : nil].compactMap { $0 }.joined(separator: " and ")
                problems.append(StreamDiagnostic(
                    WebSocketDiagnostics.rsvUnexpected,
                    "\(bits) set, but no negotiated extension defines them (RFC 6455 §5.2).",
                    streamRange: range))
            }
            if frame.rsv1 {
                if !deflateActive {
                    problems.append(StreamDiagnostic(
                        WebSocketDiagnostics.rsvUnexpected,
                        "RSV1 set, but no extension was negotiated (permessage-deflate would allow it) (RFC 6455 §5.2).",
                        streamRange: range))
                } else if frame.opcode.isControl {
                    problems.append(StreamDiagnostic(
                        WebSocketDiagnostics.rsvRsv1Control,
                        "RSV1 set on a control frame: permessage-deflate compresses only data messages (RFC 7692 §6.1).",
                        streamRange: range))
                } else if frame.opcode == .continuation {
                    problems.append(StreamDiagnostic(
                        WebSocketDiagnostics.rsvRsv1Continuation,
                        "RSV1 set on a continuation frame: permessage-deflate marks only a message's first frame (RFC 7692 §6.1).",
                        streamRange: range))
                }
            }
        }
        if frame.opcode.isReserved {
            problems.append(StreamDiagnostic(
                otherExtensions ? WebSocketDiagnostics.opcodeReserved.at(.note) : WebSocketDiagnostics.opcodeReserved,
                "Opcode 0x\(String(frame.opcode.rawValue, radix: 16, uppercase: true)) is reserved (RFC 6455 §5.2)"
                    + (otherExtensions ? "; a negotiated extension may define it." : ": without an extension defining it the connection must fail."),
                streamRange: range))
        }
        if frame.opcode.isControl {
            if !frame.fin {
                problems.append(StreamDiagnostic(
                    WebSocketDiagnostics.controlFragmented,
                    "A control frame with FIN clear: control frames must not be fragmented (RFC 6455 §5.5).",
                    streamRange: range))
            }
            if frame.payloadLength > WebSocketFrameLayout.maxShortLength {
                problems.append(StreamDiagnostic(
                    WebSocketDiagnostics.controlTooLong,
                    "A \(frame.opcode.name) frame with \(frame.payloadLength) payload bytes: control frames carry at most 125 (RFC 6455 §5.5).",
                    streamRange: range))
            }
        }
        return problems
    }

    // MARK: - Building messages

    private func append(_ frame: WebSocketFrame, to message: inout Partial) {
        message.frameRanges.append(frame.frameRange)
        message.headerBytes += frame.headerLength
        message.wireLength += frame.payloadLength
        if frame.missingPayloadBytes > 0 { message.complete = false }
        guard !message.dataTruncated else { return }
        let room = maxMessageSize - message.data.count
        let kept = Int64(min(frame.payload.count, room))
        message.payloadRanges.append(frame.payloadRange.lowerBound..<(frame.payloadRange.lowerBound + kept))
        if frame.payload.count <= room {
            if message.data.isEmpty {
                message.data = frame.payload
            } else {
                message.data.append(contentsOf: frame.payload)
            }
        } else {
            message.data.append(contentsOf: frame.payload.prefix(room))
            message.dataTruncated = true
        }
        if frame.payloadTruncated { message.dataTruncated = true }
    }

    private func finishControl(_ message: Partial) -> WebSocketMessage {
        var diagnostics = message.diagnostics
        var close: WebSocketClose?
        let range = message.frameRanges.first ?? 0..<0
        if message.opcode == .close {
            if message.data.count == 1 {
                diagnostics.append(StreamDiagnostic(
                    WebSocketDiagnostics.closePayloadOneByte,
                    "A close payload of 1 byte: it must be empty or start with a 2-byte status code (RFC 6455 §5.5.1).",
                    streamRange: range))
            } else if let parsed = WebSocketClose(payload: message.data) {
                close = parsed
                if let code = parsed.code, !code.mayBeSentOnWire {
                    diagnostics.append(StreamDiagnostic(
                        WebSocketDiagnostics.closeInvalidCode,
                        "Close code \(code) may not be sent in a close frame: \(code.meaning) (RFC 6455 §7.4).",
                        streamRange: range))
                }
                if !parsed.reasonIsValidUTF8 && !message.dataTruncated {
                    diagnostics.append(StreamDiagnostic(
                        WebSocketDiagnostics.closeInvalidUtf8,
                        "The close reason is not valid UTF-8 (RFC 6455 §5.5.1).",
                        streamRange: range))
                }
            }
        }
        return WebSocketMessage(
            direction: direction, opcode: message.opcode, frameCount: message.frameRanges.count,
            payload: message.data, length: message.wireLength, wireLength: message.wireLength,
            payloadTruncated: message.dataTruncated, isComplete: message.complete, close: close,
            streamRange: span(message.frameRanges), frameRanges: message.frameRanges,
            payloadRanges: message.payloadRanges, headerBytes: message.headerBytes, diagnostics: diagnostics)
    }

    private mutating func finishData(_ message: Partial) -> WebSocketMessage {
        var diagnostics = message.diagnostics
        let range = span(message.frameRanges)
        var payload = message.data
        var length = message.wireLength
        var truncated = message.dataTruncated
        if message.compressed {
            (payload, truncated) = inflate(message, range: range, diagnostics: &diagnostics)
            length = UInt64(payload.count)
        } else if message.dataTruncated {
            diagnostics.append(StreamDiagnostic(
                WebSocketDiagnostics.messageLimit,
                "Message of \(message.wireLength) bytes: only the first \(payload.count) are kept (the message size limit).",
                streamRange: range))
        }
        var result = WebSocketMessage(
            direction: direction, opcode: message.opcode, frameCount: message.frameRanges.count,
            compressed: message.compressed, payload: payload, length: length, wireLength: message.wireLength,
            payloadTruncated: truncated, isComplete: message.complete, streamRange: range,
            frameRanges: message.frameRanges, payloadRanges: message.payloadRanges,
            wirePayload: message.compressed ? message.data : nil, headerBytes: message.headerBytes,
            diagnostics: diagnostics)
        if message.opcode == .text && !result.isValidUTF8 {
            var location = ""
            if case .invalid(let index) = UTF8Validation.check(payload) { location = " at payload byte \(index)" }
            result.diagnostics.append(StreamDiagnostic(
                WebSocketDiagnostics.textInvalidUtf8,
                "A text message that is not valid UTF-8\(location) (RFC 6455 §5.6, §8.1).",
                streamRange: range))
        }
        return result
    }

    /// Inflates a compressed message (RFC 7692 §7.2.2): the joined payloads plus 00 00 ff ff.
    private mutating func inflate(_ message: Partial, range: Range<Int64>, diagnostics: inout [StreamDiagnostic])
        -> (payload: [UInt8], truncated: Bool) {
        let inflater: Inflater
        if let existing = self.inflater {
            inflater = existing
        } else {
            inflater = Inflater(format: .raw)
            self.inflater = inflater
        }
        guard message.complete, !message.dataTruncated else {
            inflater.reset()
            windowLost = true
            let reason = message.dataTruncated
                ? "its compressed bytes exceed the message size limit"
                : "some of its bytes were not captured"
            diagnostics.append(StreamDiagnostic(
                WebSocketDiagnostics.deflateSkipped,
                "This compressed message is not inflated: \(reason).",
                streamRange: range))
            return ([], true)
        }
        guard inflatedBytes < maxInflatedBytes else {
            windowLost = true
            diagnostics.append(StreamDiagnostic(
                WebSocketDiagnostics.deflateStreamLimit,
                "\(inflatedBytes) bytes were inflated in this direction, the limit per connection (--limit websocket.inflated_bytes): this and later compressed messages are not inflated.",
                streamRange: range))
            return ([], true)
        }
        if noContextTakeover { inflater.reset() }
        let hadHistory = !noContextTakeover
        var output: [UInt8] = []
        defer { inflatedBytes += output.count }
        var outcome = Self.run(inflater, message.data, into: &output, limit: maxMessageSize)
        var firstProblem: String?
        if case .failed(let error) = outcome {
            firstProblem = error
        } else if outcome == .ok && output.isEmpty && message.data.count > 2 && hadHistory {
            // Only an empty message compresses to 1-2 bytes. Nothing out of more means the
            // stream had ended: an earlier message closed it with BFINAL (RFC 7692 §7.2.3.4).
            firstProblem = "it inflated to nothing, as if an earlier message had ended the deflate stream (BFINAL)"
        }
        if let firstError = firstProblem, hadHistory, retryInflateWithFreshWindow {
            inflater.reset()
            var retried: [UInt8] = []
            let second = Self.run(inflater, message.data, into: &retried, limit: maxMessageSize)
            if case .failed = second {
                outcome = .failed(firstError)
            } else {
                diagnostics.append(StreamDiagnostic(
                    WebSocketDiagnostics.deflateWindowReset,
                    "Inflating with the window kept from earlier messages failed (\(firstError)); from a fresh window it worked, so earlier data was lost or the sender did not keep its context.",
                    streamRange: range))
                output = retried
                outcome = second
            }
        }
        switch outcome {
        case .ok:
            windowLost = false
            return (output, false)
        case .limitReached:
            inflater.reset()
            windowLost = true
            diagnostics.append(StreamDiagnostic(
                WebSocketDiagnostics.deflateLimit,
                "Inflating stopped at \(maxMessageSize) bytes (the message size limit); the rest of the message was not inflated. \(message.data.count) compressed bytes inflate to more than that.",
                streamRange: range))
            return (output, true)
        case .failed(let error):
            inflater.reset()
            let lostNote = windowLost
                ? " Earlier bytes of this direction were lost or not inflated, and with context takeover this message may refer to them."
                : ""
            windowLost = true
            diagnostics.append(StreamDiagnostic(
                WebSocketDiagnostics.deflateFailed,
                "The compressed message does not inflate: \(error).\(lostNote)",
                streamRange: range))
            return (output, true)
        }
    }

    private static let flushTail: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]

    private static func run(_ inflater: Inflater, _ data: [UInt8], into output: inout [UInt8], limit: Int) -> Inflater.Outcome {
        let outcome = inflater.inflate(data, into: &output, limit: limit)
        guard outcome == .ok else { return outcome }
        return inflater.inflate(flushTail, into: &output, limit: limit)
    }

    private func span(_ ranges: [Range<Int64>]) -> Range<Int64> {
        guard let first = ranges.first, let last = ranges.last else { return 0..<0 }
        return first.lowerBound..<max(first.lowerBound, last.upperBound)
    }
}
