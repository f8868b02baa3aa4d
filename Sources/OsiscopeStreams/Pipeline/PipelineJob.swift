import OsiscopeCapture
import OsiscopeWire

/// One unit of per-connection work, made in capture order by the `PacketPlacer` and done by
/// a `JobWorker`. Connections are independent, so the jobs of different streams may run on
/// different threads; their events are put back in job order.
enum PipelineJob: Sendable {
    /// A packet, placed in its conversation.
    case packet(PlacedPacket)
    /// A stream the capture is done with (retired by the tracker, its ports reused, or the end
    /// of the capture): its connection gives up what it still holds.
    case retire(stream: Int, time: Timestamp)

    /// The TCP stream whose connection the job touches; nil for a packet no connection sees.
    var stream: Int? {
        switch self {
        case .packet(let placed): placed.placement?.stream
        case .retire(let stream, _): stream
        }
    }
}

/// A packet with what the sequential half knows of it: its transport and its conversation.
struct PlacedPacket: Sendable {
    let packet: CapturedPacket
    let transport: TransportInfo?
    /// nil for packets that are not TCP segments, or when no stream is decoded.
    let placement: ConversationTracker.Placement?
    let annotation: ConversationTracker.Annotation?
}
