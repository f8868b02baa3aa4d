import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeWire

/// Options of the commands that decode TCP streams.
struct StreamDecodingOptions: ParsableArguments {
    @Option(name: .customLong("decode-as"), help: ArgumentHelp(
        "Decode connections on PORT as WebSocket even without a captured handshake (e.g. 9000=websocket). Repeatable.",
        valueName: "port=websocket"))
    var decodeAs: [String] = []

    @Option(name: .customLong("max-message-bytes"), help: "Largest WebSocket message kept after inflating (bigger ones are cut, with a diagnostic).")
    var maximumMessageBytes = 16 << 20

    func streamOptions() throws -> StreamOptions {
        var options = StreamOptions()
        options.maximumMessageBytes = maximumMessageBytes
        for rule in decodeAs {
            let parts = rule.split(separator: "=")
            guard parts.count == 2, let port = UInt16(parts[0]), parts[1].lowercased() == "websocket" else {
                throw ValidationError("--decode-as takes PORT=websocket, e.g. 9000=websocket")
            }
            options.webSocketPorts.insert(port)
        }
        return options
    }
}

/// Opens a capture, runs every packet through the pipeline, and turns reading errors into
/// the documented exit statuses after everything before the damage was shown.
struct CaptureRun {
    let file: String
    let pipeline: PacketPipeline

    init(file: String, streams: StreamOptions? = StreamOptions(), follow: Int? = nil) throws {
        self.file = file
        do {
            pipeline = PacketPipeline(reader: try CaptureReader(path: file),
                                      streams: streams.map { StreamDecoder(options: $0, follow: follow) })
        } catch let error as CaptureError {
            printError("\(file): \(error)")
            throw ExitStatus.cannotRead
        }
    }

    /// Calls `body` for each packet until it returns false or the file ends; a damaged file
    /// ends the loop too, and is reported by `finish`.
    func forEachPacket(_ body: (DecodedPacket) -> Bool) -> CaptureError? {
        do {
            while let packet = try pipeline.next() {
                if !body(packet) { break }
            }
            return nil
        } catch let error as CaptureError {
            pipeline.finish()
            return error
        } catch {
            return CaptureError(.io, at: 0, "\(error)")
        }
    }

    /// Reports a damaged file (after the caller flushed its output) with exit status 2.
    func finish(_ damage: CaptureError?, output: Output) throws {
        output.flush()
        if let damage {
            printError("\(file): damaged capture after packet \(pipeline.packetsRead): \(damage)")
            throw ExitStatus.damaged
        }
    }
}
