import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews

struct Sessions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List Engine.IO/Socket.IO sessions: one per sid, across every connection that carried it.",
        discussion: """
        A session starts with the Engine.IO open packet and may use several TCP connections: \
        long-polling requests (often two or more connections at once) and the WebSocket it \
        upgrades to. Each session is shown when it ends: a close packet, a DISCONNECT, the \
        WebSocket closing, or silence longer than its heartbeat period.

        Examples:
          osiscope sessions Samples/socketio-upgrade.pcapng
          osiscope sessions capture.pcap --json | jq '.acks[].rtt'
        """)

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Flag(name: .long, help: "Print JSON Lines, one object per session, as each one ends.")
    var json = false

    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let run = try CaptureRun(file: file, events: [.messages, .connections], streams: try streams.streamOptions(),
                                 showsProgress: !json, threads: streams.decodingThreads)
        let out = run.makeOutput()
        let view = SessionView(style: output.style, width: terminalWidth())
        var count = 0
        let damage = SessionFlow.run(run, ended: { session in
            if json {
                out.writeLine(SessionView.json(session))
            } else {
                if count > 0 { out.writeLine("") }
                out.writeLine(view.render(session, since: run.pipeline.firstTimestamp ?? session.first))
            }
            count += 1
        }) { _ in }
        try run.finish(damage, output: out)
        if count == 0 && !json { printError("\(run.name): no Engine.IO or Socket.IO session found") }
    }
}
