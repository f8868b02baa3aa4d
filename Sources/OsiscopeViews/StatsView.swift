import OsiscopeStreams
import OsiscopeWire

/// `stats`: each conversation's overhead and duplex figures, as a block a learner reads at a
/// glance, or as one JSON object (the contract's keys).
public struct StatsView: Sendable {
    public var style: TerminalStyle
    public var width: Int?

    public init(style: TerminalStyle = .plain, width: Int? = nil) {
        self.style = style
        self.width = width
    }

    public func render(_ figures: ConversationFigures) -> String {
        let client = figures.sides.client, server = figures.sides.server
        var rows: [(String, String, String)] = [
            ("packets", "\(client.packets)", "\(server.packets)"),
            ("messages", "\(client.messages)", "\(server.messages)"),
            ("payload bytes", "\(client.payloadBytes)", "\(server.payloadBytes)"),
            ("overhead bytes", "\(client.overhead.total)", "\(server.overhead.total)"),
            ("  l2 link", "\(client.overhead.l2)", "\(server.overhead.l2)"),
            ("  l3 network", "\(client.overhead.l3)", "\(server.overhead.l3)"),
            ("  l4 transport", "\(client.overhead.l4)", "\(server.overhead.l4)"),
            ("  l7 application", "\(client.overhead.l7)", "\(server.overhead.l7)"),
            ("overhead per message", Self.perMessage(client), Self.perMessage(server)),
            ("wire bytes", "\(client.wireBytes)", "\(server.wireBytes)"),
        ]
        if client.lostBytes + server.lostBytes > 0 {
            rows.append(("bytes lost in capture", "\(client.lostBytes)", "\(server.lostBytes)"))
        }
        var lines = [style.bold("stream \(figures.stream)") + "  \(figures.protocolName)  \(figures.client) → \(figures.server)  "
                     + "\(String(format6: figures.durationSeconds)) s"]
        let label = 22, number = 15
        lines.append(String(repeating: " ", count: label) + "client→server".leftPadded(number, with: " ") + "server→client".leftPadded(number, with: " "))
        for (name, left, right) in rows {
            lines.append(name.rightPadded(label) + left.leftPadded(number, with: " ") + right.leftPadded(number, with: " "))
        }
        var duplex = "turns \(figures.turns) · server-initiated \(figures.serverInitiated) · "
            + "both in flight \(String(format6: figures.overlapSeconds)) s"
        if let latency = figures.latency {
            let ms = MessageList.milliseconds
            duplex += " · latency \(ms(latency.minimum)) min, \(ms(latency.median)) median, \(ms(latency.maximum)) max"
        }
        lines.append(duplex)
        lines.append(style.bold("verdict: ") + Self.verdict(figures))
        guard let width else { return lines.joined(separator: "\n") + "\n\n" }
        return lines.flatMap { LineFitting.wrap($0, width: width, indent: 2) }.joined(separator: "\n") + "\n\n"
    }

    /// One line that says what the figures mean for this conversation.
    public static func verdict(_ figures: ConversationFigures) -> String {
        let messages = figures.sides.client.messages + figures.sides.server.messages
        if figures.overlaps > 0 {
            return "full duplex: both sides had messages in flight at once, \(times(figures.overlaps)) "
                + "(\(String(format6: figures.overlapSeconds)) s in all)"
        }
        if figures.serverInitiated > 0 {
            let count = figures.serverInitiated
            return "server push: the server sent \(count) message\(count == 1 ? "" : "s") nobody asked for; "
                + "the two sides never had messages in flight at once"
        }
        if figures.protocolName == "websocket" {
            return "turn-taking: every server message answered a client message, and the two sides never had "
                + "messages in flight at once (\(figures.turns) turns)"
        }
        if figures.requests > 0 {
            var text = "half duplex: the client asked and waited, \(times(figures.requests))"
            if let latency = figures.latency { text += "; answers took \(MessageList.milliseconds(latency.median)) (median)" }
            return text
        }
        if messages == 0 { return "no application messages: \(figures.sides.client.packets + figures.sides.server.packets) packets of TCP alone" }
        return "\(messages) message\(messages == 1 ? "" : "s"), never both sides' in flight at once"
    }

    public static func json(_ figures: ConversationFigures) -> String {
        var json = JSONWriter()
        json.add("stream", figures.stream)
        json.add("protocol", figures.protocolName)
        json.add("client", figures.client.description)
        json.add("server", figures.server.description)
        for (key, side) in [("client_to_server", figures.sides.client), ("server_to_client", figures.sides.server)] {
            var object = JSONWriter()
            object.add("packets", side.packets)
            object.add("messages", side.messages)
            object.add("payload_bytes", side.payloadBytes)
            object.addRaw("overhead_bytes", overheadJSON(side.overhead))
            if let perMessage = side.overheadPerMessage {
                object.addRaw("overhead_per_message", String(format1: perMessage))
            } else {
                object.addNull("overhead_per_message")
            }
            object.add("wire_bytes", side.wireBytes)
            object.add("tcp_payload_bytes", side.tcpPayloadBytes)
            object.add("lost_bytes", side.lostBytes)
            json.addRaw(key, object.finished())
        }
        json.add("turns", figures.turns)
        json.add("server_initiated", figures.serverInitiated)
        json.addRaw("overlap_seconds", String(format6: figures.overlapSeconds))
        json.add("overlaps", figures.overlaps)
        json.add("requests", figures.requests)
        if let latency = figures.latency {
            json.addRaw("latency_seconds", latencyJSON(latency))
        } else {
            json.addNull("latency_seconds")
        }
        json.add("start", figures.firstSeen.decimalString)
        json.addRaw("duration_seconds", String(format6: figures.durationSeconds))
        json.add("verdict", verdict(figures))
        return json.finished()
    }

    /// `{"l2":…,"l3":…,"l4":…,"l7":…}`
    static func overheadJSON(_ overhead: ConversationFigures.Overhead) -> String {
        var object = JSONWriter()
        object.add("l2", overhead.l2)
        object.add("l3", overhead.l3)
        object.add("l4", overhead.l4)
        object.add("l7", overhead.l7)
        return object.finished()
    }

    static func latencyJSON(_ latency: ConversationFigures.Latency) -> String {
        var object = JSONWriter()
        object.addRaw("min", String(format6: latency.minimum))
        object.addRaw("median", String(format6: latency.median))
        object.addRaw("max", String(format6: latency.maximum))
        object.add("count", latency.count)
        return object.finished()
    }

    static func perMessage(_ side: ConversationFigures.Side) -> String {
        side.overheadPerMessage.map { String(format1: $0) } ?? "–"
    }


    static func times(_ count: Int) -> String { count == 1 ? "once" : "\(count) times" }
}
