import OsiscopeCapture
import OsiscopeWire

/// What the pipeline reports, in capture order: for each packet, first what the connections it
/// retires give up (quiet ones, or one whose ports it reuses), then the packet's event, then the
/// connections, messages and stream bytes that packet opened, completed or delivered.
public enum PipelineEvent: Sendable {
    case packet(PacketEvent)
    case connectionOpened(ConnectionSummary)
    case messageStarted(MessageStart)
    case messageCompleted(ApplicationMessage)
    /// Reassembled bytes, gaps, FIN and RST of one TCP stream, in stream order.
    case streamBytes(stream: Int, StreamEvent)
    /// The connection was retired (closed and quiet, idle, its ports reused, or the capture
    /// ended): its final counts.
    case connectionClosed(ConnectionSummary)
}

/// The kinds of events a subscriber wants; the pipeline skips the work for the others.
public struct PipelineEvents: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let packets = PipelineEvents(rawValue: 1)
    public static let messages = PipelineEvents(rawValue: 2)
    public static let connections = PipelineEvents(rawValue: 4)
    public static let streamBytes = PipelineEvents(rawValue: 8)
    /// Packets that will all be shown: decoded with their fields once, not to their transport
    /// first and again for the view.
    public static let shownPackets = PipelineEvents(rawValue: 16)
    public static let all: PipelineEvents = [.packets, .messages, .connections, .streamBytes]
}

/// One packet as the pipeline saw it. Compact: the layer tree, with its labels and values,
/// is built by `decoded()` only for the packets a view shows.
public struct PacketEvent: Sendable {
    public let packet: CapturedPacket
    public let transport: TransportInfo?
    /// `tcp.stream`/`udp.stream`, relative sequence numbers, the scaled window and TCP analysis.
    public let conversation: ConversationTracker.Annotation?
    /// Reassembly problems (snap length cuts, retransmitted bytes that differ).
    public let reassembly: [Diagnostic]
    /// What the stream stage found on this packet (HTTP heads, WebSocket frames, problems).
    let records: [any LayerRecord]
    /// The decoder whose message the payload belongs to ("HTTP"), when no layer of this
    /// packet shows it yet.
    let reassemblingFor: String?
    /// The wire layers, when the pipeline decoded them already (`.shownPackets`).
    let wire: DecodedPacket?

    init(packet: CapturedPacket, transport: TransportInfo?, conversation: ConversationTracker.Annotation?,
         reassembly: [Diagnostic] = [], records: [any LayerRecord] = [], reassemblingFor: String? = nil,
         wire: DecodedPacket? = nil) {
        self.wire = wire
        self.packet = packet
        self.transport = transport
        self.conversation = conversation
        self.reassembly = reassembly
        self.records = records
        self.reassemblingFor = reassemblingFor
    }

    /// The packet layer by layer, with what the stream stage added.
    public func decoded() -> DecodedPacket {
        var decoded = wire ?? PacketDecoder.decode(packet)
        conversation?.apply(to: &decoded)
        if !reassembly.isEmpty, let index = decoded.layers.firstIndex(where: { $0.protocolKey == "tcp" }) {
            decoded.layers[index].diagnostics += reassembly
        }
        let before = decoded.layers.count
        for record in records { record.apply(to: &decoded) }
        if decoded.layers.count > before {
            // The payload is explained by the application layers now.
            decoded.layers.removeAll { $0.protocolKey == "data" }
        } else if let name = reassemblingFor, let index = decoded.layers.firstIndex(where: { $0.protocolKey == "data" }) {
            // Like Wireshark's "TCP segment of a reassembled PDU": these bytes belong to a
            // message that is still being reassembled.
            decoded.layers[index].title = "TCP segment data"
            decoded.layers[index].summary += ", part of a \(name) message still being reassembled"
        } else if let resent = conversation?.analysis.retransmissionOf, resent > 0,
                  let index = decoded.layers.firstIndex(where: { $0.protocolKey == "data" }) {
            decoded.layers[index].title = "Retransmitted TCP segment data"
            decoded.layers[index].summary += ", a retransmission of packet \(resent)"
        }
        return decoded
    }
}
