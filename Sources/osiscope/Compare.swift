import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Two or more captures side by side: connections, packets, bytes per payload byte, overhead, latency, turns.",
        discussion: """
        Each capture's figures are the sums of its TCP conversations' (see 'osiscope stats'). \
        Recorded for this: the same five updates by page reload, short polling, long polling and \
        a WebSocket.

        Example:
          osiscope compare Samples/update-reload.pcapng Samples/update-short-polling.pcapng \\
            Samples/update-long-polling.pcapng Samples/update-websocket.pcapng
        """)

    @Argument(help: "Two or more pcap or pcapng files.")
    var files: [String]

    @Flag(name: .long, help: "Print JSON Lines, one object per capture (see the README).")
    var json = false

    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if files.count < 2 { throw ValidationError("compare takes two or more captures") }
        if files.contains("-") { throw ValidationError("compare reads files; standard input cannot be one of them") }
    }

    func run() throws {
        var captures: [(name: String, figures: CaptureFigures)] = []
        var damaged: [String] = []
        for file in files {
            let run = try CaptureRun(file: file, events: [.packets, .messages, .connections], streams: try streams.streamOptions(),
                                     showsProgress: !json, threads: streams.decodingThreads)
            var collector = FigureCollector()
            let damage = run.forEachEvent { event in
                _ = collector.take(event)
                return true
            }
            run.progress?.clear()
            if let damage {
                printError("\(run.name): damaged capture after packet \(run.pipeline.packetsRead): \(damage)")
                damaged.append(file)
            }
            captures.append((Self.shortName(file), collector.totals))
        }
        let out = Output()
        if json {
            for (file, capture) in zip(files, captures) { out.writeLine(CompareView.json(capture.figures, file: file)) }
        } else {
            out.write(CompareView(style: output.style, width: terminalWidth()).render(captures))
        }
        out.flush()
        if !damaged.isEmpty { throw ExitStatus.damaged }
    }

    /// "update-reload" for "Samples/update-reload.pcapng".
    static func shortName(_ file: String) -> String {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        for suffix in [".pcapng", ".pcap", ".gz"] where base.hasSuffix(suffix) && base.count > suffix.count {
            return shortName(String(base.dropLast(suffix.count)))
        }
        return base
    }
}
