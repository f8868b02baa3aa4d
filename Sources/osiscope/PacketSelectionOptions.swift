import ArgumentParser
import OsiscopeCapture
import OsiscopeStreams

/// The packet selection of `inspect` and `packets`: by number, by range, by BPF, by stream.
struct PacketSelectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Show only packet N (packets count from 1).", valueName: "n"))
    var packet: Int?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Show only packets in a range: A-B, A- or -B.", valueName: "range"))
    var packets: String?

    @Option(name: .customShort("f"), help: ArgumentHelp(
        "Show only packets matching this BPF expression (tcpdump's filter language).", valueName: "bpf"))
    var filter: String?

    @Option(name: .long, help: ArgumentHelp("Show only packets of this TCP stream (tcp.stream, see 'osiscope streams').",
                                            valueName: "n"))
    var stream: Int?

    func validate() throws {
        if packet != nil && packets != nil { throw ValidationError("--packet and --packets cannot be used together") }
    }

    func selection() throws -> PacketSelection { try PacketSelection(packet: packet, packets: packets) }

    func packetFilter() throws -> PacketFilter? {
        do {
            return try filter.map { try PacketFilter(expression: $0) }
        } catch let error as FilterError {
            printError(error.description)
            throw ExitStatus.usage
        }
    }

    func matches(_ event: PacketEvent, _ compiled: PacketFilter?) -> Bool {
        if let stream, event.conversation.map({ $0.isUDP || $0.stream != stream }) ?? true { return false }
        return compiled?.matches(event.packet) ?? true
    }

    /// A selection by number that showed nothing names packets the capture does not have.
    func checkShown(_ shown: Int, _ run: CaptureRun) throws {
        guard shown == 0, filter == nil, stream == nil, packet != nil || packets != nil else { return }
        let count = run.pipeline.packetsRead
        printError("\(run.name): no packet in \(packet.map(String.init) ?? packets ?? ""): the capture has \(count) packet\(count == 1 ? "" : "s")")
        throw ExitStatus.usage
    }
}
