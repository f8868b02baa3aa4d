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

    func streamOptions() throws -> StreamOptions {
        var options = StreamOptions()
        options.maximumMessageBytes = maximumMessageBytes
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

    /// Bytes read, for the progress line.
    private let reader: CaptureReader
    let progress: ProgressLine?

    /// - Parameter showsProgress: false for JSON output, which never gets a progress line.
    init(file: String, events: PipelineEvents, streams: StreamOptions? = StreamOptions(), streamBytesOf: Int? = nil,
         showsProgress: Bool = true) throws {
        self.file = file
        var status = stat()
        inputIsStream = file == "-" || (stat(file, &status) == 0 && status.st_mode & S_IFMT != S_IFREG)
        do {
            reader = try CaptureReader(path: file)
            pipeline = PacketPipeline(source: reader, events: events, streams: streams, streamBytesOf: streamBytesOf)
        } catch let error as CaptureError {
            printError("\(file == "-" ? "standard input" : file): \(error)")
            throw ExitStatus.cannotRead
        }
        progress = showsProgress ? ProgressLine(file: file) : nil
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
        var damage: CaptureError?
        while true {
            do {
                guard let event = try pipeline.next() else { break }
                progress?.update(bytes: reader.bytesRead, packets: pipeline.packetsRead)
                if !body(event) { break }
            } catch let error as CaptureError {
                damage = error
            } catch {
                damage = CaptureError(.io, at: 0, "\(error)")
            }
        }
        return damage
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
