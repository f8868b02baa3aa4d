import OsiscopeStreams

/// The conversations table: one row per TCP connection.
public struct StreamTable: Sendable {
    public var style: TerminalStyle

    public init(style: TerminalStyle = .plain) { self.style = style }

    public func render(_ summaries: [ConnectionSummary]) -> String {
        var rows = [["stream", "protocol", "client", "server", "packets c→s", "packets s→c", "bytes c→s", "bytes s→c",
                     "messages", "duration", "state"]]
        for summary in summaries {
            let client = summary.sides.client, server = summary.sides.server
            rows.append([
                String(summary.stream),
                summary.protocolName + (summary.protocolGuessed ? " (guessed)" : ""),
                summary.client.description, summary.server.description,
                String(client.packets), String(server.packets), String(client.payloadBytes), String(server.payloadBytes),
                String(summary.messages), String(format6: summary.duration) + " s", summary.state.rawValue,
            ])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
        return rows.enumerated().map { index, row in
            let line = row.enumerated().map { column, cell in
                column >= 4 && column <= 8 ? cell.leftPadded(widths[column], with: " ") : cell.rightPadded(widths[column])
            }.joined(separator: "  ")
            return index == 0 ? style.bold(line) : line
        }.joined(separator: "\n") + "\n"
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
