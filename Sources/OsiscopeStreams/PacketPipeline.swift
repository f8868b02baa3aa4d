import OsiscopeCapture
import OsiscopeWire

/// Reads a capture and hands out packets decoded, assigned to their conversations and, when
/// stream decoding is on, carrying the HTTP and WebSocket layers they complete. Every packet
/// is processed, even those a caller does not show, so that stream numbers and messages do not
/// depend on which packets were selected.
public final class PacketPipeline {
    public let reader: CaptureReader
    public private(set) var tracker = ConversationTracker()
    /// nil when only per-packet decoding is wanted.
    public let streams: StreamDecoder?
    /// Packets read so far.
    public private(set) var packetsRead = 0
    private var completed: [ApplicationMessage] = []
    private var finished = false
    /// Keep completed messages for `takeMessages`; off for callers that only show packets,
    /// so that a long capture's messages do not pile up.
    public var collectsMessages = true

    public init(reader: CaptureReader, streams: StreamDecoder? = StreamDecoder()) {
        self.reader = reader
        self.streams = streams
    }

    /// The next decoded packet, nil at the end; throws the reader's error for a damaged file
    /// after every packet before the damage has been returned.
    public func next() throws -> DecodedPacket? {
        guard let captured = try reader.next() else {
            finish()
            return nil
        }
        packetsRead += 1
        var decoded = PacketDecoder.decode(captured)
        let placement = tracker.track(&decoded)
        let forgotten = tracker.takeForgottenStreams()
        if let streams {
            // A connection whose ports were reused for a new one has ended: finish it now.
            var messages = streams.forget(streams: forgotten + (placement?.replaces.map { [$0] } ?? []))
            if let placement { messages += streams.process(&decoded, placement: placement) }
            if collectsMessages { completed += messages }
        }
        return decoded
    }

    /// Ends stream decoding (at the end of the file, or when a damaged file stops reading),
    /// so that connections still open give up their last messages.
    public func finish() {
        guard !finished, let streams else { return }
        finished = true
        let messages = streams.finish()
        if collectsMessages { completed += messages }
    }

    /// Application messages completed since the last call, in order of completion.
    public func takeMessages() -> [ApplicationMessage] {
        defer { completed = [] }
        return completed
    }
}
