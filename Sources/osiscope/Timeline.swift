import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews

struct Timeline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bytes per direction over time: one row of bars for client→server, one for server→client.",
        discussion: """
        Every TCP packet's bytes on the wire (frame length) are added to the column of its time, \
        on the row of the side that sent it. Polling shows as bursts that alternate; a WebSocket as \
        one connection whose server row fills without the client's. The scale is printed.

        Examples:
          osiscope timeline Samples/update-short-polling.pcapng
          osiscope timeline capture.pcap --stream 2 --json | jq .server_to_client_bytes
        """)

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Option(name: .long, help: ArgumentHelp("Only this TCP stream (tcp.stream).", valueName: "n"))
    var stream: Int?

    @Option(name: .long, help: ArgumentHelp("Columns of bars (default: what fits the terminal; 100 with --json).", valueName: "n"))
    var columns: Int?

    @Flag(name: .long, help: "ASCII characters instead of Unicode blocks.")
    var ascii = false

    @Flag(name: .long, help: "Print JSON Lines, one object per column (see the README).")
    var json = false

    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let columns, !(1...10_000).contains(columns) { throw ValidationError("--columns takes a number from 1 to 10000") }
    }

    func run() throws {
        let run = try CaptureRun(file: file, events: [.packets, .connections], streams: try streams.streamOptions(),
                                 showsProgress: !json, threads: streams.decodingThreads)
        let out = run.makeOutput()
        var sides = ClientSides()
        var timeline = TimelineBins()
        let damage = run.forEachEvent { event in
            sides.take(event) { packet, packetStream, direction in
                guard stream == nil || packetStream == stream else { return }
                timeline.add(packet.packet.originalLength, from: direction, at: packet.packet.timestamp)
            }
            return true
        }
        try run.checkStream(stream)
        if json {
            let (bins, seconds) = timeline.columns(columns ?? 100)
            for (index, bin) in bins.enumerated() { out.writeLine(TimelineView.json(bin, index: index, seconds: seconds)) }
        } else {
            let title = stream.map { "stream \($0)" } ?? "all TCP streams"
            let width = terminalWidth() ?? 80
            out.write(TimelineView(style: output.style, ascii: ascii).render(timeline, columns: columns ?? TimelineView.columns(width: width),
                                                                               title: title, width: width))
        }
        try run.finish(damage, output: out)
    }
}
