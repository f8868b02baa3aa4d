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
        let run = try CaptureRun(file: file, streams: try streams.streamOptions())
        run.pipeline.collectsMessages = false
        run.pipeline.streams!.keepsSummaries = true
        let out = Output()
        let decoder = run.pipeline.streams!
        let damage = run.forEachPacket { _ in
            if json {
                for summary in decoder.takeSummaries() { out.write(StreamTable.json(summary) + "\n") }
            }
            return true
        }
        run.pipeline.finish()
        let summaries = (decoder.takeSummaries() + decoder.openSummaries).sorted { $0.stream < $1.stream }
        if json {
            for summary in summaries { out.write(StreamTable.json(summary) + "\n") }
        } else {
            out.write(StreamTable(style: output.style).render(summaries))
        }
        try run.finish(damage, output: out)
    }
}
