import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews
import OsiscopeWire

struct Follow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one TCP stream's bytes in order, client and server in their own colours, or its messages.",
        discussion: """
        Reassembled: segments are put in order, retransmissions dropped, and bytes the capture \
        lost are marked. Control characters are shown escaped, never sent to the terminal.
        """)

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Option(name: .long, help: ArgumentHelp("The TCP stream to follow (tcp.stream, see 'osiscope streams').", valueName: "n"))
    var stream: Int

    @Flag(name: .long, help: "Show the stream's application messages instead of its bytes.")
    var messages = false

    @Flag(name: .long, help: "Show the bytes as a hex dump.")
    var hex = false

    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if hex && messages { throw ValidationError("--hex shows bytes; --messages shows messages: choose one") }
    }

    func run() throws {
        let options = try streams.streamOptions()
        // The stream's bytes tell when it has ended (FIN both ways, or RST): reading stops there.
        let run = try CaptureRun(file: file, events: messages ? [.messages, .streamBytes] : .streamBytes, streams: options,
                                 streamBytesOf: stream)
        let out = run.makeOutput()
        let style = output.style
        let list = MessageList(style: style, width: terminalWidth())
        let view = FollowView(style: style, hex: hex)
        var seen = false
        var finished: Set<Direction> = []
        let damage = run.forEachEvent { event in
            switch event {
            case .messageCompleted(let message) where message.stream == stream:
                out.writeLine(list.line(message, since: run.pipeline.firstTimestamp ?? message.timestamp))
                seen = true
            case .streamBytes(let number, let bytes) where number == stream:
                if !messages {
                    out.write(view.render(bytes))
                    seen = true
                }
                switch bytes {
                case .finished(let direction): finished.insert(direction)
                case .reset: finished = Set(Direction.allCases)
                default: break
                }
                return finished.count < 2
            default: break
            }
            return true
        }
        try run.finish(damage, output: out)
        try run.checkStream(stream)
        if !seen {
            printError("\(run.name): stream \(stream) has no \(messages ? "messages" : "payload") (see 'osiscope streams \(file)')")
        }
    }
}
