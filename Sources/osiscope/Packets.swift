import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews
import OsiscopeWire

struct Packets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One line per packet, as tshark shows by default: time, addresses, protocol, summary.",
        discussion: """
        The protocol column names the highest layer decoded, in its OSI layer's colour. Lines fit \
        the terminal (COLUMNS, or the terminal's width); 'osiscope inspect' shows any packet whole.

        Examples:
          osiscope packets Samples/websocket-plain.pcapng
          osiscope packets capture.pcap --stream 2 --packets 10-40
          osiscope packets capture.pcap -Y 'websocket.opcode == 8 || tcp.analysis.retransmission'
          osiscope packets capture.pcap -Y 'tcp.stream == 3' -w stream3.pcapng
        """)

    @Argument(help: "A pcap or pcapng file, or '-' for standard input.")
    var file: String

    @OptionGroup var selection: PacketSelectionOptions
    @OptionGroup var time: TimeOptions
    @OptionGroup var fieldOutput: FieldOutputOptions
    @OptionGroup var write: CaptureWriteOptions
    @OptionGroup var streams: StreamDecodingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if write.path != nil && fieldOutput.kind != nil { throw ValidationError("-w writes packets, -T writes fields: choose one") }
    }

    func run() throws {
        if let path = write.path {
            return try PacketFileWriting(file: file, path: path, selection: selection, streams: streams).run()
        }
        if let columns = try fieldOutput.columns(.packets) {
            return try PacketFieldRows(file: file, selection: selection, streams: streams, output: fieldOutput, columns: columns).run()
        }
        let choice = try selection.choice()
        let run = try CaptureRun(file: file, events: .packets, streams: try streams.streamOptions(),
                                 threads: streams.decodingThreads)
        let out = run.makeOutput()
        let list = PacketList(style: output.style, width: terminalWidth())
        var shown = 0
        var clock = TimeColumn(time.timeFormat)
        // Packets are decoded on the decoding threads; the time column needs them in order.
        let damage = run.forEach(prepare: { event -> (number: Int, decoded: DecodedPacket?)? in
            guard case .packet(let packet) = event else { return nil }
            return (packet.packet.number, choice.decodedIfShown(packet))
        }) { packet in
            if choice.isPast(packet.number) { return false }
            guard let decoded = packet.decoded else { return true }
            if shown == 0 { out.write(list.header() + "\n") }
            let at = clock.text(decoded.packet.timestamp, start: run.pipeline.firstTimestamp ?? decoded.packet.timestamp)
            out.writeLine(list.line(decoded, time: at))
            shown += 1
            return true
        }
        try run.finish(damage, output: out)
        try run.checkStream(selection.stream)
        try selection.checkShown(shown, run)
    }
}

/// COLUMNS when set, else the terminal's width; nil (no cut) when writing to a pipe or file.
func terminalWidth() -> Int? {
    if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 0 { return columns }
    var size = winsize()
    if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return nil
}
