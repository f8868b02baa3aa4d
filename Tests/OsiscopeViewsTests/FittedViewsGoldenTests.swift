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
