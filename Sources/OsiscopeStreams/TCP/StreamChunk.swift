import OsiscopeWire
import OsiscopeCapture

/// In-order bytes of one direction of a TCP connection, with the packet they came from.
public struct StreamChunk: Sendable {
    public var direction: Direction
    /// Offset of the first byte in the direction's stream (0 is the first byte after the SYN).
    public var streamOffset: Int64
    public var bytes: ArraySlice<UInt8>
    public var packetNumber: Int
    /// Offset of the first byte within that packet's captured data.
    public var packetOffset: Int
    public var timestamp: Timestamp

    public var streamRange: Range<Int64> { streamOffset..<(streamOffset + Int64(bytes.count)) }
}

/// What reassembly hands to the protocol parsers, in stream order.
public enum StreamEvent: Sendable {
    case data(StreamChunk)
    /// Bytes the capture does not have (lost before the capture point, or cut by the snap length).
    case gap(Direction, at: Int64, length: Int64)
    /// The direction sent FIN and every byte before it has been delivered.
    case finished(Direction)
    /// RST: the connection was aborted.
    case reset(Direction)
}
