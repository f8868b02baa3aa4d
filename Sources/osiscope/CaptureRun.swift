#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeWire

/// Options of the commands that decode TCP streams.
struct StreamDecodingOptions: ParsableArguments {
    @Option(name: .customLong("decode-as"), help: ArgumentHelp(
        "Decode connections on PORT with PROTOCOL whatever their bytes look like (e.g. 9000=websocket; see 'osiscope fields' for protocols). Repeatable.",
        valueName: "port=protocol"))
    var decodeAs: [String] = []

    @Option(name: .customLong("max-message-bytes"), help: "Largest WebSocket message kept after inflating (bigger ones are cut, with a diagnostic).")
    var maximumMessageBytes = 16 << 20

    @Option(name: .customLong("limit"), help: ArgumentHelp(
        "Set a decoding limit, e.g. engine.io.payload_bytes=8000000 (see 'osiscope limits' for each, its default and its diagnostic). Repeatable.",
        valueName: "name=value"))
    var limits: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Threads decoding connections and rendering (default: one per core). Output is the same for any number.",
        valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads takes a number from 1 to 64") }
    }

    /// The threads asked for, else one per core.
    var decodingThreads: Int { threads ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    func streamOptions() throws -> StreamOptions {
        var options = StreamOptions()
        options.maximumMessageBytes = maximumMessageBytes
        for setting in limits {
            let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let limit = DecodingLimit.named(parts[0]) else {
                throw ValidationError("--limit takes NAME=VALUE with NAME one of \(DecodingLimit.all.map(\.name).joined(separator: ", "))")
            }
            guard let value = Int(parts[1].replacingOccurrences(of: "_", with: "")), value > 0 else {
                throw ValidationError("--limit \(parts[0]) takes a whole number above 0, not '\(parts[1])'")
            }
            limit.set(value, in: &options)
        }
        let names = options.decoders.names
        for rule in decodeAs {
            let parts = rule.split(separator: "=")
            guard parts.count == 2, let port = UInt16(parts[0]), names.contains(parts[1].lowercased()) else {
                throw ValidationError("--decode-as takes PORT=PROTOCOL with PROTOCOL one of \(names.joined(separator: ", ")), e.g. 9000=websocket")
            }
            options.decoders.forcedPorts[port] = parts[1].lowercased()
        }
        return options
    }
}

/// Opens a capture, runs every packet through the pipeline, and turns reading errors into
/// the documented exit statuses after everything before the damage was shown.
struct CaptureRun {
    let file: String
    let pipeline: PacketPipeline
    /// Standard input or a FIFO: output is written as it is found, not when buffers fill.
    let inputIsStream: Bool
    /// The file as messages name it.
    var name: String { file == "-" ? "standard input" : file }

    let progress: ProgressLine?
    /// Threads for `forEach`; one when the input is a stream, whose packets must be shown as
    /// they come rather than a chunk at a time.
    let threads: Int

    /// - Parameters:
    ///   - showsProgress: false for JSON output, which never gets a progress line.
    ///   - threads: decoding threads (see `StreamDecodingOptions.threads`).
    init(file: String, events: PipelineEvents, streams: StreamOptions? = StreamOptions(), streamBytesOf: Int? = nil,
         showsProgress: Bool = true, threads: Int = 1) throws {
        self.file = file
        var status = stat()
        inputIsStream = file == "-" || (stat(file, &status) == 0 && status.st_mode & S_IFMT != S_IFREG)
        self.threads = inputIsStream ? 1 : threads
        do {
            let reader = try CaptureReader(path: file)
            pipeline = PacketPipeline(source: reader, events: events, streams: streams, streamBytesOf: streamBytesOf)
        } catch let error as CaptureError {
            printError("\(file == "-" ? "standard input" : file): \(error)")
            throw ExitStatus.cannotRead
        }
        progress = showsProgress ? ProgressLine(file: file) : nil
    }

    /// A live capture: packets shown as they come, on this thread, with no progress line.
    init(live: LiveCapture, events: PipelineEvents, streams: StreamOptions? = StreamOptions()) {
        file = live.interface
        inputIsStream = true
        threads = 1
        pipeline = PacketPipeline(source: live, events: events, streams: streams)
        progress = nil
    }

    /// Standard output for this run: written as found when the input is a stream, and
    /// erasing the progress line before anything appears.
    func makeOutput() -> Output {
        let output = Output(inputIsStream: inputIsStream)
        output.progress = progress
        return output
    }

    /// Calls `body` for each event until it returns false or the events end. A damaged file
    /// ends the packets; the events that closing its connections brings still come, and the
    /// damage is returned for `finish` to report.
    func forEachEvent(_ body: (PipelineEvent) -> Bool) -> CaptureError? {
        forEach(prepare: { $0 }, body)
    }

    /// `forEachEvent` with each event first passed through `prepare` (a view's rendering of one
    /// event, with no state carried between events), which runs on the decoding threads; `body`
    /// gets the values in event order.
    func forEach<Prepared: Sendable>(prepare: @escaping @Sendable (PipelineEvent) -> Prepared?,
                                     _ body: (Prepared) -> Bool) -> CaptureError? {
        let damage = pipeline.forEach(threads: threads, prepare: prepare, counted: { counts in
            progress?.update(bytes: counts.bytesRead, packets: counts.packetsRead)
        }, body)
        return damage.map { $0 as? CaptureError ?? CaptureError(.io, at: 0, "\($0)") }
    }

    /// Reports a damaged file (after the caller flushed its output) with exit status 2.
    func finish(_ damage: CaptureError?, output: Output) throws {
        progress?.clear()
        output.flush()
        if let damage {
            printError("\(name): damaged capture after packet \(pipeline.packetsRead): \(damage)")
            throw ExitStatus.damaged
        }
    }

    /// A `--stream N` that names no stream of the capture is a usage error that says which exist.
    func checkStream(_ stream: Int?) throws {
        guard let stream, stream >= pipeline.tcpStreamCount else { return }
        let count = pipeline.tcpStreamCount
        let exist = count == 0 ? "the capture has no TCP streams" : count == 1 ? "the only stream is 0" : "streams are 0–\(count - 1)"
        printError("\(name): there is no stream \(stream): \(exist) (see 'osiscope streams')")
        throw ExitStatus.usage
    }
}
