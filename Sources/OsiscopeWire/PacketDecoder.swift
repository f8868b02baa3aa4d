import OsiscopeCapture

/// The protocol a decoder found next, gopacket style: each decoder names the next layer and
/// where it starts, and one loop dispatches, so no decoder calls another.
enum NextLayer {
    case ethernet, vlan, linuxSLL, linuxSLL2, bsdLoopback(networkOrder: Bool), rawIP
    case arp, ipv4, ipv6, tcp, udp, icmp, icmpv6
    case data
}

/// What the decoders of one packet share.
struct DecodeContext {
    let bytes: [UInt8]
    /// The snap length cut the packet, so short headers are truncated rather than malformed.
    let packetTruncated: Bool
    /// First offset past the bytes the current layer's payload may use (IP total length etc.).
    var end: Int
    /// False when only the transport is wanted: layers, fields and texts are not made.
    var records = true
    var layers: [Layer] = []
    /// Source and destination address and upper-layer length, for TCP/UDP/ICMPv6 checksums.
    var pseudoHeader: PseudoHeader?
    /// Where the innermost IP header starts: the transport's headers are counted from there.
    var networkOffset = 0
    var transport: TransportInfo?
    /// Inside the datagram an ICMP error quotes: such a quote's own ICMP errors are not opened again.
    var insideQuote = false

    mutating func add(_ layer: @autoclosure () -> Layer) {
        if records { layers.append(layer()) }
    }

    func builder(at offset: Int) -> LayerBuilder { LayerBuilder(bytes: bytes, start: offset, limit: end, records: records) }
}

/// Decodes captured packets into layers. Pure: the same bytes always give the same layers,
/// and nothing a packet contains makes it throw or trap.
public enum PacketDecoder {
    /// Headers nested deeper than this are shown as data (a guard against crafted VLAN towers).
    static let maximumLayers = 32

    /// The packet's addresses, ports and TCP header only: what conversation tracking and
    /// reassembly need, without building fields.
    /// The TCP checksum is not verified there (`badChecksum` stays false).
    public static func transport(of packet: CapturedPacket) -> TransportInfo? {
        decode(packet, records: false).transport
    }

    public static func decode(_ packet: CapturedPacket) -> DecodedPacket { decode(packet, records: true) }

    private static func decode(_ packet: CapturedPacket, records: Bool) -> DecodedPacket {
        var context = DecodeContext(bytes: packet.data, packetTruncated: packet.isTruncated, end: packet.data.count,
                                    records: records)
        var diagnostics: [Diagnostic] = []
        var step: (NextLayer, Int)?
        switch packet.linkType {
        case .ethernet: step = (.ethernet, 0)
        case .linuxSLL: step = (.linuxSLL, 0)
        case .linuxSLL2: step = (.linuxSLL2, 0)
        case .null: step = (.bsdLoopback(networkOrder: false), 0)
        case .loop: step = (.bsdLoopback(networkOrder: true), 0)
        case .raw, .rawBSD12, .rawBSD14: step = (.rawIP, 0)
        case .ipv4: step = (.ipv4, 0)
        case .ipv6: step = (.ipv6, 0)
        default:
            diagnostics.append(Diagnostic(WireDiagnostics.unknownLinkType,
                                          "link type \(packet.linkType.rawValue) is not decoded; the packet is shown as raw bytes"))
            step = (.data, 0)
        }
        decodeChain(from: step, &context)
        if records && packet.linkType == .ethernet && context.end < packet.data.count {
            EthernetDecoder.notePadding(&context, from: context.end)
        }
        return DecodedPacket(packet: packet, layers: context.layers, diagnostics: diagnostics,
                             transport: context.transport)
    }

    /// Decodes layer after layer from `step` until a decoder says nothing follows.
    static func decodeChain(from step: (NextLayer, Int)?, _ context: inout DecodeContext) {
        var step = step, depth = 0
        while let (next, offset) = step {
            depth += 1
            if depth > maximumLayers && !isData(next) {
                step = (.data, offset)
                continue
            }
            guard offset < context.end || isData(next) else { break }
            step = decodeOne(next, at: offset, &context)
        }
    }

    private static func isData(_ next: NextLayer) -> Bool {
        if case .data = next { return true }
        return false
    }

    private static func decodeOne(_ next: NextLayer, at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        switch next {
        case .ethernet: EthernetDecoder.decode(at: offset, &context)
        case .vlan: VLANDecoder.decode(at: offset, &context)
        case .linuxSLL: LinuxSLLDecoder.decode(at: offset, &context)
        case .linuxSLL2: LinuxSLL2Decoder.decode(at: offset, &context)
        case .bsdLoopback(let networkOrder): BSDLoopbackDecoder.decode(at: offset, networkOrder: networkOrder, &context)
        case .rawIP: RawIPDecoder.decode(at: offset, &context)
        case .arp: ARPDecoder.decode(at: offset, &context)
        case .ipv4: IPv4Decoder.decode(at: offset, &context)
        case .ipv6: IPv6Decoder.decode(at: offset, &context)
        case .tcp: TCPDecoder.decode(at: offset, &context)
        case .udp: UDPDecoder.decode(at: offset, &context)
        case .icmp: ICMPDecoder.decode(at: offset, &context)
        case .icmpv6: ICMPv6Decoder.decode(at: offset, &context)
        case .data: DataDecoder.decode(at: offset, &context)
        }
    }

    /// The layer that carries an EtherType's payload.
    static func layer(forEtherType type: UInt64) -> NextLayer {
        switch type {
        case 0x0800: .ipv4
        case 0x86dd: .ipv6
        case 0x0806: .arp
        case 0x8100, 0x88a8, 0x9100: .vlan
        default: .data
        }
    }

    /// The layer that carries an IP protocol number's payload.
    static func layer(forIPProtocol number: UInt64) -> NextLayer {
        switch number {
        case 6: .tcp
        case 17: .udp
        case 1: .icmp
        case 58: .icmpv6
        case 4: .ipv4
        case 41: .ipv6
        default: .data
        }
    }
}
