import OsiscopeCapture
import OsiscopeWire
import OsiscopeStreams

/// One line per packet, the view tshark shows by default: number, time since the first
/// packet, source → destination, the highest protocol (in its OSI layer's colour), length and
/// a summary. Lines are cut to `width` when one is given, so they never wrap.
public struct PacketList: Sendable {
    public var style: TerminalStyle
    public var width: Int?

    public init(style: TerminalStyle = .plain, width: Int? = nil) {
        self.style = style
        self.width = width
    }

    /// Protocols as people name them in the Protocol column.
    static let names: [String: String] = [
        "eth": "Ethernet", "vlan": "VLAN", "sll": "SLL", "null": "Loopback", "arp": "ARP", "ipv4": "IPv4",
        "ipv6": "IPv6", "icmp": "ICMP", "icmpv6": "ICMPv6", "tcp": "TCP", "udp": "UDP", "http": "HTTP",
        "websocket": "WebSocket", "engine.io": "Engine.IO", "socket.io": "Socket.IO", "data": "Data",
    ]

    public func header() -> String {
        style.bold(cut(columns("No.", "Time", "Source", "Destination", "Protocol", "Length", "Info").plain))
    }

    private func cut(_ text: String) -> String {
        guard let width else { return text }
        return LineFitting.cut(text, to: width)
    }

    public func line(_ packet: DecodedPacket, since start: Timestamp) -> String {
        line(packet, time: String(format6: packet.packet.timestamp.seconds(since: start)))
    }

    /// The line with a time already written (see `TimeColumn`).
    public func line(_ packet: DecodedPacket, time: String) -> String {
        let (source, destination) = Self.endpoints(packet)
        let top = packet.layers.last { $0.protocolKey != "data" } ?? packet.layers.last
        let protocolName = top.map { Self.names[$0.protocolKey] ?? $0.protocolKey } ?? "?"
        let parts = columns(String(packet.packet.number), time, source, destination, protocolName,
                            String(packet.packet.originalLength), TerminalSafe.text(Self.info(packet)))
        let text = cut(parts.plain)
        guard style.enabled, let top else { return text }
        // Colour the protocol column by its OSI layer, the rest as it is.
        let color = TerminalStyle.color(forOSI: top.osi.rawValue)
        let start = text.index(text.startIndex, offsetBy: min(parts.protocolStart, text.count))
        let end = text.index(start, offsetBy: min(protocolName.count, text.distance(from: start, to: text.endIndex)))
        return String(text[..<start]) + style.color(String(text[start..<end]), color) + String(text[end...])
    }

    /// Below this width the Length column goes and addresses are not padded, so that the
    /// summary keeps room.
    static let wideLayout = 100

    /// The columns joined, with where the protocol column starts.
    private func columns(_ number: String, _ time: String, _ source: String, _ destination: String,
                         _ protocolName: String, _ length: String, _ info: String) -> (plain: String, protocolStart: Int) {
        if let width, width < Self.wideLayout {
            let head = number.leftPadded(5, with: " ") + " " + time.leftPadded(9, with: " ") + " " + source + " → "
                + destination + " "
            return (head + protocolName.rightPadded(9) + " " + info, head.count)
        }
        let head = number.leftPadded(5, with: " ") + " " + time.leftPadded(10, with: " ") + " "
            + source.leftPadded(15, with: " ") + " → " + destination.rightPadded(15) + " "
        return (head + protocolName.rightPadded(9) + " " + length.leftPadded(6, with: " ") + " " + info, head.count)
    }

    /// Network addresses when there are some, else link addresses.
    static func endpoints(_ packet: DecodedPacket) -> (String, String) {
        for (source, destination) in [("ip.src", "ip.dst"), ("ipv6.src", "ipv6.dst"), ("arp.src.proto_ipv4", "arp.dst.proto_ipv4"),
                                      ("eth.src", "eth.dst"), ("sll.src.eth", "sll.src.eth")] {
            if case .text(let from) = packet.field(source)?.value {
                let to: String = if case .text(let text) = packet.field(destination)?.value, source != destination { text } else { "" }
                return (from, to)
            }
        }
        return ("", "")
    }

    /// The highest layers' summaries, with TCP analysis first as Wireshark shows it.
    static func info(_ packet: DecodedPacket) -> String {
        let analysis = TCPAnalysisReport.columnText(packet)
        // An Engine.IO message packet is said by the Socket.IO layer above it (or the WebSocket text).
        let application = packet.layers.filter { layer in
            layer.osi == .application && layer.protocolKey != "data"
                && !(layer.protocolKey == "engine.io" && layer.field("engine.io.type")?.value.number == 4)
        }
        let summaries: [String]
        if !application.isEmpty {
            summaries = application.map { layer in
                // A message's text, as far as the line has room.
                guard case .text(let text) = layer.field("websocket.payload.text")?.value else { return LayerSummary.text(layer) }
                let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
                return LayerSummary.text(layer) + " \"" + shown + "\""
            }
        } else if let tcp = packet.layer("tcp") {
            summaries = [tcpSummary(tcp)]
        } else {
            summaries = [packet.layers.last { $0.protocolKey != "data" }.map(LayerSummary.text) ?? ""]
        }
        return (analysis + [summaries.joined(separator: ", ")]).filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// "40000 → 8080 [SYN] Seq=0 Win=64240 Len=0 MSS=1460": relative numbers, as Wireshark.
    static func tcpSummary(_ tcp: Layer) -> String {
        func number(_ key: String) -> UInt64? { tcp.field(key)?.value.number }
        var text = tcp.summary
        if let mss = number("tcp.options.mss_val") { text += " MSS=\(mss)" }
        if tcp.field("tcp.options.sack_perm") != nil { text += " SACK_PERM" }
        if let shift = number("tcp.options.wscale.shift") { text += " WS=\(1 << min(shift, 14))" }
        return text
    }
}
