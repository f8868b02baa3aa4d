import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one self-contained HTML page: every packet layer by layer with its bytes, each conversation with its ladder and figures.",
        discussion: """
        For teachers and bug reports: the page needs no network and no program but a browser. Each \
        packet is a line of the packet list that opens onto its layers, coloured by OSI layer, with \
        every field and its filter key, and its bytes coloured by the layer that owns them (pointing \
        at a field lights up its bytes). Each TCP conversation follows with its figures (as \
        'stats') and its sequence diagram (as 'ladder --format svg'). --packets, --stream, -f and \
        -Y choose the packets; conversations are those of the packets chosen.

        Examples:
          osiscope report Samples/websocket-plain.pcapng -o websocket.html
          osiscope report capture.pcapng -Y 'tcp.stream == 3' -o stream3.html
        """)

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The HTML file to write ('-' for standard output).", valueName: "file"))
    var output: String

    @OptionGroup var selection: PacketSelectionOptions
    @OptionGroup var streams: StreamDecodingOptions

    /// Conversations drawn at most; the rest are counted (a report of thousands is no report).
    static let conversationLimit = 500

    func run() throws {
        let choice = try selection.choice()
        let out = try openOutput(output)
        let run = try CaptureRun(file: file, events: [.packets, .messages, .connections], streams: try streams.streamOptions(),
                                 showsProgress: output != "-", threads: streams.decodingThreads)
        let view = ReportPacket()
        var clock = TimeColumn()
        var collector = FigureCollector()
        var ladder = LadderBuilder()
        var sides = ClientSides()
        var figures: [Int: ConversationFigures] = [:]
        var chosenStreams = Set<Int>()
        var shown = 0, leftOut = 0
        out.write(ReportPage.header(file: run.name, version: Osiscope.configuration.version))
        let damage = SessionFlow.run(run, observe: { event in
            if case .packet(let packet) = event, let decoded = choice.decodedIfShown(packet) {
                let start = run.pipeline.firstTimestamp ?? packet.packet.timestamp
                out.write(view.render(decoded, time: clock.text(packet.packet.timestamp, start: start)))
                shown += 1
                if let conversation = packet.conversation, !conversation.isUDP { chosenStreams.insert(conversation.stream) }
            }
            if case .connectionClosed(let summary) = event { ladder.closed(stream: summary.stream) }
            sides.take(event) { packet, stream, direction in ladder.add(packet, stream: stream, direction: direction, drawn: false) }
            if let done = collector.take(event), chosenStreams.contains(done.stream) {
                if figures.count < Self.conversationLimit { figures[done.stream] = done } else { leftOut += 1 }
            }
        }) { item in
            ladder.add(item.message)
        }
        out.write(ReportPage.conversationsStart(packets: shown))
        let entries = Dictionary(grouping: ladder.finish()) { $0.stream }
        for stream in figures.keys.sorted() {
            out.write(ReportConversation.render(figures[stream]!, ladder: LadderLayout(entries[stream] ?? [])))
        }
        out.write(ReportPage.footer(conversations: figures.count, leftOut: leftOut))
        try run.finish(damage, output: out)
        try run.checkStream(selection.stream)
        try selection.checkShown(shown, run)
    }
}
