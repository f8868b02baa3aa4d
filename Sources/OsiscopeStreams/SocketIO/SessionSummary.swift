import OsiscopeCapture
import OsiscopeWire

/// One Engine.IO session as `osiscope sessions` tells it: everything with one sid, whatever
/// connections carried it.
public struct SessionSummary: Sendable {
    public struct TransportUse: Sendable, Equatable {
        public var transport: EngineIOTransport
        /// The connections (tcp.stream) that carried it, in order of first use.
        public var streams: [Int]
        public var first: Timestamp
        public var last: Timestamp
    }

    public struct Ack: Sendable, Equatable {
        public var namespace: String
        public var id: Int
        /// Who sent the event that asked for it.
        public var asker: Direction
        public var eventPacket: Int
        public var ackPacket: Int
        public var rtt: Double
    }

    /// Lists kept per session: a session may last hours (or a crafted capture reuse one sid on
    /// every connection); beyond these only the counts grow.
    public static let listLimit = 1000

    public var sid: String
    public var version: EngineIOVersion
    public var handshake: EngineIOHandshake?
    /// The client's address and port of the session's first connection (filled in by the
    /// command from the connection table).
    public var client: String?
    public var transports: [TransportUse] = []
    public var namespaces: [String] = []
    /// Socket ids by namespace, from the server's CONNECT answers.
    public var socketIDs: [String: String] = [:]
    /// Namespaces the server refused, with its reason (CONNECT_ERROR).
    public var refusedNamespaces: [(namespace: String, reason: String)] = []
    public var clientEvents = 0
    public var serverEvents = 0
    /// The first `listLimit` acks; `ackCount` counts them all.
    public var acks: [Ack] = []
    public var ackCount = 0
    /// Events that asked for an ack that never came.
    public var unansweredAcks = 0
    public var heartbeats = 0
    public var missedHeartbeats = 0
    /// Server broadcasts this session received (ids, the first `listLimit`), and how many
    /// sockets each reached.
    public var broadcasts: [Int] = []
    public var broadcastCopies: [Int] = []
    /// Connections beyond `listLimit` per transport, counted only.
    public var moreStreams = 0
    public var first: Timestamp
    public var last: Timestamp
    /// How it ended: "close packet from client", "websocket closed by server", … or "capture ended".
    public var ended: String?

    init(sid: String, version: EngineIOVersion, at time: Timestamp) {
        self.sid = sid
        self.version = version
        first = time
        last = time
    }

    /// - Parameter isNew: the stream was not used by this transport before.
    mutating func used(_ transport: EngineIOTransport, stream: Int, isNew: Bool, at time: Timestamp) {
        last = max(last, time)
        if let index = transports.firstIndex(where: { $0.transport == transport }) {
            if isNew {
                if transports[index].streams.count < Self.listLimit { transports[index].streams.append(stream) } else { moreStreams += 1 }
            }
            transports[index].last = max(transports[index].last, time)
        } else {
            transports.append(TransportUse(transport: transport, streams: [stream], first: time, last: time))
        }
    }

    mutating func add(_ ack: Ack) {
        ackCount += 1
        if acks.count < Self.listLimit { acks.append(ack) }
    }

    mutating func add(_ broadcast: Broadcast) {
        guard broadcasts.count < Self.listLimit else { return }
        broadcasts.append(broadcast.id)
        broadcastCopies.append(broadcast.copies)
    }

    public var streams: [Int] { transports.flatMap(\.streams).reduce(into: []) { if !$0.contains($1) { $0.append($1) } } }
}
