import Testing
import OsiscopeStreams
import OsiscopeTestSupport
@testable import OsiscopeViews

/// The HTML report's pieces: a packet (its line, layers, fields with their byte places, the
/// coloured dump, an unmasked payload) and a conversation (figures and ladder), as golden files.
@Suite struct ReportGoldenTests {
    @Test func aMaskedWebSocketFrameAndItsConversation() throws {
        let recording = try FiguresViewsGoldenTests.recording("websocket-plain.pcapng")
        let view = ReportPacket()
        // The client's first text frame (masked) and the server's answer.
        let html = [7, 8].map { index in
            let packet = recording.packets[index]
            return view.render(packet, time: String(format6: packet.packet.timestamp.seconds(since: recording.start!)))
        }.joined()
        try GoldenFile.check(html, against: "websocket-plain.report-packets.html")
        let figures = try #require(FiguresViewsGoldenTests.figures("websocket-plain.pcapng").conversations.first)
        let conversation = ReportConversation.render(figures, ladder: try FiguresViewsGoldenTests.ladder("websocket-plain.pcapng", tcp: false))
        try GoldenFile.check(conversation, against: "websocket-plain.report-conversation.html")
    }

    @Test func capturedTextCannotBecomeMarkup() {
        #expect(HTMLText.escape("<script>alert('x')</script> & \"q\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        // Control characters are written visibly, as in the terminal views, never raw.
        #expect(!HTMLText.escape("a\u{1b}[2Jb\u{0}").unicodeScalars.contains { $0.value < 0x20 })
        #expect(HTMLText.escapeLines("a<\nb>") == "a&lt;\nb&gt;")
    }
}
