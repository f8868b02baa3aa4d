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

    @OptionGroup var selection: PacketSelectionOptions

    @Flag(name: .long, help: "Add a hex and ASCII dump, each layer's bytes in its own colour.")
    var hex = false

    @Flag(name: .long, help: "Print JSON Lines, one object per packet (keys as in Wireshark; see the README).")
    var json = false

    @Flag(name: .long, help: "Explain each field: what it is for, its filter key and where its bytes are.")
    var explain = false

    @OptionGroup var streams: StreamDecodingOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if json && (hex || explain) { throw ValidationError("--hex and --explain apply to the tree view, not to --json") }
    }

    func run() throws {
        let chosen = try selection.selection()
        let packetFilter = try selection.packetFilter()
        // Without a selection every packet is shown: decode each with its fields once.
        let showsAll = selection.packet == nil && selection.packets == nil && selection.filter == nil && selection.stream == nil
        let run = try CaptureRun(file: file, events: showsAll ? [.packets, .shownPackets] : .packets,
                                 streams: try streams.streamOptions(), showsProgress: !json)
        let out = run.makeOutput()
        let style = output.style
        let tree = TreeRenderer(style: style, explain: explain, width: terminalWidth())
        let dump = HexDump(style: style)
        var shown = 0
        let damage = run.forEachEvent { event in
            guard case .packet(let packet) = event else { return true }
            let number = packet.packet.number
            if chosen.isPast(number) { return false }
            guard chosen.contains(number), selection.matches(packet, packetFilter) else { return true }
            let decoded = packet.decoded()
            if json {
                out.writeLine(PacketJSON.encode(decoded))
            } else {
                if shown > 0 { out.write("\n") }
                out.write(tree.render(decoded))
                if hex { out.write(dump.render(decoded)) }
            }
            shown += 1
            return true
        }
        try run.finish(damage, output: out)
        try run.checkStream(selection.stream)
        try selection.checkShown(shown, run)
    }
}
