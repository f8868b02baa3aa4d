import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews
import OsiscopeWire

enum LadderFormat: String, ExpressibleByArgument, CaseIterable {
    case text, mermaid, plantuml, svg
}

struct Ladder: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A sequence diagram of one conversation: client and server lanes, one arrow per message.",
        discussion: """
        Time flows down with the capture's timestamps; pauses of 50 ms or more are shortened to a \
        labelled row. Every entry of 'messages' for the stream is an arrow (HTTP, WebSocket, \
        Engine.IO, Socket.IO, and lost bytes); --tcp adds every segment. A lane is heavy while a \
        message from that side is still arriving (its first packet came, its last has not); an arrow \
        sent meanwhile by the other side is marked: that is full duplex.

        Examples:
          osiscope ladder Samples/update-long-polling.pcapng --stream 0
          osiscope ladder Samples/websocket-plain.pcapng --stream 0 --format mermaid > ladder.mmd
          osiscope ladder Samples/socketio-upgrade.pcapng --session sdzyD9k5FuB9CxaMAAAA --format svg > session.svg
        """)

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Option(name: .long, help: ArgumentHelp("The TCP stream to draw (tcp.stream); needed when there are several.", valueName: "n"))
    var stream: Int?

    @Option(name: .long, help: ArgumentHelp("The Engine.IO session to draw, across its connections.", valueName: "sid"))
    var session: String?

    @Flag(name: .long, help: "Also draw every TCP segment (handshake and teardown included).")
    var tcp = false

    @Flag(name: .long, help: "ASCII characters instead of Unicode box drawing.")
    var ascii = false

    @Option(name: .long, help: "text (the terminal), mermaid, plantuml or svg.")
    var format: LadderFormat = .text

    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if stream != nil && session != nil { throw ValidationError("--stream and --session each choose what to draw: give one") }
    }

    func run() throws {
        // Packets always: their acknowledgments say how long each message was in flight.
        let run = try CaptureRun(file: file, events: [.packets, .messages, .connections], streams: try streams.streamOptions(), showsProgress: format == .text,
                                 threads: streams.decodingThreads)
        var builder = LadderBuilder()
        var endpoints: [Int: (client: Endpoint, server: Endpoint)] = [:]
        var sides = ClientSides()
        var sessionStreams = Set<Int>()
        let stream = stream, session = session, tcp = tcp
        let damage = SessionFlow.run(run, observe: { event in
            switch event {
            case .connectionOpened(let summary) where stream == nil || summary.stream == stream:
                endpoints[summary.stream] = (summary.client, summary.server)
            case .connectionClosed(let summary):
                builder.closed(stream: summary.stream)
            default: break
            }
            sides.take(event) { packet, packetStream, direction in
                builder.add(packet, stream: packetStream, direction: direction, drawn: tcp && (stream == nil || packetStream == stream))
            }
        }) { item in
            let message = item.message
            if let session {
                guard message.session == session else { return }
                sessionStreams.insert(message.stream)
            } else if let stream, message.stream != stream {
                return
            }
            builder.add(message)
        }
        var entries = builder.finish()
        run.progress?.clear()
        try run.checkStream(stream)
        let chosen: [Int]
        if let session {
            guard !sessionStreams.isEmpty else {
                printError("\(run.name): no Engine.IO session \(session) (see 'osiscope sessions')")
                throw ExitStatus.usage
            }
            chosen = sessionStreams.sorted()
            entries.removeAll { $0.kind == .segment && !sessionStreams.contains($0.stream) }
        } else if let stream {
            chosen = [stream]
        } else if endpoints.count == 1 {
            chosen = Array(endpoints.keys)
        } else {
            printError("\(run.name): \(endpoints.isEmpty ? "the capture has no TCP streams" : "the capture has \(endpoints.count) TCP streams"): "
                       + "choose one with --stream N (see 'osiscope streams') or a session with --session SID")
            throw ExitStatus.usage
        }
        let first = endpoints[chosen[0]]
        let client = first.map { $0.client.description } ?? "?", server = first.map { $0.server.description } ?? "?"
        let subject = session.map { "session \(TerminalSafe.text($0)) (streams \(chosen.map(String.init).joined(separator: ", ")))" }
            ?? "stream \(chosen[0])"
        let layout = LadderLayout(entries)
        let out = run.makeOutput()
        switch format {
        case .text:
            let view = LadderText(style: output.style, ascii: ascii, width: terminalWidth() ?? 80)
            for line in view.render(layout, client: client, server: server, subject: subject) { out.writeLine(line) }
        case .mermaid: out.write(LadderDocuments.mermaid(layout, client: client, server: server))
        case .plantuml: out.write(LadderDocuments.plantUML(layout, client: client, server: server))
        case .svg: out.write(LadderSVG.render(layout, client: client, server: server, subject: subject))
        }
        if builder.dropped > 0 {
            printError("\(run.name): the ladder shows the first \(builder.limit) arrows; \(builder.dropped) more left out")
        }
        try run.finish(damage, output: out)
    }
}
