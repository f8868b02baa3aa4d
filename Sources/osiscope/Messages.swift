import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews

struct Messages: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List application messages: HTTP requests and responses, WebSocket messages.",
        discussion: """
        Each message appears once it is complete: HTTP bodies read to their end, WebSocket \
        fragments joined, unmasked and inflated (permessage-deflate).

        Examples:
          osiscope messages Samples/websocket-plain.pcapng
          osiscope messages capture.pcap --stream 3 --json | jq 'select(.protocol=="websocket") | .text'
        """
    )

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Option(name: .long, help: ArgumentHelp("Only messages of this TCP stream (tcp.stream).", valueName: "n"))
    var stream: Int?

    @Flag(name: .long, help: "Print JSON Lines, one object per message (see the README).")
    var json = false

    @Flag(name: .long, help: "With --json, add HTTP bodies (gzip and deflate Content-Encoding removed) as body_text or body_base64.")
    var bodies = false

    @Flag(name: .long, help: "Show each message's text whole instead of its first 100 characters.")
    var full = false

    @OptionGroup var time: TimeOptions
    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if bodies && !json { throw ValidationError("--bodies adds bodies to the JSON output: use it with --json") }
        if full && json { throw ValidationError("--full applies to the list; JSON always has whole texts") }
    }

    func run() throws {
        let run = try CaptureRun(file: file, events: .messages, streams: try streams.streamOptions(), showsProgress: !json,
                                 threads: streams.decodingThreads)
        let out = run.makeOutput()
        let stream = stream, bodies = bodies
        let damage: CaptureError?
        if json {
            damage = run.forEach(prepare: { event in
                Self.completed(event, stream: stream).map { MessageJSON.encodedBytes($0, includeBodies: bodies) }
            }) { line in
                out.writeLine(line)
                return true
            }
        } else {
            var list = MessageList(style: output.style, width: terminalWidth())
            if full { list.textLimit = Int.max }
            var clock = TimeColumn(time.timeFormat)
            damage = run.forEach(prepare: { Self.completed($0, stream: stream) }) { message in
                let at = clock.text(message.timestamp, start: run.pipeline.firstTimestamp ?? message.timestamp)
                out.writeLine(list.line(message, time: at))
                return true
            }
        }
        try run.finish(damage, output: out)
        try run.checkStream(stream)
    }

    /// The message an event completes, when it is of the stream asked for.
    static func completed(_ event: PipelineEvent, stream: Int?) -> ApplicationMessage? {
        guard case .messageCompleted(let message) = event, stream == nil || message.stream == stream else { return nil }
        return message
    }
}
