import OsiscopeCapture
import OsiscopeStreams
import OsiscopeWire

/// `osiscope sessions`: one Engine.IO/Socket.IO session per block (or JSON object), whatever
/// connections carried it.
public struct SessionView: Sendable {
    public var style: TerminalStyle
    /// Lines longer than this wrap under their text; nil: never.
    public var width: Int?

    public init(style: TerminalStyle = .plain, width: Int? = nil) {
        self.style = style
        self.width = width
    }

    /// The `sessions --json` contract: `sid`, `client`, `transports`, `namespaces`, `events`,
    /// `acks`, `heartbeats`, `ended`, and more.
    public static func json(_ session: SessionSummary) -> [UInt8] {
        var json = JSONWriter()
        json.add("sid", session.sid)
        if let client = session.client { json.add("client", client) } else { json.addNull("client") }
        json.add("eio", session.version.rawValue)
        json.addArray("transports", session.transports.map { use in
            var entry = JSONWriter()
            entry.add("transport", use.transport.rawValue)
            entry.addArray("streams", numbers: use.streams)
            entry.add("first", use.first.decimalString)
            entry.add("last", use.last.decimalString)
            return entry.finished()
        })
        if session.moreStreams > 0 { json.add("more_streams", session.moreStreams) }
        json.addArray("namespaces", session.namespaces.map(JSONWriter.quoted))
        var ids = JSONWriter()
        for namespace in session.namespaces { if let id = session.socketIDs[namespace] { ids.add(namespace, id) } }
        json.addRaw("socket_ids", ids.finished())
        json.addArray("refused", session.refusedNamespaces.map { refused in
            var entry = JSONWriter()
            entry.add("namespace", refused.namespace)
            entry.add("reason", refused.reason)
            return entry.finished()
        })
        var events = JSONWriter()
        events.add("client", session.clientEvents)
        events.add("server", session.serverEvents)
        json.addRaw("events", events.finished())
        json.addArray("acks", session.acks.map { ack in
            var entry = JSONWriter()
            entry.add("namespace", ack.namespace)
            entry.add("ack_id", ack.id)
            entry.add("event_from", ack.asker.rawValue)
            entry.add("event_packet", ack.eventPacket)
            entry.add("ack_packet", ack.ackPacket)
            entry.addRaw("rtt", String(format6: ack.rtt))
            return entry.finished()
        })
        json.add("ack_count", session.ackCount)
        json.add("unanswered_acks", session.unansweredAcks)
        json.add("heartbeats", session.heartbeats)
        json.add("missed_heartbeats", session.missedHeartbeats)
        if let handshake = session.handshake {
            if let value = handshake.pingInterval { json.add("ping_interval", value) }
            if let value = handshake.pingTimeout { json.add("ping_timeout", value) }
        }
        json.addArray("broadcasts", numbers: session.broadcasts)
        json.addArray("broadcast_copies", numbers: session.broadcastCopies)
        json.add("first", session.first.decimalString)
        json.add("last", session.last.decimalString)
        json.add("ended", session.ended ?? "capture ended")
        return json.finishedBytes()
    }

    /// A few lines for people: who, over what, what was said, how it ended.
    public func render(_ session: SessionSummary, since start: Timestamp) -> String {
        func at(_ time: Timestamp) -> String { String(format6: time.seconds(since: start)) }
        var lines = [style.bold("Session \(TerminalSafe.text(session.sid))") + " (Engine.IO v\(session.version.rawValue))"
            + (session.client.map { " client \($0)" } ?? "")]
        for use in session.transports {
            let streams = use.streams.map { "#\($0)" }.joined(separator: " ")
            lines.append("  \(use.transport.rawValue.leftPadded(9, with: " ")) \(at(use.first))–\(at(use.last)) s on \(streams)")
        }
        let namespaces = session.namespaces.map { namespace in
            let refused = session.refusedNamespaces.first { $0.namespace == namespace }
            return TerminalSafe.text(namespace) + (session.socketIDs[namespace].map { " (socket \(TerminalSafe.text($0)))" } ?? "")
                + (refused.map { style.color(" (refused: \(TerminalSafe.text($0.reason)))", .yellow) } ?? "")
        }
        if !namespaces.isEmpty { lines.append("  namespaces " + namespaces.joined(separator: ", ")) }
        lines.append("  events: \(session.clientEvents) from the client, \(session.serverEvents) from the server")
        if !session.acks.isEmpty || session.unansweredAcks > 0 {
            let times = session.acks.map(\.rtt).sorted()
            var text = "  acks: \(session.ackCount)"
            if let low = times.first, let high = times.last {
                text += ", round trip \(MessageList.milliseconds(low))" + (times.count > 1 ? " to \(MessageList.milliseconds(high))" : "")
            }
            if session.ackCount > session.acks.count { text += " (times of the first \(session.acks.count))" }
            if session.unansweredAcks > 0 { text += style.color(", \(session.unansweredAcks) never answered", .yellow) }
            lines.append(text)
        }
        var beat = "  heartbeats: \(session.heartbeats)"
        if let interval = session.handshake?.pingInterval { beat += " (every \(interval) ms announced)" }
        if session.missedHeartbeats > 0 { beat += style.color(", \(session.missedHeartbeats) unanswered", .yellow) }
        lines.append(beat)
        if !session.broadcasts.isEmpty {
            let each = zip(session.broadcasts, session.broadcastCopies).map { "#\($0) to \($1) sockets" }
            lines.append("  broadcasts received: " + each.joined(separator: ", "))
        }
        lines.append("  ended: " + (session.ended ?? "capture ended"))
        guard let width else { return lines.joined(separator: "\n") }
        return lines.flatMap { LineFitting.wrap($0, width: width, indent: 4) }.joined(separator: "\n")
    }
}
