import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews
import OsiscopeWire

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every packet layer by layer: each field, its value, its meaning and its bytes.",
        discussion: """
        Examples:
          osiscope inspect Samples/http-keepalive.pcap --packet 4 --explain
          osiscope inspect capture.pcapng -f 'tcp port 8765' --hex
          tcpdump -i lo -w - | osiscope inspect -
          osiscope inspect capture.pcap --json | jq '.layers[] | select(.protocol=="tcp")'
        """
    )

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @Option(name: .long, help: ArgumentHelp("Show only packet N (packets count from 1).", valueName: "n"))
    var packet: Int?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Show only packets in a range: A-B, A- or -B.", valueName: "range"))
    var packets: String?

    @Option(name: .customShort("f"), help: ArgumentHelp(
        "Show only packets matching this BPF expression (tcpdump's filter language).", valueName: "bpf"))
    var filter: String?

    @Flag(name: .long, help: "Add a hex and ASCII dump, each layer's bytes in its own colour.")
    var hex = false

    @Flag(name: .long, help: "Print JSON Lines, one object per packet (keys as in Wireshark; see the README).")
    var json = false

    @Flag(name: .long, help: "Explain each field: what it is for, its filter key and where its bytes are.")
    var explain = false

    @OptionGroup var streams: StreamDecodingOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if packet != nil && packets != nil { throw ValidationError("--packet and --packets cannot be used together") }
        if json && (hex || explain) { throw ValidationError("--hex and --explain apply to the tree view, not to --json") }
    }

    func run() throws {
        let selection = try PacketSelection(packet: packet, packets: packets)
        let packetFilter: PacketFilter?
        do {
            packetFilter = try filter.map { try PacketFilter(expression: $0) }
        } catch let error as FilterError {
            printError(error.description)
            throw ExitStatus.usage
        }
        let run = try CaptureRun(file: file, events: .packets, streams: try streams.streamOptions())
        let out = Output(inputIsStream: run.inputIsStream)
        let style = output.style
        let tree = TreeRenderer(style: style, explain: explain)
        let dump = HexDump(style: style)
        var shown = 0
        let damage = run.forEachEvent { event in
            guard case .packet(let packet) = event else { return true }
            let number = packet.packet.number
            if selection.isPast(number) { return false }
            guard selection.contains(number), packetFilter?.matches(packet.packet) ?? true else { return true }
            let decoded = packet.decoded()
            if json {
                out.write(PacketJSON.encode(decoded) + "\n")
            } else {
                if shown > 0 { out.write("\n") }
                out.write(tree.render(decoded))
                if hex { out.write(dump.render(decoded)) }
            }
            shown += 1
            return true
        }
        try run.finish(damage, output: out)
        if shown == 0 && filter == nil && (packet != nil || packets != nil) {
            let count = run.pipeline.packetsRead
            printError("\(run.name): no packet in \(packet.map(String.init) ?? packets ?? ""): the capture has \(count) packet\(count == 1 ? "" : "s")")
            throw ExitStatus.usage
        }
    }
}
