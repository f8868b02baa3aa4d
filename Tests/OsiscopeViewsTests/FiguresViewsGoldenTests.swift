import Foundation
import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews
import OsiscopeWire
import OsiscopeTestSupport

/// The pictures and figures of issue 10 on the comparison samples: stats, timeline, compare and
/// the ladder (text, ASCII, Mermaid, PlantUML, SVG), at 80 and 120 columns, plain and coloured.
@Suite struct FiguresViewsGoldenTests {
    static let coloured = TerminalStyle(enabled: true)
    static let styles = [(TerminalStyle.plain, "txt"), (coloured, "ansi")]

    static func recording(_ sample: String) throws -> PipelineRecording {
        try PipelineRecording.record(path: GoldenFile.samples.appendingPathComponent(sample).path)
    }

    static func figures(_ sample: String) throws -> (conversations: [ConversationFigures], totals: CaptureFigures) {
        var collector = FigureCollector()
        var conversations: [ConversationFigures] = []
        for event in try recording(sample).events {
            if let done = collector.take(event) { conversations.append(done) }
        }
        return (conversations, collector.totals)
    }

    static func fits(_ text: String, _ width: Int) -> Bool {
        text.split(separator: "\n").allSatisfy { LineFitting.visibleWidth(String($0)) <= width }
    }

    @Test(arguments: [80, 120])
    func statsOfAWebSocketAndOfLongPolling(width: Int) throws {
        for sample in ["update-websocket", "update-long-polling"] {
            let conversations = try Self.figures("\(sample).pcapng").conversations
            for (style, suffix) in Self.styles {
                let text = conversations.map { StatsView(style: style, width: width).render($0) }.joined()
                #expect(Self.fits(text, width))
                try GoldenFile.check(text, against: "\(sample).stats.\(width).\(suffix)")
            }
        }
    }

    @Test func statsJSONHasTheContractKeys() throws {
        let conversation = try #require(try Self.figures("update-websocket.pcapng").conversations.first)
        try GoldenFile.check(StatsView.json(conversation) + "\n", against: "update-websocket.stats.json")
    }

    @Test(arguments: [80, 120])
    func timelineOfShortPolling(width: Int) throws {
        var sides = ClientSides()
        var timeline = TimelineBins()
        for event in try Self.recording("update-short-polling.pcapng").events {
            sides.take(event) { packet, _, direction in
                timeline.add(packet.packet.originalLength, from: direction, at: packet.packet.timestamp)
            }
        }
        let columns = TimelineView.columns(width: width)
        for (style, suffix) in Self.styles {
            let text = TimelineView(style: style).render(timeline, columns: columns, title: "all TCP streams", width: width)
            #expect(Self.fits(text, width))
            try GoldenFile.check(text, against: "update-short-polling.timeline.\(width).\(suffix)")
        }
        let ascii = TimelineView(ascii: true).render(timeline, columns: columns, title: "all TCP streams", width: width)
        #expect(ascii.unicodeScalars.allSatisfy { $0.isASCII })
        try GoldenFile.check(ascii, against: "update-short-polling.timeline.\(width).ascii.txt")
    }

    /// At 80 and 120 the four captures are columns; at 60 each becomes a block.
    @Test(arguments: [60, 80, 120])
    func compareTheFourWaysOfSendingUpdates(width: Int) throws {
        let captures = try ["update-reload", "update-short-polling", "update-long-polling", "update-websocket"].map {
            (name: $0, figures: try Self.figures("\($0).pcapng").totals)
        }
        for (style, suffix) in Self.styles {
            let text = CompareView(style: style, width: width).render(captures)
            #expect(Self.fits(text, width))
            try GoldenFile.check(text, against: "update-compare.\(width).\(suffix)")
        }
    }

    static func ladder(_ sample: String, tcp: Bool) throws -> LadderLayout {
        var builder = LadderBuilder()
        var sides = ClientSides()
        for event in try recording(sample).events {
            switch event {
            case .messageCompleted(let message): builder.add(message)
            case .connectionClosed(let summary): builder.closed(stream: summary.stream)
            default: break
            }
            sides.take(event) { packet, stream, direction in builder.add(packet, stream: stream, direction: direction, drawn: tcp) }
        }
        return LadderLayout(builder.finish())
    }

    @Test(arguments: [80, 120])
    func ladderOfLongPolling(width: Int) throws {
        let layout = try Self.ladder("update-long-polling.pcapng", tcp: false)
        for (style, suffix) in Self.styles {
            let lines = LadderText(style: style, width: width).render(layout, client: "127.0.0.1:40011", server: "127.0.0.1:8092",
                                                                      subject: "stream 0")
            #expect(lines.allSatisfy { LineFitting.visibleWidth($0) <= width })
            try GoldenFile.check(lines.joined(separator: "\n") + "\n", against: "update-long-polling.ladder.\(width).\(suffix)")
        }
    }

    /// Both sides sending 30 KB messages at once: heavy lanes on both sides, arrows marked ⇄.
    @Test(arguments: [80, 120])
    func ladderOfFullDuplex(width: Int) throws {
        let layout = try Self.ladder("websocket-duplex.pcapng", tcp: false)
        #expect(layout.bothSending == 7)
        for (style, suffix) in Self.styles {
            let lines = LadderText(style: style, width: width).render(layout, client: "127.0.0.1:40013", server: "127.0.0.1:8094",
                                                                      subject: "stream 0")
            #expect(lines.allSatisfy { LineFitting.visibleWidth($0) <= width })
            try GoldenFile.check(lines.joined(separator: "\n") + "\n", against: "websocket-duplex.ladder.\(width).\(suffix)")
        }
    }

    @Test func ladderWithEverySegmentInASCII() throws {
        let layout = try Self.ladder("update-websocket.pcapng", tcp: true)
        let text = LadderText(ascii: true, width: 80).render(layout, client: "127.0.0.1:40012", server: "127.0.0.1:8093",
                                                             subject: "stream 0").joined(separator: "\n") + "\n"
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        try GoldenFile.check(text, against: "update-websocket.ladder-tcp.80.ascii.txt")
    }

    /// A 70,000-byte message arrives over dozens of segments: its sender's lane is heavy on the
    /// rows between its first packet and its last, and the echo's lane on the rows of the echo.
    @Test func aLongMessageMakesItsLaneHeavy() throws {
        let layout = try Self.ladder("websocket-plain.pcapng", tcp: true)
        func heavy(_ side: Direction) -> Int {
            layout.rows.filter { if case .entry(_, _, let inFlight) = $0 { inFlight[side] } else { false } }.count
        }
        // Packets 22 to 75 for the client's message (until the server's ACK in packet 76), and
        // as many rows for the echo.
        #expect(heavy(.client) == 58)
        #expect(heavy(.server) == 58)
        let lines = LadderText(width: 120).render(layout, client: "c", server: "s", subject: "stream 0")
        // The legend names the heavy lane once; each heavy row draws it.
        #expect(lines.filter { $0.contains("┃") }.count == 1 + layout.rows.filter {
            if case .entry(_, _, let inFlight) = $0 { inFlight.client || inFlight.server } else { false }
        }.count)
    }

    @Test func ladderForDocuments() throws {
        let layout = try Self.ladder("update-websocket.pcapng", tcp: false)
        let mermaid = LadderDocuments.mermaid(layout, client: "127.0.0.1:40012", server: "127.0.0.1:8093")
        #expect(mermaid.hasPrefix("sequenceDiagram\n"))
        try GoldenFile.check(mermaid, against: "update-websocket.ladder.mmd")
        let plant = LadderDocuments.plantUML(layout, client: "127.0.0.1:40012", server: "127.0.0.1:8093")
        #expect(plant.hasPrefix("@startuml\n") && plant.hasSuffix("@enduml\n"))
        try GoldenFile.check(plant, against: "update-websocket.ladder.puml")
        let svg = LadderSVG.render(layout, client: "127.0.0.1:40012", server: "127.0.0.1:8093", subject: "stream 0")
        try GoldenFile.check(svg, against: "update-websocket.ladder.svg")
    }

    /// Captured text can hold anything: in labels it is escaped for each format.
    @Test func labelsAreEscapedForEachFormat() {
        let time = Timestamp(seconds: 1, nanoseconds: 0)
        let entry = LadderEntry(kind: .message("websocket"), direction: .client, stream: 0, start: time, end: time,
                                label: #"a<b>&"c"; #1 \n"#, packets: [4])
        let layout = LadderLayout([entry])
        let mermaid = LadderDocuments.mermaid(layout, client: "c", server: "s")
        #expect(mermaid.contains(##"C->>S: a#lt;b#gt;&"c"#59; #35;1 \n (0.000000 s)"##))
        let plant = LadderDocuments.plantUML(layout, client: "c", server: "s")
        #expect(plant.contains(#"C -> S : a<b>&'c'; #1 ∖n (0.000000 s)"#))
        let svg = LadderSVG.render(layout, client: "c", server: "s", subject: "stream 0")
        #expect(svg.contains(#">a&lt;b&gt;&amp;&quot;c&quot;; #1 \n</text>"#))
    }
}
