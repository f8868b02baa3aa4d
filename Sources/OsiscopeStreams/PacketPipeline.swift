import OsiscopeCapture
import OsiscopeWire

/// Reads a capture and hands out packets decoded and assigned to their conversations, one at
/// a time. Every packet is tracked, even those a caller does not show, so that stream numbers
/// do not depend on which packets were selected.
public final class PacketPipeline {
    public let reader: CaptureReader
    public private(set) var tracker = ConversationTracker()
    /// Packets read so far.
    public private(set) var packetsRead = 0

    public init(reader: CaptureReader) {
        self.reader = reader
    }

    /// The next decoded packet, nil at the end; throws the reader's error for a damaged file
    /// after every packet before the damage has been returned.
    public func next() throws -> DecodedPacket? {
        guard let captured = try reader.next() else { return nil }
        packetsRead += 1
        var decoded = PacketDecoder.decode(captured)
        tracker.track(&decoded)
        return decoded
    }
}
