import ArgumentParser
import OsiscopeCapture
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
        let run = try CaptureRun(file: file, events: .connections, streams: try streams.streamOptions(), showsProgress: !json,
                                 threads: streams.decodingThreads)
        let out = run.makeOutput()
        let damage: CaptureError?
        if json {
            damage = run.forEach(prepare: { Self.closed($0).map(StreamTable.json) }) { line in
                out.writeLine(line)
                return true
            }
        } else {
            var summaries: [ConnectionSummary] = []
            damage = run.forEach(prepare: Self.closed) { summary in
                summaries.append(summary)
                return true
            }
            out.write(StreamTable(style: output.style, width: terminalWidth()).render(summaries.sorted { $0.stream < $1.stream }))
        }
        try run.finish(damage, output: out)
    }

    /// The final counts of a connection that an event retires.
    static func closed(_ event: PipelineEvent) -> ConnectionSummary? {
        guard case .connectionClosed(let summary) = event else { return nil }
        return summary
    }
}
