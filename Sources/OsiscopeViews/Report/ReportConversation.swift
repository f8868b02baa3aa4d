import OsiscopeStreams

/// One conversation of the report: its figures as `stats` writes them, and its ladder as the
/// SVG `ladder --format svg` draws, inline.
public enum ReportConversation {
    public static func render(_ figures: ConversationFigures, ladder: LadderLayout) -> String {
        let client = figures.client.description, server = figures.server.description
        var html = "<div class=\"conversation\" id=\"s\(figures.stream)\"><h3>Stream \(figures.stream) · \(HTMLText.escape(figures.protocolName)) · "
        html += "\(HTMLText.escape(client)) → \(HTMLText.escape(server))</h3>\n"
        html += "<pre>" + HTMLText.escapeLines(StatsView().render(figures).trimmingTrailingNewlines) + "</pre>\n"
        if ladder.rows.isEmpty {
            html += "<p class=\"count\">No messages to draw.</p>\n"
        } else {
            html += LadderSVG.render(ladder, client: client, server: server, subject: "stream \(figures.stream)", standalone: false)
        }
        return html + "</div>\n"
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
