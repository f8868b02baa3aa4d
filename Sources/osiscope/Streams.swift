import ArgumentParser
import OsiscopeStreams
import OsiscopeViews

struct Streams: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "List TCP conversations: endpoints, protocol, packets and bytes each way, state.")

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Flag(name: .long, help: "Print JSON Lines, one object per conversation, as each one ends (so memory stays small on long captures).")
    var json = false

    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let run = try CaptureRun(file: file, events: .connections, streams: try streams.streamOptions(), showsProgress: !json)
        let out = run.makeOutput()
        var summaries: [ConnectionSummary] = []
        let damage = run.forEachEvent { event in
            guard case .connectionClosed(let summary) = event else { return true }
            if json {
                out.writeLine(StreamTable.json(summary))
            } else {
                summaries.append(summary)
            }
            return true
        }
        if !json { out.write(StreamTable(style: output.style, width: terminalWidth()).render(summaries.sorted { $0.stream < $1.stream })) }
        try run.finish(damage, output: out)
    }
}
