import OsiscopeCapture
import OsiscopeStreams
import OsiscopeWire

/// Everything the pipeline reports for a small capture, kept for tests to look at.
public struct PipelineRecording {
    public var packets: [DecodedPacket] = []
    public var messages: [ApplicationMessage] = []
    public var starts: [MessageStart] = []
    public var opened: [ConnectionSummary] = []
    public var closed: [ConnectionSummary] = []
    public var streamEvents: [StreamEvent] = []
    /// Every event as it came, for consumers of the raw order (the figures).
    public var events: [PipelineEvent] = []
    /// The time of the first packet.
    public var start: Timestamp?

    public init() {}

    public static func record(path: String, options: StreamOptions = StreamOptions(),
                              streamBytesOf: Int? = nil) throws -> PipelineRecording {
        try record(PacketPipeline(source: try CaptureReader(path: path), streams: options, streamBytesOf: streamBytesOf))
    }

    /// Every packet of a capture file, undecoded, for tests that leave some out or reorder them.
    public static func capturedPackets(path: String) throws -> [CapturedPacket] {
        let reader = try CaptureReader(path: path)
        var packets: [CapturedPacket] = []
        while let packet = try reader.next() { packets.append(packet) }
        return packets
    }

    public static func record(_ packets: [CapturedPacket], options: StreamOptions = StreamOptions()) throws -> PipelineRecording {
        try record(PacketPipeline(source: InMemoryPackets(packets), streams: options))
    }

    public static func record(_ pipeline: PacketPipeline) throws -> PipelineRecording {
        var recording = PipelineRecording()
        while let event = try pipeline.next() {
            recording.events.append(event)
            switch event {
            case .packet(let packet):
                if recording.start == nil { recording.start = packet.packet.timestamp }
                recording.packets.append(packet.decoded())
            case .messageCompleted(let message): recording.messages.append(message)
            case .messageStarted(let start): recording.starts.append(start)
            case .connectionOpened(let summary): recording.opened.append(summary)
            case .connectionClosed(let summary): recording.closed.append(summary)
            case .streamBytes(_, let event): recording.streamEvents.append(event)
            }
        }
        return recording
    }
}
