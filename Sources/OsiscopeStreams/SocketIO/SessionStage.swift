import OsiscopeCapture
import OsiscopeWire

/// Follows Engine.IO sessions across the connections that carry them, in the order messages
/// are completed: pairs acks with their events (round-trip time), times heartbeats against the
/// announced interval, names sockets, marks packets after a close, and finds broadcasts (one
/// server event reaching several sessions at the same moment). Messages keep their order; a
/// possible broadcast holds the messages after it for `broadcastWindow` seconds of capture time
/// (see `BroadcastDelayLine`).
///
/// A message may come with bytes already made of it elsewhere (its JSON, rendered on a decoding
/// thread); `changed` says when the stage changed the message so that they are stale.
public struct SessionStage {
    public struct Item {
        public var message: ApplicationMessage
        public var prepared: [UInt8]?
        /// The stage gave the message a session or annotated it (acks, heartbeats, socket ids,
        /// a broadcast): what was made of it before is stale.
        public var changed: Bool
    }

    /// Copies of one server event further apart than this are separate sends.
    public static let broadcastWindow = 0.05
    /// Sessions remembered at once; beyond it the longest idle is closed.
    public var maximumSessions = 10_000

    private var sessions: [String: SessionState] = [:]
    /// WebSocket connections that carry a session, for their close frames.
    private var webSocketSessions: [Int: String] = [:]
    private var held = BroadcastDelayLine<Item>(window: broadcastWindow)
    /// Reused for each release, so that releasing allocates nothing.
    private var released: [Item] = []
    private var clock: Timestamp?
    private var lastSweep: Timestamp?
    private var ended: [SessionSummary] = []

    public init() {}

    /// The next message in completion order; `emit` gets every message now ready, in order.
    public mutating func take(_ message: ApplicationMessage, prepared: [UInt8]? = nil, emit: (Item) -> Void) {
        var message = message
        let changed = annotate(&message)
        let key = broadcastKey(message)
        let item = Item(message: message, prepared: prepared, changed: changed)
        if held.isEmpty && key == nil {
            emit(item)
        } else {
            held.add(item, at: message.timestamp, stream: message.stream, key: key,
                     owner: message.session.map { "s" + $0 } ?? "c\(message.stream)")
        }
        advance(to: message.timestamp, emit: emit)
    }

    /// Capture time moved on (a packet was read): held messages whose window passed go out,
    /// and sessions silent for longer than their heartbeat period end.
    public mutating func advance(to time: Timestamp, emit: (Item) -> Void) {
        if clock.map({ time > $0 }) ?? true { clock = time }
        release(emit, all: false)
        if let clock, lastSweep.map({ clock.seconds(since: $0) >= 1 }) ?? true {
            lastSweep = clock
            sweep(at: clock)
        }
    }

    /// The capture ended: everything held goes out and every session ends.
    public mutating func finish(emit: (Item) -> Void) {
        release(emit, all: true)
        for state in sessions.values.sorted(by: { $0.summary.first < $1.summary.first }) {
            ended.append(state.close(endedBy: "capture ended"))
        }
        sessions = [:]
        webSocketSessions = [:]
    }

    /// A connection closed: its WebSocket no longer speaks for a session.
    public mutating func closed(stream: Int) { webSocketSessions[stream] = nil }

    /// Sessions that ended since the last call, in the order they ended.
    public mutating func takeEnded() -> [SessionSummary] {
        defer { ended = [] }
        return ended
    }

    /// True when the message changed: a Socket.IO packet of a session (its socket id, acks), an
    /// Engine.IO packet given a heartbeat time or a diagnostic, a WebSocket message given the
    /// session of its connection.
    private mutating func annotate(_ message: inout ApplicationMessage) -> Bool {
        let time = message.timestamp
        switch message.content {
        case .engineIO(var engine):
            guard let sid = message.session ?? engine.sid else { return false }
            let before = engine.diagnostics.count
            update(sid, engine.version, engine.transport, message) { $0.note(&engine, message) }
            if engine.transport == .websocket { webSocketSessions[message.stream] = sid }
            let changed = engine.diagnostics.count != before || engine.sincePing != nil
            message.content = .engineIO(engine)
            return changed
        case .socketIO(var io):
            guard let sid = message.session else { return false }
            update(sid, io.engineVersion, io.transport, message) { $0.note(&io, message) }
            message.content = .socketIO(io)
            return true
        case .websocket(let websocket):
            let tagged = message.session
            guard let sid = tagged ?? webSocketSessions[message.stream] else { return false }
            message.session = sid
            if websocket.opcode == .close, sessions[sid]?.summary.ended == nil {
                sessions[sid]?.summary.ended = "websocket closed by \(message.direction.rawValue)"
            }
            sessions[sid]?.lastActivity = time
            return tagged == nil
        case .http(let http):
            guard let sid = message.session, let state = sessions[sid] else { return false }
            // The upgrade request and its 101 belong to the WebSocket transport, not to polling.
            let uri = http.head.uri ?? message.request?.uri ?? ""
            state.used(EngineIOQuery(uri: uri)?.transport ?? .polling, stream: message.stream, at: time)
            return false
        default:
            return false
        }
    }

    private mutating func update(_ sid: String, _ version: EngineIOVersion, _ transport: EngineIOTransport,
                                 _ message: ApplicationMessage, _ change: (SessionState) -> Void) {
        let state: SessionState
        if let known = sessions[sid] {
            state = known
        } else {
            state = SessionState(sid: sid, version: version, at: message.startTimestamp)
            sessions[sid] = state
        }
        state.used(transport, stream: message.stream, at: message.timestamp)
        change(state)
        if sessions.count > maximumSessions {
            // The idlest tenth at once: a flood of new sids costs O(log n) each, not a scan.
            let idlest = sessions.sorted { $0.value.lastActivity < $1.value.lastActivity }.prefix(maximumSessions / 10)
            for (old, _) in idlest where old != sid {
                retire(old, "forgotten: more than \(maximumSessions) sessions at once")
            }
        }
    }

    /// A server event without an ack id may be one copy of a broadcast: its namespace, name and arguments.
    private func broadcastKey(_ message: ApplicationMessage) -> String? {
        guard message.direction == .server, case .socketIO(let io) = message.content, io.packet.type.isEvent,
              io.packet.ackID == nil, io.event != nil else { return nil }
        return io.packet.namespace + "\u{0}" + (io.packet.data?.text ?? "")
    }

    private mutating func release(_ emit: (Item) -> Void, all: Bool) {
        guard !held.isEmpty else { return }
        released.removeAll(keepingCapacity: true)
        held.release(at: clock, all: all, into: &released)
        for item in released {
            if case .socketIO(let io) = item.message.content, let broadcast = io.broadcast, let sid = item.message.session {
                sessions[sid]?.summary.add(broadcast)
            }
            emit(item)
        }
    }

    private mutating func sweep(at time: Timestamp) {
        let over = sessions.filter { _, state in
            let idle = time.seconds(since: state.lastActivity)
            return idle > state.idleLimit || (state.summary.ended != nil && idle > 5)
        }
        for (sid, state) in over.sorted(by: { $0.value.lastActivity < $1.value.lastActivity }) {
            retire(sid, "no traffic for \(Int(state.idleLimit)) s (the heartbeat period)")
        }
    }

    private mutating func retire(_ sid: String, _ reason: String) {
        guard let state = sessions.removeValue(forKey: sid) else { return }
        for stream in state.summary.streams where webSocketSessions[stream] == sid { webSocketSessions[stream] = nil }
        ended.append(state.close(endedBy: reason))
    }
}
