import OsiscopeWire
/// One direction of a WebSocket connection, bytes to frames to messages: a frame parser and a
/// message assembler wired together, for the integration layer.
public struct WebSocketStreamDecoder {
    /// What one call produced, in stream order within each list.
    public struct Output {
        public var frames: [WebSocketFrame] = []
        public var messages: [WebSocketMessage] = []
        /// Problems outside any frame or message (lost bytes, skipped bytes).
        public var diagnostics: [StreamDiagnostic] = []

        public init() {}

        public var isEmpty: Bool { frames.isEmpty && messages.isEmpty && diagnostics.isEmpty }
    }

    public var parser: WebSocketFrameParser
    public var assembler: WebSocketMessageAssembler

    public var direction: Direction { parser.direction }

    public init(
        direction: Direction, perMessageDeflate: PerMessageDeflateSettings? = nil, otherExtensions: Bool = false,
        maxFramePayload: Int = WebSocketFrameParser.defaultMaxPayload,
        maxMessageSize: Int = WebSocketMessageAssembler.defaultMaxMessageSize,
        startsAtFrameBoundary: Bool = true, assumeDeflateOnRSV1: Bool = false
    ) {
        parser = WebSocketFrameParser(
            direction: direction, maxPayload: maxFramePayload,
            rsv1Allowed: perMessageDeflate != nil || otherExtensions || assumeDeflateOnRSV1,
            startsAtFrameBoundary: startsAtFrameBoundary)
        assembler = WebSocketMessageAssembler(
            direction: direction, perMessageDeflate: perMessageDeflate, otherExtensions: otherExtensions,
            maxMessageSize: maxMessageSize, assumeDeflateOnRSV1: assumeDeflateOnRSV1)
    }

    /// After a captured handshake: the agreed permessage-deflate settings and extensions.
    public init(direction: Direction, handshake: WebSocketHandshake,
                maxFramePayload: Int = WebSocketFrameParser.defaultMaxPayload,
                maxMessageSize: Int = WebSocketMessageAssembler.defaultMaxMessageSize) {
        self.init(direction: direction, perMessageDeflate: handshake.perMessageDeflate,
                  otherExtensions: handshake.hasOtherExtensions,
                  maxFramePayload: maxFramePayload, maxMessageSize: maxMessageSize)
    }

    /// Without a handshake, after `WebSocketGuess` said yes. `direction` is the direction as
    /// the guess saw it (swap directions first when the guess says so).
    public init(direction: Direction, guess: WebSocketGuess,
                maxFramePayload: Int = WebSocketFrameParser.defaultMaxPayload,
                maxMessageSize: Int = WebSocketMessageAssembler.defaultMaxMessageSize) {
        self.init(direction: direction, perMessageDeflate: guess.perMessageDeflate,
                  maxFramePayload: maxFramePayload, maxMessageSize: maxMessageSize,
                  assumeDeflateOnRSV1: true)
    }

    public mutating func feed(_ bytes: ArraySlice<UInt8>, at streamOffset: Int64) -> Output {
        let frames = parser.feed(bytes, at: streamOffset)
        return assemble(frames)
    }

    public mutating func gap(at streamOffset: Int64, length: Int64) -> Output {
        let frames = parser.gap(at: streamOffset, length: length)
        return assemble(frames)
    }

    public mutating func finish() -> Output {
        var output = assemble(parser.finish())
        output.messages += assembler.finish()
        output.diagnostics += assembler.takeDiagnostics()
        // At the end of the capture no later packet can show a stream diagnostic: one about the
        // last message's frames (the stream ending inside one) goes with that message.
        if let last = output.messages.indices.last {
            let frames = output.messages[last].frameRanges
            func concernsLast(_ diagnostic: StreamDiagnostic) -> Bool {
                guard let range = diagnostic.streamRange else { return false }
                return frames.contains { $0.overlaps(range) || $0.lowerBound == range.lowerBound }
            }
            output.messages[last].diagnostics += output.diagnostics.filter(concernsLast)
            output.diagnostics.removeAll(where: concernsLast)
        }
        return output
    }

    private mutating func assemble(_ frames: [WebSocketFrame]) -> Output {
        var output = Output()
        for frame in frames {
            output.messages += assembler.add(frame)
        }
        output.frames = frames
        output.diagnostics = parser.takeDiagnostics() + assembler.takeDiagnostics()
        return output
    }
}
