#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import OsiscopeFilter
import OsiscopeStreams
import OsiscopeViews

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Hand a capture's HTTP and WebSocket traffic to other tools: HAR, or the bodies and payloads as files.",
        subcommands: [ExportHAR.self, ExportObjects.self])
}

struct ExportHAR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "har",
        abstract: "Write a HAR 1.2 file: every HTTP exchange, and each WebSocket with its messages, as Chrome DevTools writes them.",
        discussion: """
        Each request and its response is an entry (headers, bodies with gzip or deflate removed, \
        timings); a WebSocket is the entry of its opening handshake with its text and binary \
        messages in _webSocketMessages (type send/receive, time, opcode, data). The file opens in \
        Chrome DevTools (Network panel, import HAR), HTTP Toolkit and other HAR viewers.

        Examples:
          osiscope export har Samples/socketio-upgrade.pcapng -o socketio.har
          osiscope export har capture.pcap -Y 'http.request.uri contains "/api"' -o api.har
        """)

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The HAR file to write ('-' for standard output).", valueName: "file"))
    var output: String

    @OptionGroup var display: DisplayFilterOptions
    @OptionGroup var streams: StreamDecodingOptions

    func run() throws {
        let filter = try display.compile(MessageFields.catalog)
        let out = try openOutput(output)
        let run = try CaptureRun(file: file, events: [.messages, .connections], streams: try streams.streamOptions(),
                                 showsProgress: output != "-", threads: streams.decodingThreads)
        var export = HARExport(matches: filter.map { filter in { filter.matches(MessageFields.gather($0, keys: filter.keys)) } })
        var written = 0
        func write(_ entries: [String]) {
            for entry in entries {
                out.write((written > 0 ? ",\n" : "") + entry)
                written += 1
            }
        }
        out.write(HARExport.header(version: Osiscope.configuration.version))
        let damage = run.forEachEvent { event in
            write(export.add(event))
            return true
        }
        write(export.finish())
        out.write("\n" + HARExport.footer)
        try run.finish(damage, output: out)
    }
}

struct ExportObjects: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objects",
        abstract: "Write HTTP bodies and WebSocket message payloads as files, as tshark --export-objects does.",
        discussion: """
        Each HTTP request or response with a body (gzip or deflate removed, chunks joined) and \
        each WebSocket text or binary message (unmasked, inflated) becomes one file in DIR, \
        named by stream, the packet that completed it and its content type, for example \
        stream0-packet12-http-text_html.html or stream3-packet40-websocket-text.txt. One line \
        per file is printed (--json: one object per file). DIR is created if missing; files of \
        the same names are replaced.

        Examples:
          osiscope export objects Samples/http-keepalive.pcap bodies/
          osiscope export objects capture.pcap out/ -Y 'websocket.opcode == "binary"' --json
        """)

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Argument(help: "The directory to write the files into.")
    var directory: String

    @Flag(help: "One JSON object per file written: file, stream, packet, protocol, direction, content_type, bytes, truncated.")
    var json = false

    @OptionGroup var display: DisplayFilterOptions
    @OptionGroup var streams: StreamDecodingOptions

    func run() throws {
        let filter = try display.compile(MessageFields.catalog)
        if let reason = Self.makeDirectories(directory) {
            printError("cannot create \(directory): \(reason)")
            throw ExitStatus.cannotRead
        }
        let run = try CaptureRun(file: file, events: [.messages], streams: try streams.streamOptions(),
                                 showsProgress: !json, threads: streams.decodingThreads)
        let out = run.makeOutput()
        var lastPacket = -1, ordinal = 0
        var failure: String?
        let damage = run.forEachEvent { event in
            guard case .messageCompleted(let message) = event,
                  filter?.matches(MessageFields.gather(message, keys: filter!.keys)) ?? true else { return true }
            let packet = message.packets.last ?? 0
            ordinal = packet == lastPacket ? ordinal + 1 : 1
            lastPacket = packet
            guard let object = ExportedObject(message, ordinal: ordinal) else {
                ordinal -= 1
                return true
            }
            let path = directory.hasSuffix("/") ? directory + object.name : directory + "/" + object.name
            if let error = writeFile(path, object.bytes) {
                failure = "cannot write \(path): \(error)"
                return false
            }
            if json { out.writeLine(object.json) } else { out.writeLine(object.line) }
            return true
        }
        try run.finish(damage, output: out)
        if let failure {
            printError(failure)
            throw ExitStatus.cannotRead
        }
    }

    /// The folder and any missing parents, as mkdir -p; nil when they exist, else the reason.
    static func makeDirectories(_ path: String) -> String? {
        var partial = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            partial += component + "/"
            if mkdir(partial, 0o755) != 0 && errno != EEXIST { return String(cString: strerror(errno)) }
        }
        return nil
    }

    /// nil when the file was written, else the system's reason.
    private func writeFile(_ path: String, _ bytes: [UInt8]) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return String(cString: strerror(errno)) }
            offset += written
        }
        return nil
    }
}

/// Standard output for "-", else the file, created or emptied.
func openOutput(_ path: String) throws -> Output {
    guard path != "-" else { return Output() }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else {
        printError("cannot write \(path): \(String(cString: strerror(errno)))")
        throw ExitStatus.cannotRead
    }
    return Output(descriptor: descriptor)
}
