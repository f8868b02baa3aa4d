#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import OsiscopeCapture
import OsiscopeFilter
import OsiscopeStreams
import OsiscopeViews

struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Capture live from an interface and decode as packets arrive: packets, or messages as they complete.",
        discussion: """
        The packets go through the same reassembly and decoders as a file. Output is what \
        'packets' shows, or with --messages what 'messages' shows, each line as soon as it is \
        complete; --json gives 'inspect --json' or 'messages --json' objects. -w writes every \
        packet captured (after -f) to pcapng, or pcap by the name; the file is complete after \
        Ctrl-C, SIGTERM, -c or --duration, each of which ends with exit status 0 (a second Ctrl-C \
        ends at once). Packets received and dropped are reported at the end on standard error.

        Capturing needs CAP_NET_RAW and CAP_NET_ADMIN: run as root, or grant them to the binary \
        once with setcap cap_net_raw,cap_net_admin=eip (exit status 77 when they are missing).

        Examples:
          sudo osiscope capture -i lo -f 'tcp port 8765' --messages
          sudo osiscope capture -i eth0 -w trace.pcapng -c 1000 -q
          sudo osiscope capture -i lo -w ring.pcapng -b filesize:10,files:5 -q
        """)

    @Option(name: .customShort("i"), help: ArgumentHelp("The interface: a name or a number from 'osiscope interfaces' (default: the first).", valueName: "interface"))
    var interface: String?

    @Option(name: .customShort("f"), help: ArgumentHelp("Capture only what this BPF expression selects (tcpdump's language), in the kernel.", valueName: "filter"))
    var filter: String?

    @Option(name: .customShort("w"), help: ArgumentHelp("Also write every packet captured to this file: pcapng, or pcap when the name ends in .pcap.", valueName: "file"))
    var write: String?

    @Option(name: .customShort("b"), help: ArgumentHelp(
        "With -w, a ring buffer as dumpcap's: filesize:MB (a new file once one reaches this size; decimals allowed) and files:N (keep the last N). Comma-joined or repeated.",
        valueName: "ring"))
    var ring: [String] = []

    @Option(name: .customShort("c"), help: ArgumentHelp("Stop after this many packets.", valueName: "count"))
    var count: Int?

    @Option(name: .long, help: ArgumentHelp("Stop after this many seconds (decimals allowed).", valueName: "seconds"))
    var duration: Double?

    @Option(name: .long, help: ArgumentHelp("Bytes kept of each packet.", valueName: "bytes"))
    var snaplen = 262_144

    @Flag(name: [.customShort("p"), .customLong("no-promiscuous")], help: "Don't put the interface into promiscuous mode.")
    var noPromiscuous = false

    @Flag(help: "Show HTTP, WebSocket, Engine.IO and Socket.IO messages as they complete instead of packets.")
    var messages = false

    @Flag(help: "Print JSON Lines: 'inspect --json' objects, or 'messages --json' objects with --messages.")
    var json = false

    @Flag(name: .shortAndLong, help: "Show nothing per packet (with -w: only write the file).")
    var quiet = false

    @OptionGroup var display: DisplayFilterOptions
    @OptionGroup var time: TimeOptions
    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let count, count < 1 { throw ValidationError("-c takes a number of packets, 1 or more") }
        if let duration, !(duration > 0) { throw ValidationError("--duration takes a number of seconds above 0") }
        if !(64...262_144).contains(snaplen) { throw ValidationError("--snaplen takes a number of bytes from 64 to 262144") }
        if !ring.isEmpty && write == nil { throw ValidationError("-b makes a ring of files: give -w FILE too") }
        if quiet && (json || messages) { throw ValidationError("-q shows nothing: leave out --json and --messages") }
        _ = try ringSettings()
    }

    /// `-b filesize:MB,files:N`: bytes per file and files kept.
    func ringSettings() throws -> (bytes: Int, files: Int?)? {
        guard !ring.isEmpty else { return nil }
        var bytes: Int?, files: Int?
        for part in ring.flatMap({ $0.split(separator: ",") }) {
            let pieces = part.split(separator: ":", maxSplits: 1)
            guard pieces.count == 2 else { throw ValidationError("-b takes filesize:MB and files:N, not \(part)") }
            switch pieces[0] {
            case "filesize":
                guard let megabytes = Double(pieces[1]), megabytes > 0 else { throw ValidationError("-b filesize takes a size in MB above 0") }
                bytes = Int(megabytes * 1_000_000)
            case "files":
                guard let number = Int(pieces[1]), number >= 1 else { throw ValidationError("-b files takes a number of files, 1 or more") }
                files = number
            default:
                throw ValidationError("-b takes filesize:MB and files:N, not \(part)")
            }
        }
        guard let bytes else { throw ValidationError("-b needs filesize:MB (the size at which a new file starts)") }
        return (bytes, files)
    }

    func run() throws {
        let catalog: FieldCatalog = messages ? MessageFields.catalog : .packets
        let filter = try display.compile(catalog)
        let live = try open(try chosenInterface())
        let stop = StopSignals()
        live.stopRequested = { stop.requested }
        let writer = try makeWriter(interface: live.interface)
        if let writer {
            live.tee = { packet in
                if let packet { try writer.write(packet) } else { try writer.flush() }
            }
        }
        printError("capturing on \(live.interface) (\(live.linkType.name))" + (self.filter.map { ", filter '\($0)'" } ?? ""))
        let events: PipelineEvents = messages ? [.messages, .connections] : .packets
        let run = CaptureRun(live: live, events: events, streams: try streams.streamOptions())
        let out = run.makeOutput()
        var clock = TimeColumn(time.timeFormat)
        let damage: CaptureError?
        if quiet {
            damage = run.forEachEvent { _ in true }
        } else if messages {
            let list = MessageList(style: output.style, width: terminalWidth())
            let json = json
            damage = SessionFlow.run(run) { item in
                let message = item.message
                guard filter?.matches(MessageFields.gather(message, keys: filter!.keys)) ?? true else { return }
                if json {
                    out.writeLine(MessageJSON.encodedBytes(message, includeBodies: false))
                } else if !MessageList.repeatsAnotherLine(message, engineIOAskedFor: false, showsEveryConnection: true) {
                    let at = clock.text(message.timestamp, start: run.pipeline.firstTimestamp ?? message.timestamp)
                    out.writeLine(list.line(message, time: at))
                }
            }
        } else {
            let list = PacketList(style: output.style, width: terminalWidth())
            var shown = 0
            damage = run.forEachEvent { event in
                guard case .packet(let packet) = event else { return true }
                let decoded = packet.decoded()
                guard filter?.matches(PacketFields.gather(decoded, keys: filter!.keys)) ?? true else { return true }
                if json {
                    out.write(PacketJSON.encode(decoded) + "\n")
                } else {
                    if shown == 0 { out.writeLine(list.header()) }
                    out.writeLine(list.line(decoded, time: clock.text(decoded.packet.timestamp, start: run.pipeline.firstTimestamp ?? decoded.packet.timestamp)))
                }
                shown += 1
                return true
            }
        }
        out.flush()
        var failure = damage.map { "capture on \(live.interface) stopped: \($0.reason)" }
        do {
            try writer?.flush()
        } catch {
            failure = failure ?? error.reason
        }
        report(live)
        if let failure {
            printError(failure)
            throw ExitStatus.cannotRead
        }
    }

    /// -i as given: a name, or a number from the list; the first interface when there is none.
    func chosenInterface() throws -> String {
        if let interface, Int(interface) == nil { return interface }
        let interfaces = try Interfaces.list()
        if let interface, let number = Int(interface) {
            if interfaces.contains(where: { $0.name == interface }) { return interface }
            guard interfaces.indices.contains(number - 1) else {
                printError("there is no interface \(number): " + Self.choices(interfaces))
                throw ExitStatus.usage
            }
            return interfaces[number - 1].name
        }
        guard let first = interfaces.first else {
            printError("libpcap finds no interface to capture on (is this a container without network devices?)")
            throw ExitStatus.cannotRead
        }
        return first.name
    }

    static func choices(_ interfaces: [CaptureInterface]) -> String {
        "the interfaces are\n" + interfaces.enumerated().map { "  " + Interfaces.line($0.element, index: $0.offset + 1) }.joined(separator: "\n")
    }

    func open(_ name: String) throws -> LiveCapture {
        var settings = LiveCapture.Settings()
        settings.snapLength = snaplen
        settings.promiscuous = !noPromiscuous
        settings.filter = filter
        settings.count = count
        settings.duration = duration
        do {
            return try LiveCapture(interface: name, settings: settings)
        } catch {
            switch error.kind {
            case .permission:
                printError("""
                    cannot capture on \(name): \(error.message)
                    Capturing needs the CAP_NET_RAW and CAP_NET_ADMIN capabilities. Run as root (sudo osiscope capture …), \
                    or give them to this binary once:
                      sudo setcap cap_net_raw,cap_net_admin=eip \(executablePath())
                    """)
                throw ExitStatus.noPermission
            case .noSuchInterface:
                printError("cannot capture on \(name): \(error.message); " + ((try? Self.choices(CaptureInterface.all())) ?? "see 'osiscope interfaces'"))
                throw ExitStatus.usage
            case .filter:
                printError("-f '\(filter ?? "")': \(error.message)")
                throw ExitStatus.usage
            case .other:
                printError("cannot capture on \(name): \(error.message)")
                throw ExitStatus.cannotRead
            }
        }
    }

    func makeWriter(interface: String) throws -> (any PacketWriter)? {
        guard let write else { return nil }
        if let (bytes, files) = try ringSettings() {
            let ring = RingWriter(path: write, fileBytes: bytes, files: files)
            ring.interfaceNames = [0: interface]
            return ring
        }
        do {
            let writer = try CaptureWriter(path: write)
            writer.interfaceNames = [0: interface]
            return writer
        } catch {
            printError(error.reason)
            throw ExitStatus.cannotRead
        }
    }

    /// libpcap's counts, as tcpdump reports them.
    func report(_ live: LiveCapture) {
        var line = "\(live.packetsRead) packet\(live.packetsRead == 1 ? "" : "s") captured"
        if let stats = live.statistics() {
            line += "; \(stats.received) received by the filter, \(stats.droppedByKernel) dropped by the kernel, "
                + "\(stats.droppedByInterface) dropped by the interface"
        }
        printError(line)
    }
}
