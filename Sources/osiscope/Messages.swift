import Foundation
import ArgumentParser
import OsiscopeCapture
import OsiscopeFilter
import OsiscopeStreams
import OsiscopeViews

struct Messages: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List application messages: HTTP, WebSocket, Engine.IO and Socket.IO.",
        discussion: """
        Each message appears once it is complete: HTTP bodies read to their end, WebSocket \
        fragments joined, unmasked and inflated (permessage-deflate), Engine.IO packets split out \
        of long-polling bodies and WebSocket messages, Socket.IO events with their attachments put \
        back and their acks paired across connections (rtt). Each layer is an entry of its own: \
        --protocol narrows the list.

        Examples:
          osiscope messages Samples/websocket-plain.pcapng
          osiscope messages capture.pcap --stream 3 --json | jq 'select(.protocol=="websocket") | .text'
          osiscope messages Samples/socketio-upgrade.pcapng --protocol socket.io
          osiscope messages capture.pcap -Y 'websocket.length > 65536 || http.time_since_request > 0.2'
          osiscope messages capture.pcap -Y 'socket.io.event == "chat" && socket.io.args contains "hello"'
          osiscope messages capture.pcap -Y websocket -T fields -e websocket.stream -e websocket.from -e websocket.length

        -Y takes Wireshark's display-filter language; each key of a message's JSON object is the \
        field PROTOCOL.KEY (websocket.text, http.status, socket.io.event), diagnostics are fields by \
        their keys, and registry names work as well (websocket.opcode == 1, http.request.method).
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

    @Option(name: .customLong("protocol"), help: ArgumentHelp(
        "Only messages of these protocols, comma-separated: http, websocket, engine.io, socket.io, tcp (gaps).",
        valueName: "names"))
    var protocols: String?

    @Flag(name: .long, help: "Show each message's text whole instead of its first 100 characters.")
    var full = false

    @OptionGroup var display: DisplayFilterOptions
    @OptionGroup var fieldOutput: FieldOutputOptions
    @OptionGroup var time: TimeOptions
    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if bodies && !json { throw ValidationError("--bodies adds bodies to the JSON output: use it with --json") }
        if fieldOutput.kind != nil && (json || full) { throw ValidationError("-T writes only the fields named with -e: leave out --json and --full") }
        if full && json { throw ValidationError("--full applies to the list; JSON always has whole texts") }
    }

    func run() throws {
        let run = try CaptureRun(file: file, events: [.messages, .connections], streams: try streams.streamOptions(), showsProgress: !json && fieldOutput.kind == nil,
                                 threads: streams.decodingThreads)
        let out = run.makeOutput()
        let stream = stream, bodies = bodies, protocols = try protocolFilter()
        let filter = try display.compile(MessageFields.catalog)
        @Sendable func shown(_ message: ApplicationMessage) -> Bool {
            (stream == nil || message.stream == stream) && (protocols?.contains(message.protocolName) ?? true)
        }
        @Sendable func matches(_ message: ApplicationMessage) -> Bool {
            filter.map { $0.matches(MessageFields.gather(message, keys: $0.keys)) } ?? true
        }
        let damage: CaptureError?
        if let columns = try fieldOutput.columns(MessageFields.catalog) {
            if let header = fieldOutput.header(columns) { out.writeLine(header) }
            damage = SessionFlow.run(run) { item in
                guard shown(item.message), matches(item.message) else { return }
                out.writeLine(fieldOutput.render(columns, MessageFields.gather(item.message, keys: columns.keys)))
            }
        } else if json {
            // Rendered on the decoding threads, and again when the session stage changed the message.
            damage = SessionFlow.run(run, prepare: { message in
                guard shown(message), message.protocolName != "socket.io", matches(message) else { return nil }
                return MessageJSON.encodedBytes(message, includeBodies: bodies)
            }) { item in
                guard shown(item.message) else { return }
                if let prepared = item.prepared, !item.changed {
                    out.writeLine(prepared)
                } else if matches(item.message) {
                    out.writeLine(MessageJSON.encodedBytes(item.message, includeBodies: bodies))
                }
            }
        } else {
            var list = MessageList(style: output.style, width: terminalWidth())
            if full { list.textLimit = Int.max }
            var clock = TimeColumn(time.timeFormat)
            damage = SessionFlow.run(run) { item in
                let message = item.message
                guard shown(message), matches(message) else { return }
                let engineIOAskedFor = protocols?.contains("engine.io") == true || filter?.keys.contains { $0.hasPrefix("engine.io") } == true
                if MessageList.repeatsAnotherLine(message, engineIOAskedFor: engineIOAskedFor,
                                                  showsEveryConnection: stream == nil) { return }
                let at = clock.text(message.timestamp, start: run.pipeline.firstTimestamp ?? message.timestamp)
                out.writeLine(list.line(message, time: at))
            }
        }
        try run.finish(damage, output: out)
        try run.checkStream(stream)
    }

    /// `--protocol`: the names asked for, checked.
    func protocolFilter() throws -> Set<String>? {
        guard let protocols else { return nil }
        let names = Set(protocols.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        let unknown = names.subtracting(Self.protocolNames)
        guard unknown.isEmpty else {
            throw ValidationError("--protocol takes names from \(Self.protocolNames.sorted().joined(separator: ", ")); not \(unknown.sorted().joined(separator: ", "))")
        }
        return names
    }

    static let protocolNames: Set<String> = ["http", "websocket", "engine.io", "socket.io", "tcp"]

}
