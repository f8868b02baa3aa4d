import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews
import OsiscopeWire
import OsiscopeTestSupport

/// The human views at the width of a terminal (80 columns, the test width, and 120), plain and
/// coloured: long lines wrap under their start, tables too wide become records.
@Suite struct FittedViewsGoldenTests {
    static let coloured = TerminalStyle(enabled: true)

    static func recording(_ sample: String) throws -> PipelineRecording {
        try PipelineRecording.record(path: GoldenFile.samples.appendingPathComponent(sample).path)
    }

    @Test(arguments: [80, 120])
    func explainedTreeWrapsUnderEachField(width: Int) throws {
        let request = try #require(try Self.recording("http-keepalive.pcap").packets.first { $0.packet.number == 4 })
        let plain = TreeRenderer(explain: true, width: width).render(request)
        #expect(plain.split(separator: "\n").allSatisfy { LineFitting.visibleWidth(String($0)) <= width })
        try GoldenFile.check(plain, against: "http-request.explain.\(width).txt")
        try GoldenFile.check(TreeRenderer(style: Self.coloured, explain: true, width: width).render(request),
                             against: "http-request.explain.\(width).ansi")
    }

    @Test(arguments: [80, 120])
    func messageListWrapsUnderTheDescription(width: Int) throws {
        let run = try Self.recording("websocket-deflate.pcap")
        let start = try #require(run.start)
        for (style, suffix) in [(TerminalStyle.plain, "txt"), (Self.coloured, "ansi")] {
            let list = MessageList(style: style, width: width)
            let text = run.messages.map { list.line($0, since: start) + "\n" }.joined()
            #expect(text.split(separator: "\n").allSatisfy { LineFitting.visibleWidth(String($0)) <= width })
            try GoldenFile.check(text, against: "websocket-deflate.messages.\(width).\(suffix)")
        }
    }

    /// The table needs more than 80 columns for this capture: at 80 each connection becomes a record.
    @Test(arguments: [80, 120])
    func conversationTableFitsTheWidth(width: Int) throws {
        let summaries = try Self.recording("websocket-ipv6.pcap").closed
        for (style, suffix) in [(TerminalStyle.plain, "txt"), (Self.coloured, "ansi")] {
            let text = StreamTable(style: style, width: width).render(summaries)
            #expect(text.split(separator: "\n").allSatisfy { LineFitting.visibleWidth(String($0)) <= width })
            try GoldenFile.check(text, against: "websocket-ipv6.streams.\(width).\(suffix)")
        }
    }

    @Test(arguments: [80, 120])
    func fieldListWrapsTheSentences(width: Int) throws {
        let registry = try #require(Registry.registry(named: "websocket"))
        for (style, suffix) in [(TerminalStyle.plain, "txt"), (Self.coloured, "ansi")] {
            let text = RegistryView(style: style, width: width).render(registry)
            #expect(text.split(separator: "\n").allSatisfy { LineFitting.visibleWidth(String($0)) <= width })
            try GoldenFile.check(text, against: "websocket.fields.\(width).\(suffix)")
        }
    }
}

/// The Socket.IO views after the session stage: the message list of a polling session spread
/// over two connections, and `sessions` of the room broadcast, at 80 and 120 columns.
@Suite struct SessionViewsGoldenTests {
    static func staged(_ sample: String) throws -> (messages: [ApplicationMessage], sessions: [SessionSummary], start: Timestamp) {
        let recording = try PipelineRecording.record(path: GoldenFile.samples.appendingPathComponent(sample).path)
        var stage = SessionStage()
        var messages: [ApplicationMessage] = []
        for message in recording.messages { stage.take(message) { messages.append($0.message) } }
        stage.finish { messages.append($0.message) }
        return (messages, stage.takeEnded(), try #require(recording.start))
    }

    @Test(arguments: [80, 120])
    func pollingSessionMessageList(width: Int) throws {
        let run = try Self.staged("socketio-polling.pcapng")
        let shown = run.messages.filter { !MessageList.repeatsAnotherLine($0) }
        #expect(shown.count < run.messages.count)
        for (style, suffix) in [(TerminalStyle.plain, "txt"), (FittedViewsGoldenTests.coloured, "ansi")] {
            let list = MessageList(style: style, width: width)
            let text = shown.map { list.line($0, since: run.start) + "\n" }.joined()
            #expect(text.split(separator: "\n").allSatisfy { LineFitting.visibleWidth(String($0)) <= width })
            try GoldenFile.check(text, against: "socketio-polling.messages.\(width).\(suffix)")
        }
    }

    /// The packet that completes a BINARY_EVENT: its WebSocket frame, the Engine.IO binary
    /// packet, and the Socket.IO layer with the attachment in place, explained.
    @Test(arguments: [80, 120])
    func socketIOLayersExplained(width: Int) throws {
        let recording = try PipelineRecording.record(path: GoldenFile.samples.appendingPathComponent("socketio-upgrade.pcapng").path)
        let packet = try #require(recording.packets.first { $0.packet.number == 24 })
        #expect(packet.layers.map(\.protocolKey).suffix(3) == ["websocket", "engine.io", "socket.io"])
        for (style, suffix) in [(TerminalStyle.plain, "txt"), (FittedViewsGoldenTests.coloured, "ansi")] {
            let text = TreeRenderer(style: style, explain: true, width: width).render(packet)
            #expect(text.split(separator: "\n").allSatisfy { LineFitting.visibleWidth(String($0)) <= width })
            try GoldenFile.check(text, against: "socketio-binary-event.explain.\(width).\(suffix)")
        }
    }

    @Test(arguments: [80, 120])
    func broadcastSessions(width: Int) throws {
        let run = try Self.staged("socketio-broadcast.pcapng")
        #expect(run.sessions.count == 3)
        for (style, suffix) in [(TerminalStyle.plain, "txt"), (FittedViewsGoldenTests.coloured, "ansi")] {
            let view = SessionView(style: style, width: width)
            let text = run.sessions.map { view.render($0, since: run.start) + "\n" }.joined(separator: "\n")
            #expect(text.split(separator: "\n").allSatisfy { LineFitting.visibleWidth(String($0)) <= width })
            try GoldenFile.check(text, against: "socketio-broadcast.sessions.\(width).\(suffix)")
        }
        try GoldenFile.check(run.sessions.map { String(decoding: SessionView.json($0), as: UTF8.self) + "\n" }.joined(),
                             against: "socketio-broadcast.sessions.json")
    }
}
