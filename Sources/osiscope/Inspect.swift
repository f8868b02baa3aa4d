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
          osiscope inspect capture.pcapng -Y 'websocket.masking_key[0:2] == 12:34'
          osiscope inspect capture.pcapng -Y websocket -T fields -e frame.number -e websocket.opcode -E header=y
          tcpdump -i lo -w - | osiscope inspect -
          osiscope inspect capture.pcap --json | jq '.layers[] | select(.protocol=="tcp")'
        """
    )

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @OptionGroup var selection: PacketSelectionOptions

    @Flag(name: .long, help: "Add a hex and ASCII dump, each layer's bytes in its own colour.")
    var hex = false

    @Option(name: .long, help: ArgumentHelp(
        "With --hex, pick out one field's bytes in the dump (a key of 'osiscope fields', e.g. websocket.masking_key).",
        valueName: "name"))
    var field: String?

    @Flag(name: .long, help: "Print JSON Lines, one object per packet (keys as in Wireshark; see the README).")
    var json = false

    @Flag(name: .long, help: "Explain each field: what it is for, its filter key and where its bytes are.")
    var explain = false

    @OptionGroup var fieldOutput: FieldOutputOptions
    @OptionGroup var write: CaptureWriteOptions
    @OptionGroup var streams: StreamDecodingOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if write.path != nil && (fieldOutput.kind != nil || json || hex || explain) {
            throw ValidationError("-w writes the packets to a file: leave out -T, --json, --hex and --explain")
        }
        if fieldOutput.kind != nil && (json || hex || explain) { throw ValidationError("-T writes only the fields named with -e: leave out --json, --hex and --explain") }
        if json && (hex || explain) { throw ValidationError("--hex and --explain apply to the tree view, not to --json") }
        if let field {
            guard hex else { throw ValidationError("--field picks out bytes in the hex dump: use it with --hex") }
            let keys = Registry.protocols.flatMap { $0.fields.map(\.descriptor.key) }
            guard keys.contains(field) else {
                let near = keys.filter { $0.hasPrefix(field.split(separator: ".").first.map(String.init) ?? field) }.prefix(8)
                throw ValidationError("no field \(field)" + (near.isEmpty ? " (see 'osiscope fields')" : "; for example \(near.joined(separator: ", "))"))
            }
        }
    }

    func run() throws {
        if let path = write.path {
            return try PacketFileWriting(file: file, path: path, selection: selection, streams: streams).run()
        }
        if let columns = try fieldOutput.columns(.packets) {
            return try PacketFieldRows(file: file, selection: selection, streams: streams, output: fieldOutput, columns: columns).run()
        }
        let choice = try selection.choice()
        // Without a selection every packet is shown: decode each with its fields once.
        let run = try CaptureRun(file: file, events: selection.decodesAll ? [.packets, .shownPackets] : .packets,
                                 streams: try streams.streamOptions(), showsProgress: !json, threads: streams.decodingThreads)
        let out = run.makeOutput()
        let style = output.style, json = json, hex = hex
        let tree = TreeRenderer(style: style, explain: explain, width: terminalWidth())
        let dump = HexDump(style: style, field: field)
        var shown = 0
        // Each packet is rendered on a decoding thread; this one only writes them in order.
        let damage = run.forEach(prepare: { event -> (number: Int, text: [UInt8]?)? in
            guard case .packet(let packet) = event else { return nil }
            guard let decoded = choice.decodedIfShown(packet) else { return (packet.packet.number, nil) }
            if json {
                var line = PacketJSON.encodeBytes(decoded)
                line.append(UInt8(ascii: "\n"))
                return (packet.packet.number, line)
            }
            var text = tree.renderBytes(decoded)
            if hex { text.append(contentsOf: dump.render(decoded).utf8) }
            return (packet.packet.number, text)
        }) { packet in
            if choice.isPast(packet.number) { return false }
            guard let text = packet.text else { return true }
            if shown > 0 && !json { out.write("\n") }
            out.write(bytes: text)
            shown += 1
            return true
        }
        try run.finish(damage, output: out)
        try run.checkStream(selection.stream)
        try selection.checkShown(shown, run)
    }
}
