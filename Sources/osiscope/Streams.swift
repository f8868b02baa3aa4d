import ArgumentParser
import OsiscopeCapture
import OsiscopeFilter
import OsiscopeStreams
import OsiscopeViews

struct Streams: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams",
        abstract: "List TCP conversations: endpoints, protocol, packets and bytes each way, state.",
        discussion: """
        With -Y, only the conversations with at least one packet that matches the display filter \
        are listed (their counts are still of all their packets).

        Examples:
          osiscope streams Samples/socketio-upgrade.pcapng
          osiscope streams capture.pcap -Y 'http.request.uri contains "socket.io"' --json
        """)

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Flag(name: .long, help: "Print JSON Lines, one object per conversation, as each one ends (so memory stays small on long captures).")
    var json = false

    @OptionGroup var display: DisplayFilterOptions
    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let filter = try display.compile()
        let run = try CaptureRun(file: file, events: filter == nil ? .connections : [.connections, .packets],
                                 streams: try streams.streamOptions(), showsProgress: !json, threads: streams.decodingThreads)
        let out = run.makeOutput()
        let damage: CaptureError?
        var matched: Set<Int> = []
        // A conversation is listed when no filter is given, or once one of its packets matched.
        func listed(_ step: Step) -> ConnectionSummary? {
            switch step {
            case .matched(let stream):
                matched.insert(stream)
                return nil
            case .closed(let summary):
                guard filter != nil else { return summary }
                return matched.remove(summary.stream) != nil ? summary : nil
            }
        }
        let prepare: @Sendable (PipelineEvent) -> Step? = { event in
            switch event {
            case .connectionClosed(let summary): return .closed(summary)
            case .packet(let packet):
                guard let filter, let conversation = packet.conversation, !conversation.isUDP else { return nil }
                let decoded = packet.decoded()
                return filter.matches(PacketFields.gather(decoded, keys: filter.keys)) ? .matched(conversation.stream) : nil
            default: return nil
            }
        }
        if json {
            damage = run.forEach(prepare: prepare) { step in
                if let summary = listed(step) { out.writeLine(StreamTable.json(summary)) }
                return true
            }
        } else {
            var summaries: [ConnectionSummary] = []
            damage = run.forEach(prepare: prepare) { step in
                if let summary = listed(step) { summaries.append(summary) }
                return true
            }
            out.write(StreamTable(style: output.style, width: terminalWidth()).render(summaries.sorted { $0.stream < $1.stream }))
        }
        try run.finish(damage, output: out)
    }

    /// What the ordered side needs: a packet of a stream matched, a conversation ended.
    enum Step: Sendable {
        case matched(Int)
        case closed(ConnectionSummary)
    }
}
