import OsiscopeCapture
import OsiscopeWire

/// Numbers TCP and UDP conversations in order of first appearance, as Wireshark's
/// `tcp.stream`/`udp.stream` do, and adds per-conversation values (stream index, relative
/// sequence numbers) to each packet's transport layer.
///
/// Memory follows the number of live conversations, not the length of the capture: a closed
/// connection is forgotten once it has been quiet for `closedLinger` seconds of capture time
/// (TCP's TIME-WAIT is at most a few minutes), and any conversation quiet for `idleLimit`.
public struct ConversationTracker: Sendable {
    public var closedLinger: Double = 120
    public var idleLimit: Double = 3600

    /// One TCP connection as seen so far.
    public struct TCPConversation: Sendable {
        public var index: Int
        /// The endpoint that sent the first SYN (or the first packet seen, if no SYN was captured).
        public var client: Endpoint
        public var server: Endpoint
        /// Initial sequence number per direction, taken from the SYN or, mid-stream, one before the first seen.
        var baseFromClient: UInt32?
        var baseFromServer: UInt32?
        var clientSYN: UInt32?
        var closed = false
        var lastSeen = Timestamp(seconds: 0, nanoseconds: 0)
    }

    private var tcp: [ConversationKey: TCPConversation] = [:]
    private var udp: [ConversationKey: (index: Int, lastSeen: Timestamp)] = [:]
    private var packetsSinceSweep = 0
    private var knownStreams: Set<Int> = []
    public private(set) var tcpCount = 0
    public private(set) var udpCount = 0

    public init() {}

    /// Where a TCP packet belongs: its stream and which side sent it.
    public struct Placement: Sendable, Equatable {
        public var stream: Int
        public var direction: Direction
        /// True for the first packet of a new stream.
        public var isNew: Bool
        /// The stream this one replaces: the same addresses and ports, reused for a new connection.
        public var replaces: Int?
    }

    /// Streams forgotten by the last sweeps, for owners of per-stream state to drop theirs.
    public private(set) var forgottenStreams: [Int] = []

    public mutating func takeForgottenStreams() -> [Int] {
        defer { forgottenStreams = [] }
        return forgottenStreams
    }

    /// Assigns the packet to its conversation and annotates its transport layer.
    @discardableResult
    public mutating func track(_ packet: inout DecodedPacket) -> Placement? {
        guard let transport = packet.transport else { return nil }
        let now = packet.packet.timestamp
        sweepIfDue(now: now)
        let key = ConversationKey(transport)
        switch transport.kind {
        case .udp:
            let index = udp[key]?.index ?? {
                udpCount += 1
                return udpCount - 1
            }()
            udp[key] = (index, now)
            packet.appendField(generated(ConversationFields.udpStream, index), toLayer: "udp")
            return nil
        case .tcp:
            guard let segment = transport.tcp else { return nil }
            let known = tcp[key]?.index
            var conversation = conversation(for: key, transport, segment)
            annotate(&packet, segment, from: transport.source, in: &conversation)
            if segment.has(TCPSegmentInfo.rst) || segment.has(TCPSegmentInfo.fin) { conversation.closed = true }
            conversation.lastSeen = now
            tcp[key] = conversation
            knownStreams.insert(conversation.index)
            return Placement(stream: conversation.index, direction: transport.source == conversation.client ? .client : .server,
                             isNew: known != conversation.index,
                             replaces: known.flatMap { $0 != conversation.index ? $0 : nil })
        }
    }

    private mutating func sweepIfDue(now: Timestamp) {
        packetsSinceSweep += 1
        guard packetsSinceSweep >= 8192 else { return }
        packetsSinceSweep = 0
        let closedLinger = closedLinger, idleLimit = idleLimit
        tcp = tcp.filter { _, conversation in
            let quiet = now.seconds(since: conversation.lastSeen)
            return quiet < (conversation.closed ? closedLinger : idleLimit)
        }
        let live = Set(tcp.values.map(\.index))
        forgottenStreams += knownStreams.subtracting(live)
        knownStreams = live
        udp = udp.filter { now.seconds(since: $0.value.lastSeen) < idleLimit }
    }

    private mutating func conversation(for key: ConversationKey, _ transport: TransportInfo,
                                       _ segment: TCPSegmentInfo) -> TCPConversation {
        let opening = segment.has(TCPSegmentInfo.syn) && !segment.has(TCPSegmentInfo.ack)
        if let existing = tcp[key] {
            // A new SYN with another initial sequence number on a known address pair is a new
            // connection reusing the ports, as Wireshark decides.
            let reused = opening && existing.clientSYN != nil && existing.clientSYN != segment.sequence
            let reopened = opening && existing.closed && existing.clientSYN != segment.sequence
            if !(reused || reopened) { return existing }
        }
        let fromClient = !(segment.has(TCPSegmentInfo.syn) && segment.has(TCPSegmentInfo.ack))
        tcpCount += 1
        return TCPConversation(
            index: tcpCount - 1,
            client: fromClient ? transport.source : transport.destination,
            server: fromClient ? transport.destination : transport.source)
    }

    private func annotate(_ packet: inout DecodedPacket, _ segment: TCPSegmentInfo, from source: Endpoint,
                          in conversation: inout TCPConversation) {
        let fromClient = source == conversation.client
        if segment.has(TCPSegmentInfo.syn) && !segment.has(TCPSegmentInfo.ack) && fromClient {
            conversation.clientSYN = segment.sequence
        }
        let isSYN = segment.has(TCPSegmentInfo.syn)
        // Without a captured SYN, the first byte seen counts as 1, as in Wireshark.
        var stored = fromClient ? conversation.baseFromClient : conversation.baseFromServer
        if isSYN || stored == nil { stored = isSYN ? segment.sequence : segment.sequence &- 1 }
        let own = stored!
        if fromClient { conversation.baseFromClient = own } else { conversation.baseFromServer = own }
        let peer = fromClient ? conversation.baseFromServer : conversation.baseFromClient
        var fields = [generated(ConversationFields.tcpStream, conversation.index)]
        let relative = segment.sequence &- own
        fields.append(generated(ConversationFields.relativeSequence, Int(relative)))
        let consumed = UInt32(segment.payloadLength) + (isSYN ? 1 : 0) + (segment.has(TCPSegmentInfo.fin) ? 1 : 0)
        if consumed > 0 { fields.append(generated(ConversationFields.nextSequence, Int(relative &+ consumed))) }
        if segment.has(TCPSegmentInfo.ack), let peer {
            fields.append(generated(ConversationFields.relativeAck, Int(segment.acknowledgment &- peer)))
        }
        for field in fields { packet.appendField(field, toLayer: "tcp") }
    }

    private func generated(_ descriptor: FieldDescriptor, _ value: Int) -> Field {
        Field(descriptor, .number(UInt64(value)), offset: 0, length: 0, generated: true)
    }
}
