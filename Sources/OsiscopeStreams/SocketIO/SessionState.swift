import OsiscopeCapture
import OsiscopeWire

/// What the session stage remembers of one session while it lasts. A class: it is changed by
/// every packet of the session, in place.
final class SessionState {
    var summary: SessionSummary
    /// Events waiting for their ack: namespace, asker and id → the event's packet and time.
    var waitingAcks: [AckKey: (packet: Int, time: Timestamp)] = [:]
    /// The last heartbeat ping not yet answered, and the time of the last ping.
    var openPing: (packet: Int, time: Timestamp, from: Direction)?
    var lastPingTime: Timestamp?
    var closed = false
    var disconnected: Set<String> = []
    var lastActivity: Timestamp
    /// The connections each transport used, for a quick "seen before?" however many there are.
    private var streamsUsed: Set<TransportStream> = []

    private struct TransportStream: Hashable {
        var transport: EngineIOTransport
        var stream: Int
    }

    struct AckKey: Hashable {
        var namespace: String
        var asker: Direction
        var id: Int
    }

    /// Events that wait longer than this for an ack are forgotten (they stay unanswered).
    static let maximumWaitingAcks = 1024

    init(sid: String, version: EngineIOVersion, at time: Timestamp) {
        summary = SessionSummary(sid: sid, version: version, at: time)
        lastActivity = time
    }

    /// Seconds of silence after which the session is over: the announced heartbeat period
    /// (interval + timeout) and a margin, or a minute when none was seen.
    var idleLimit: Double {
        guard let handshake = summary.handshake, let interval = handshake.pingInterval, let timeout = handshake.pingTimeout else {
            return 60
        }
        return (Double(interval) + Double(timeout)) / 1000 + 5
    }

    func used(_ transport: EngineIOTransport, stream: Int, at time: Timestamp) {
        let isNew = streamsUsed.count < 4 * SessionSummary.listLimit
            && streamsUsed.insert(TransportStream(transport: transport, stream: stream)).inserted
        summary.used(transport, stream: stream, isNew: isNew, at: time)
        lastActivity = time
    }

    func note(_ message: inout EngineIOMessage, _ carried: ApplicationMessage) {
        let time = carried.timestamp
        if let handshake = message.handshake { summary.handshake = handshake }
        if closed {
            message.diagnostics.append(StreamDiagnostic(EngineIODiagnostics.afterClose, EngineIODiagnostics.afterClose.summary))
        }
        switch message.packet.type {
        case .close:
            closed = true
            summary.ended = "close packet from \(carried.direction.rawValue)"
        case .ping where !message.isProbe:
            summary.heartbeats += 1
            if let open = openPing {
                summary.missedHeartbeats += 1
                message.diagnostics.append(StreamDiagnostic(EngineIODiagnostics.heartbeatMissing,
                                                            "The ping of packet \(open.packet) was never answered"))
            }
            if let last = lastPingTime, let handshake = summary.handshake, let interval = handshake.pingInterval,
               let timeout = handshake.pingTimeout {
                let seconds = time.seconds(since: last)
                if seconds * 1000 > Double(interval) + Double(timeout) {
                    message.diagnostics.append(StreamDiagnostic(EngineIODiagnostics.pingOverdue,
                        "\(Int((seconds * 1000).rounded())) ms since the last ping, more than the announced pingInterval + pingTimeout (\(interval) + \(timeout) ms)"))
                }
            }
            openPing = (carried.packets.last ?? 0, time, carried.direction)
            lastPingTime = time
        case .pong where !message.isProbe:
            guard let open = openPing, open.from != carried.direction else { break }
            openPing = nil
            let seconds = time.seconds(since: open.time)
            message.sincePing = seconds
            if let timeout = summary.handshake?.pingTimeout, seconds * 1000 > Double(timeout) {
                message.diagnostics.append(StreamDiagnostic(EngineIODiagnostics.heartbeatLate,
                    "The heartbeat answer came \(Int((seconds * 1000).rounded())) ms after the ping, later than the announced pingTimeout of \(timeout) ms"))
            }
        default:
            break
        }
    }

    func note(_ message: inout SocketIOMessage, _ carried: ApplicationMessage) {
        let packet = message.packet
        let namespace = packet.namespace
        if !summary.namespaces.contains(namespace) && summary.namespaces.count < SessionSummary.listLimit {
            summary.namespaces.append(namespace)
        }
        if packet.type == .connect {
            disconnected.remove(namespace)
            if carried.direction == .server {
                // Protocol v4 (on Engine.IO v3) sends no socket id: python-socketio 4 uses the Engine.IO
                // sid in every namespace (the JavaScript server v2 prefixes other namespaces with "nsp#").
                let id = packet.data?["sid"]?.stringValue ?? (message.engineVersion == .v3 ? summary.sid : nil)
                if let id, summary.namespaces.contains(namespace) { summary.socketIDs[namespace] = id }
            }
        } else if packet.type == .connectError {
            let reason = packet.data?["message"]?.stringValue ?? packet.data?.stringValue ?? packet.data?.text ?? ""
            if summary.refusedNamespaces.count < SessionSummary.listLimit { summary.refusedNamespaces.append((namespace, reason)) }
        } else if disconnected.contains(namespace) {
            message.diagnostics.append(StreamDiagnostic(SocketIODiagnostics.afterDisconnect,
                                                        "A packet in namespace \(namespace) after its DISCONNECT"))
        }
        message.socketID = summary.socketIDs[namespace]
        if packet.type == .disconnect {
            if summary.namespaces.contains(namespace) { disconnected.insert(namespace) }
            if disconnected.isSuperset(of: summary.namespaces) && summary.ended == nil {
                summary.ended = "DISCONNECT from \(carried.direction.rawValue)"
            }
        }
        if packet.type.isEvent {
            if carried.direction == .client { summary.clientEvents += 1 } else { summary.serverEvents += 1 }
            if let id = packet.ackID {
                if waitingAcks.count >= Self.maximumWaitingAcks {
                    // The oldest eighth at once, so that a flood of unanswered events costs O(log n) each.
                    let oldest = waitingAcks.sorted { $0.value.time < $1.value.time }.prefix(Self.maximumWaitingAcks / 8)
                    for entry in oldest { waitingAcks[entry.key] = nil }
                    summary.unansweredAcks += oldest.count
                }
                let key = AckKey(namespace: namespace, asker: carried.direction, id: id)
                if waitingAcks.updateValue((carried.packets.last ?? 0, carried.timestamp), forKey: key) != nil {
                    summary.unansweredAcks += 1 // the earlier event with this id was never answered
                }
            }
        } else if packet.type.isAck, let id = packet.ackID {
            let key = AckKey(namespace: namespace, asker: carried.direction.opposite, id: id)
            if let event = waitingAcks.removeValue(forKey: key) {
                let rtt = carried.timestamp.seconds(since: event.time)
                message.rtt = rtt
                message.ackedPacket = event.packet
                summary.add(SessionSummary.Ack(namespace: namespace, id: id, asker: key.asker, eventPacket: event.packet,
                                                       ackPacket: carried.packets.last ?? 0, rtt: rtt))
            } else {
                message.diagnostics.append(StreamDiagnostic(SocketIODiagnostics.ackUnmatched,
                                                            "An ACK with id \(id) answers no event that asked for one"))
            }
        }
    }

    /// The session is over: what is still open counts as unanswered.
    func close(endedBy reason: String) -> SessionSummary {
        summary.unansweredAcks += waitingAcks.count
        if openPing != nil { summary.missedHeartbeats += 1 }
        if summary.ended == nil { summary.ended = reason }
        return summary
    }
}
