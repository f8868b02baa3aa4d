import OsiscopeCapture
import OsiscopeWire

/// Numbers TCP and UDP conversations in order of first appearance, as Wireshark's
/// `tcp.stream`/`udp.stream` do, and adds per-conversation values (stream index, relative
/// sequence numbers) to each packet's transport layer.
///
/// Memory follows the number of live conversations, not the length of the capture: a closed
/// connection is forgotten once it has been quiet for `closedLinger` seconds of capture time
/// (TCP's TIME-WAIT is at most a few minutes), and any conversation quiet for `idleLimit`.
/// Sweeps go by capture time, not by packet count, so a live source behaves like a file.
public struct ConversationTracker: Sendable {
    public var closedLinger: Double = 120
    public var idleLimit: Double = 3600
    /// TCP connections tracked at most; past it the quietest tenth are forgotten at once (a
    /// diagnostic on the packet that opened one too many), so memory stays bounded whatever
    /// a capture holds (200,000 SYNs from distinct ports, say).
    public var maximumConnections = 100_000

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
        /// Window scale per side, as Wireshark keeps it: the shift, or `WindowScale.unknown`/`.none`.
        var clientScale = WindowScale.unknown
        var serverScale = WindowScale.unknown
        var analysis = TCPSequenceAnalysis()
        var closed = false
        var lastSeen = Timestamp(seconds: 0, nanoseconds: 0)
    }

    private var tcp: [ConversationKey: TCPConversation] = [:]
    private var udp: [ConversationKey: (index: Int, lastSeen: Timestamp)] = [:]
    /// Capture seconds between sweeps of quiet conversations.
    public var sweepInterval: Double = 1
    private var lastSweep: Timestamp?
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

    /// Streams retired by the last sweeps, for owners of per-stream state to drop theirs.
    public private(set) var retiredStreams: [Int] = []

    public mutating func takeRetiredStreams() -> [Int] {
        defer { retiredStreams = [] }
        return retiredStreams
    }

    /// What a conversation adds to a packet's transport layer: `tcp.stream` or `udp.stream`,
    /// and relative sequence numbers. Kept as numbers; fields are made when a view asks.
    public struct Annotation: Sendable, Equatable {
        public var stream: Int
        public var isUDP = false
        public var relativeSequence: UInt32 = 0
        public var nextSequence: UInt32?
        public var relativeAcknowledgment: UInt32?
        /// The sender's window scale; nil on a SYN, whose window is never scaled.
        public var windowScale: Int8?
        /// The window after scaling (the raw value when the scale is not known).
        public var window: UInt32 = 0
        public var analysis = TCPAnalysisFindings()
        /// Connections forgotten when this packet's opened one too many.
        public var forgotten = 0
        public var connectionLimit = 0

        public func apply(to packet: inout DecodedPacket) {
            func generated(_ descriptor: FieldDescriptor, _ value: UInt32) -> Field {
                Field(descriptor, .number(UInt64(value)), offset: 0, length: 0, generated: true)
            }
            if isUDP {
                packet.appendField(generated(ConversationFields.udpStream, UInt32(stream)), toLayer: "udp")
                return
            }
            var fields = [generated(ConversationFields.tcpStream, UInt32(stream)),
                          generated(ConversationFields.relativeSequence, relativeSequence)]
            if let nextSequence { fields.append(generated(ConversationFields.nextSequence, nextSequence)) }
            if let relativeAcknowledgment {
                fields.append(generated(ConversationFields.relativeAck, relativeAcknowledgment))
            } else if let tcp = packet.transport?.tcp, !tcp.has(TCPSegmentInfo.ack) {
                // Wireshark shows 0 when the ACK flag is off (a SYN, a bare RST): filters see it.
                fields.append(generated(ConversationFields.relativeAck, 0))
            }
            fields.append(generated(ConversationFields.window, window))
            if let windowScale {
                let factor = windowScale >= 0 ? Int64(1) << Int64(windowScale) : Int64(windowScale)
                fields.append(Field(ConversationFields.windowScaleFactor, .signed(factor), offset: 0, length: 0, generated: true))
            }
            for field in fields { packet.appendField(field, toLayer: "tcp") }
            if let index = packet.layers.firstIndex(where: { $0.protocolKey == "tcp" }) {
                // Relative numbers and the scaled window read better, as in Wireshark; the raw ones stay in the tree.
                let tcp = packet.layers[index]
                func number(_ key: String) -> UInt64 { tcp.field(key)?.value.number ?? 0 }
                packet.layers[index].summary = TCPSegmentInfo.summary(
                    ports: (number("tcp.srcport"), number("tcp.dstport")), flags: UInt16(truncatingIfNeeded: number("tcp.flags")),
                    sequence: relativeSequence, acknowledgment: relativeAcknowledgment ?? UInt32(truncatingIfNeeded: number("tcp.ack_raw")), window: window,
                    length: Int(number("tcp.len")))
            }
            TCPAnalysisReport(analysis).apply(to: &packet)
            if forgotten > 0, let index = packet.layers.firstIndex(where: { $0.protocolKey == "tcp" }) {
                packet.layers[index].diagnostics.append(Diagnostic(TCPStreamDiagnostics.connectionsForgotten,
                    "more than \(connectionLimit) connections open at once: the \(forgotten) quietest were forgotten, their messages ended here"))
            }
        }
    }

    /// Assigns the packet to its conversation and annotates its transport layer.
    @discardableResult
    public mutating func track(_ packet: inout DecodedPacket) -> Placement? {
        guard let transport = packet.transport else { return nil }
        let (placement, annotation) = track(transport, of: packet.packet)
        annotation?.apply(to: &packet)
        return placement
    }

    /// Assigns a packet with this transport, captured at `now`, to its conversation.
    public mutating func track(_ transport: TransportInfo, of packet: CapturedPacket) -> (Placement?, Annotation?) {
        let now = packet.timestamp
        sweepIfDue(now: now)
        let key = ConversationKey(transport)
        switch transport.kind {
        case .udp:
            let index = udp[key]?.index ?? {
                udpCount += 1
                return udpCount - 1
            }()
            udp[key] = (index, now)
            return (nil, Annotation(stream: index, isUDP: true))
        case .tcp:
            guard let segment = transport.tcp else { return (nil, nil) }
            let known = tcp[key]?.index
            var conversation = conversation(for: key, transport, segment)
            var annotation = annotate(segment, from: transport.source, of: packet, in: &conversation)
            if known != nil && known != conversation.index { annotation.analysis.flags.insert(.reusedPorts) }
            if segment.has(TCPSegmentInfo.rst) || segment.has(TCPSegmentInfo.fin) {
                conversation.closed = true
                conversation.analysis.compact()
            }
            conversation.lastSeen = now
            tcp[key] = conversation
            knownStreams.insert(conversation.index)
            if known != conversation.index && tcp.count > maximumConnections {
                annotation.forgotten = forgetQuietest(keeping: key)
                annotation.connectionLimit = maximumConnections
            }
            let placement = Placement(stream: conversation.index,
                                      direction: transport.source == conversation.client ? .client : .server,
                                      isNew: known != conversation.index,
                                      replaces: known.flatMap { $0 != conversation.index ? $0 : nil })
            return (placement, annotation)
        }
    }

    /// Forgets a tenth of the limit, the connections heard from longest ago (never `current`):
    /// one sort per tenth of the limit, not one per new connection.
    private mutating func forgetQuietest(keeping current: ConversationKey) -> Int {
        let count = max(1, maximumConnections / 10)
        let quietest = tcp.filter { $0.key != current }.sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(count)
        for (key, conversation) in quietest {
            tcp[key] = nil
            knownStreams.remove(conversation.index)
            retiredStreams.append(conversation.index)
        }
        return quietest.count
    }

    private mutating func sweepIfDue(now: Timestamp) {
        guard let last = lastSweep else {
            lastSweep = now
            return
        }
        let elapsed = now.seconds(since: last)
        // Time going backwards (merged or hostile captures) restarts the clock.
        if elapsed < 0 { lastSweep = now }
        guard elapsed >= sweepInterval else { return }
        sweep(now: now)
    }

    /// Forgets conversations quiet for longer than their limit at capture time `now`.
    public mutating func sweep(now: Timestamp) {
        lastSweep = now
        let closedLinger = closedLinger, idleLimit = idleLimit
        tcp = tcp.filter { _, conversation in
            let quiet = now.seconds(since: conversation.lastSeen)
            return quiet < (conversation.closed ? closedLinger : idleLimit)
        }
        let live = Set(tcp.values.map(\.index))
        retiredStreams += knownStreams.subtracting(live).sorted()
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

    private func annotate(_ segment: TCPSegmentInfo, from source: Endpoint, of packet: CapturedPacket,
                          in conversation: inout TCPConversation) -> Annotation {
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
        var annotation = Annotation(stream: conversation.index, relativeSequence: segment.sequence &- own)
        let consumed = UInt32(segment.payloadLength) + (isSYN ? 1 : 0) + (segment.has(TCPSegmentInfo.fin) ? 1 : 0)
        if consumed > 0 { annotation.nextSequence = annotation.relativeSequence &+ consumed }
        if segment.has(TCPSegmentInfo.ack), let peer { annotation.relativeAcknowledgment = segment.acknowledgment &- peer }

        WindowScale.negotiate(segment, fromClient: fromClient, client: &conversation.clientScale, server: &conversation.serverScale)
        let ownScale = fromClient ? conversation.clientScale : conversation.serverScale
        let peerScale = fromClient ? conversation.serverScale : conversation.clientScale
        annotation.window = isSYN ? UInt32(segment.window) : WindowScale.apply(ownScale, to: segment.window)
        if !isSYN { annotation.windowScale = ownScale }
        annotation.analysis = conversation.analysis.analyse(segment, from: fromClient ? .client : .server,
                                                            peerScale: peerScale, packet: packet.number, at: packet.timestamp)
        return annotation
    }
}
