import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Overhead and duplex figures per TCP conversation: bytes per layer, turns, pushes, overlap, latency.",
        discussion: """
        For each direction: packets, messages (HTTP and WebSocket, control frames included), the \
        application's payload (HTTP bodies, WebSocket payloads as sent) and the header bytes each \
        layer added (l2 link, l3 IP, l4 TCP, l7 HTTP heads and WebSocket frame headers). For the \
        conversation: turns (how often the sender of consecutive messages changed), server-initiated \
        messages (answering no request), the time both sides had unacknowledged data in flight \
        (full duplex), and HTTP request-to-response times. Each conversation is shown as it ends.

        Examples:
          osiscope stats Samples/update-websocket.pcapng
          osiscope stats Samples/update-short-polling.pcapng --json | jq '.server_to_client.overhead_bytes'
        """)

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Option(name: .long, help: ArgumentHelp("Only this TCP stream (tcp.stream).", valueName: "n"))
    var stream: Int?

    @Flag(name: .long, help: "Print JSON Lines, one object per conversation (see the README).")
    var json = false

    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let run = try CaptureRun(file: file, events: [.packets, .messages, .connections], streams: try streams.streamOptions(),
                                 showsProgress: !json, threads: streams.decodingThreads)
        let out = run.makeOutput()
        let view = StatsView(style: output.style, width: terminalWidth())
        var collector = FigureCollector()
        let damage = run.forEachEvent { event in
            if let figures = collector.take(event), stream == nil || figures.stream == stream {
                if json { out.writeLine(StatsView.json(figures)) } else { out.write(view.render(figures)) }
            }
            return true
        }
        try run.finish(damage, output: out)
        try run.checkStream(stream)
    }
}
