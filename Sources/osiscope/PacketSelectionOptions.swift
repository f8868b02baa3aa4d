import ArgumentParser
import OsiscopeCapture
import OsiscopeFilter
import OsiscopeStreams
import OsiscopeWire

/// The packet selection of `inspect` and `packets`: by number, by range, by BPF, by stream,
/// by display filter.
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

    @OptionGroup var display: DisplayFilterOptions

    func validate() throws {
        if packet != nil && packets != nil { throw ValidationError("--packet and --packets cannot be used together") }
    }

    /// The selection compiled, in a form the decoding threads share.
    func choice() throws -> PacketChoice {
        let numbers = try PacketSelection(packet: packet, packets: packets)
        do {
            return PacketChoice(numbers: numbers, stream: stream, filter: try filter.map { try PacketFilter(expression: $0) },
                                display: try display.compile())
        } catch let error as FilterError {
            printError(error.description)
            throw ExitStatus.usage
        }
    }

    /// Every packet is decoded whole: all are shown, or a display filter looks at each.
    var decodesAll: Bool { packet == nil && packets == nil && filter == nil && stream == nil }

    /// A selection by number that showed nothing names packets the capture does not have.
    func checkShown(_ shown: Int, _ run: CaptureRun) throws {
        guard shown == 0, filter == nil, stream == nil, display.expression == nil, packet != nil || packets != nil else { return }
        let count = run.pipeline.packetsRead
        printError("\(run.name): no packet in \(packet.map(String.init) ?? packets ?? ""): the capture has \(count) packet\(count == 1 ? "" : "s")")
        throw ExitStatus.usage
    }
}

/// Which packets `inspect` and `packets` show: by number, by TCP stream, by BPF, and, once
/// decoded, by display filter.
struct PacketChoice: Sendable {
    let numbers: PacketSelection
    let stream: Int?
    let filter: PacketFilter?
    let display: DisplayFilter?

    func shows(_ event: PacketEvent) -> Bool {
        guard numbers.contains(event.packet.number) else { return false }
        if let stream, event.conversation.map({ $0.isUDP || $0.stream != stream }) ?? true { return false }
        return filter?.matches(event.packet) ?? true
    }

    /// True when the packet is selected and passes the display filter (decoded only for one).
    func passes(_ event: PacketEvent) -> Bool {
        guard shows(event) else { return false }
        guard let display else { return true }
        return display.matches(PacketFields.gather(event.decoded(), keys: display.keys))
    }

    /// The packet decoded, when it passes the display filter too.
    func decodedIfShown(_ event: PacketEvent) -> DecodedPacket? {
        guard shows(event) else { return nil }
        let decoded = event.decoded()
        guard let display else { return decoded }
        return display.matches(PacketFields.gather(decoded, keys: display.keys)) ? decoded : nil
    }

    /// Past the last packet asked for by number: reading can stop.
    func isPast(_ number: Int) -> Bool { numbers.isPast(number) }
}
