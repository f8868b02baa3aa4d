#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import OsiscopeCapture
import OsiscopeFilter
import OsiscopeStreams
import OsiscopeViews
import OsiscopeWire

struct Follow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one TCP stream's bytes in order, client and server in their own colours, or its messages.",
        discussion: """
        Reassembled: segments are put in order, retransmissions dropped, and bytes the capture \
        lost are marked. Control characters are shown escaped, never sent to the terminal. With \
        --messages or --session, -Y keeps the messages that match a display filter (the fields of \
        'osiscope messages -Y').

        With --raw, the stream's bytes are written exactly as they were sent, escaping nothing, \
        to the file -o names (or to a pipe with -o -, never to a terminal): both directions in \
        stream order, or one with --direction. Bytes the capture lost are left out, and counted \
        on standard error.

        Examples:
          osiscope follow Samples/websocket-plain.pcapng --stream 0
          osiscope follow Samples/http-keepalive.pcap --stream 0 --raw --direction server -o responses.bin
          osiscope follow Samples/socketio-upgrade.pcapng --stream 1 --messages -Y 'websocket.from == "server"'
        """)

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Option(name: .long, help: ArgumentHelp("The TCP stream to follow (tcp.stream, see 'osiscope streams').", valueName: "n"))
    var stream: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Tell one Engine.IO/Socket.IO session's story instead, across all its connections (sid, see 'osiscope sessions').",
        valueName: "sid"))
    var session: String?

    @Flag(name: .long, help: "Show the stream's application messages instead of its bytes.")
    var messages = false

    @Flag(name: .long, help: "Show the bytes as a hex dump.")
    var hex = false

    @Flag(name: .long, help: "Write the stream's bytes exactly as sent, nothing escaped, to the file given with -o.")
    var raw = false

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("With --raw: the file to write ('-' for a pipe).", valueName: "file"))
    var outputFile: String?

    @Option(name: .long, help: ArgumentHelp("With --raw: only what this side sent (client or server).", valueName: "side"))
    var direction: String?

    @OptionGroup var display: DisplayFilterOptions
    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if display.expression != nil && !messages && session == nil {
            throw ValidationError("-Y keeps the messages that match: use it with --messages or --session")
        }
        if (stream == nil) == (session == nil) { throw ValidationError("name what to follow: --stream N or --session SID") }
        if session != nil && hex { throw ValidationError("--session shows a session's messages; --hex applies to --stream") }
        if hex && messages { throw ValidationError("--hex shows bytes; --messages shows messages: choose one") }
        if raw && (hex || messages || session != nil) { throw ValidationError("--raw writes one stream's bytes: not with --hex, --messages or --session") }
        if raw && outputFile == nil { throw ValidationError("--raw needs -o FILE (or -o - for a pipe): raw bytes are not shown on a terminal") }
        if !raw && (outputFile != nil || direction != nil) { throw ValidationError("-o and --direction go with --raw") }
        if let direction, Direction(rawValue: direction) == nil { throw ValidationError("--direction is client or server, not '\(direction)'") }
    }

    func run() throws {
        let filter = try display.compile(MessageFields.catalog)
        func matches(_ message: ApplicationMessage) -> Bool {
            filter.map { $0.matches(MessageFields.gather(message, keys: $0.keys)) } ?? true
        }
        guard let stream else { return try followSession(session ?? "", matches: matches) }
        if raw { return try writeRaw(stream) }
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
            case .messageCompleted(let message) where message.stream == stream && matches(message):
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
        if !seen, filter == nil {
            printError("\(run.name): stream \(stream) has no \(messages ? "messages" : "payload") (see 'osiscope streams \(file)')")
        }
    }

    /// The stream's bytes, unescaped, into a file or a pipe; what was lost is counted, not invented.
    private func writeRaw(_ stream: Int) throws {
        if outputFile == "-" && isatty(STDOUT_FILENO) == 1 {
            printError("--raw -o - writes raw bytes, which would drive this terminal: give a file, or pipe the output")
            throw ExitStatus.usage
        }
        let run = try CaptureRun(file: file, events: .streamBytes, streams: try streams.streamOptions(), streamBytesOf: stream)
        let out = try openOutput(outputFile ?? "-")
        let side = direction.flatMap(Direction.init(rawValue:))
        var written: Int64 = 0, lost: Int64 = 0
        var finished: Set<Direction> = []
        let damage = run.forEachEvent { event in
            guard case .streamBytes(let number, let bytes) = event, number == stream else { return true }
            switch bytes {
            case .data(let chunk) where side == nil || chunk.direction == side:
                out.write(bytes: chunk.bytes)
                written += Int64(chunk.bytes.count)
            case .gap(let gapDirection, _, let length) where side == nil || gapDirection == side:
                lost += length
            case .finished(let finishedDirection): finished.insert(finishedDirection)
            case .reset: finished = Set(Direction.allCases)
            default: break
            }
            return finished.count < 2
        }
        out.flush()
        try run.finish(damage, output: out)
        try run.checkStream(stream)
        printError("\(run.name): stream \(stream): \(written) bytes written\(lost > 0 ? ", \(lost) bytes the capture lost left out" : "")")
    }

    /// Every message of one session in time order: the HTTP requests and WebSocket messages
    /// that carried it, and its Engine.IO and Socket.IO packets, whatever the connection.
    private func followSession(_ sid: String, matches: (ApplicationMessage) -> Bool) throws {
        let run = try CaptureRun(file: file, events: [.messages, .connections], streams: try streams.streamOptions(),
                                 threads: streams.decodingThreads)
        let out = run.makeOutput()
        let list = MessageList(style: output.style, width: terminalWidth())
        var seen = false
        let damage = SessionFlow.run(run) { item in
            guard item.message.session == sid, !MessageList.repeatsAnotherLine(item.message, showsEveryConnection: false) else { return }
            seen = true
            guard matches(item.message) else { return }
            out.writeLine(list.line(item.message, since: run.pipeline.firstTimestamp ?? item.message.timestamp))
        }
        try run.finish(damage, output: out)
        if !seen {
            printError("\(run.name): no session \(TerminalSafe.text(sid)) (see 'osiscope sessions \(file)')")
            throw ExitStatus.usage
        }
    }
}
