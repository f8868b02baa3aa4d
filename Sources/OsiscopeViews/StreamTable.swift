import OsiscopeStreams

/// The conversations table: one row per TCP connection.
public struct StreamTable: Sendable {
    public var style: TerminalStyle
    /// Wider tables become three lines per connection, then lines are cut; nil: never.
    public var width: Int?

    public init(style: TerminalStyle = .plain, width: Int? = nil) {
        self.style = style
        self.width = width
    }

    public func render(_ summaries: [ConnectionSummary]) -> String {
        let wide = table(summaries)
        guard let width, wide.contains(where: { LineFitting.visibleWidth($0) > width }) else {
            return wide.enumerated().map { $0 == 0 ? style.bold($1) : $1 }.joined(separator: "\n") + "\n"
        }
        return summaries.flatMap(record).map { LineFitting.cut($0, to: width) }.joined(separator: "\n") + "\n"
    }

    func table(_ summaries: [ConnectionSummary]) -> [String] {
        var rows = [["stream", "protocol", "client", "server", "packets c→s", "packets s→c", "bytes c→s", "bytes s→c",
                     "messages", "duration", "state"]]
        for summary in summaries {
            let client = summary.sides.client, server = summary.sides.server
            rows.append([
                String(summary.stream),
                protocolName(summary),
                summary.client.description, summary.server.description,
                String(client.packets), String(server.packets), String(client.payloadBytes), String(server.payloadBytes),
                String(summary.messages), String(format6: summary.duration) + " s", summary.state.rawValue,
            ])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column >= 4 && column <= 8 ? cell.leftPadded(widths[column], with: " ") : cell.rightPadded(widths[column])
            }.joined(separator: "  ").droppingTrailingSpaces
        }
    }

    /// A connection in three lines, for terminals too narrow for the table.
    func record(_ summary: ConnectionSummary) -> [String] {
        let client = summary.sides.client, server = summary.sides.server
        func side(_ side: ConnectionSummary.Side) -> String {
            "\(side.packets) packet\(side.packets == 1 ? "" : "s") \(side.payloadBytes) byte\(side.payloadBytes == 1 ? "" : "s")"
        }
        return [
            style.bold("stream \(summary.stream)") + "  \(protocolName(summary))  \(summary.client) → \(summary.server)  "
                + summary.state.rawValue,
            "  c→s \(side(client))  s→c \(side(server))",
            "  \(summary.messages) message\(summary.messages == 1 ? "" : "s") in \(String(format6: summary.duration)) s",
        ]
    }

    func protocolName(_ summary: ConnectionSummary) -> String {
        summary.protocolName + (summary.protocolGuessed ? " (guessed)" : "")
    }

    public static func json(_ summary: ConnectionSummary) -> String {
        var json = JSONWriter()
        json.add("stream", summary.stream)
        json.add("protocol", summary.protocolName)
        json.add("guessed", summary.protocolGuessed)
        json.add("client", summary.client.description)
        json.add("server", summary.server.description)
        for (key, side) in [("client_to_server", summary.sides.client), ("server_to_client", summary.sides.server)] {
            var object = JSONWriter()
            object.add("packets", side.packets)
            object.add("payload_bytes", side.payloadBytes)
            object.add("wire_bytes", side.wireBytes)
            json.addRaw(key, object.finished())
        }
        json.add("messages", summary.messages)
        json.add("start", summary.firstSeen.decimalString)
        json.add("duration", String(format6: summary.duration))
        json.add("state", summary.state.rawValue)
        return json.finished()
    }
}
