import OsiscopeCapture
import OsiscopeStreams
import OsiscopeWire

/// One arrow of a ladder diagram: a message, bytes the capture lost, or (with `--tcp`) a segment.
public struct LadderEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// An application message of this protocol ("http", "websocket", "engine.io", "socket.io").
        case message(String)
        /// Bytes the capture lost (a `tcp` gap entry of `messages`).
        case gap
        /// One TCP segment.
        case segment
    }

    public var kind: Kind
    public var direction: Direction
    public var stream: Int
    /// When its first byte was captured, and when it was complete.
    public var start: Timestamp
    public var end: Timestamp
    /// What the arrow says, safe for a terminal, on one line.
    public var label: String
    public var packets: [Int]
    /// When the other side acknowledged its last byte: in flight until then (HTTP and WebSocket
    /// messages, when the acknowledgment was captured).
    public var acknowledged: Timestamp?
    /// Where its last byte ends in its direction's stream (HTTP and WebSocket messages).
    public var endOffset: Int64?

    public init(kind: Kind, direction: Direction, stream: Int, start: Timestamp, end: Timestamp, label: String, packets: [Int]) {
        self.kind = kind
        self.direction = direction
        self.stream = stream
        self.start = start
        self.end = end
        self.label = label
        self.packets = packets
    }

    /// The entry for a message, labelled shortly: an HTTP start line, else as `messages` says it.
    public init(_ message: ApplicationMessage) {
        var label: String
        switch message.content {
        case .http(let http) where http.head.kind == .request:
            label = "\(http.head.method ?? "?") \(http.head.uri ?? "?")"
            if http.bodyLength > 0 { label += " (body \(byteCount(http.bodyLength)))" }
        case .http(let http):
            label = "\(http.head.status ?? 0) \(http.head.reason ?? "")"
            if http.bodyLength > 0 { label += " (body \(byteCount(http.bodyLength)))" }
            if let request = message.request { label += " \(MessageList.milliseconds(request.seconds))" }
        default:
            var list = MessageList(style: .plain)
            list.textLimit = 60
            label = list.describe(message)
        }
        let kind: Kind = if case .gap = message.content { .gap } else { .message(message.protocolName) }
        self.init(kind: kind, direction: message.direction, stream: message.stream, start: message.startTimestamp,
                  end: message.timestamp, label: TerminalSafe.text(label), packets: message.packets)
        switch message.content {
        case .http(let http): endOffset = http.range.upperBound
        case .websocket(let websocket): endOffset = websocket.streamRange.upperBound
        default: break
        }
    }

    /// The entry for one TCP segment: "[SYN, ACK] Seq=0 Ack=1 Len=0".
    public init(segment event: PacketEvent, direction: Direction) {
        let tcp = event.transport!.tcp!
        var label = "[\(TCPSegmentInfo.flagNames(tcp.flags))] Seq=\(event.conversation?.relativeSequence ?? tcp.sequence)"
        if tcp.has(TCPSegmentInfo.ack) {
            label += " Ack=\(event.conversation?.relativeAcknowledgment ?? tcp.acknowledgment)"
        }
        label += " Len=\(tcp.payloadLength)"
        if let resent = event.conversation?.analysis.retransmissionOf, resent > 0 { label += " (retransmission)" }
        self.init(kind: .segment, direction: direction, stream: event.conversation?.stream ?? 0, start: event.packet.timestamp,
                  end: event.packet.timestamp, label: label, packets: [event.packet.number])
    }
}
