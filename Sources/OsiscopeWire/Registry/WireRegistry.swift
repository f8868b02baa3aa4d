/// The registries of the link, network and transport decoders, in wire order.
public enum WireRegistry {
    public static let protocols: [ProtocolRegistry] = [
        ProtocolRegistry(name: "frame", title: "The capture as a whole", osi: .physical, fields: [],
                         diagnostics: WireDiagnostics.all),
        ethernet, vlan, linuxSLL, bsdLoopback, arp, ipv4, ipv6, icmp, icmpv6, tcp, udp, data,
    ]

    static let ethernet: ProtocolRegistry = {
        typealias F = EthernetDecoder.Fields
        typealias H = EthernetDecoder.Header
        return ProtocolRegistry(name: "eth", title: "Ethernet II", osi: .dataLink, fields: [
            FieldRow(F.dst, at: H.destination), FieldRow(F.dstLG, at: H.destination), FieldRow(F.dstIG, at: H.destination),
            FieldRow(F.src, at: H.source), FieldRow(F.type, at: H.type), FieldRow(F.length, at: H.type), FieldRow(F.padding),
        ])
    }()

    static let vlan: ProtocolRegistry = {
        typealias F = VLANDecoder.Fields
        typealias H = VLANDecoder.Header
        return ProtocolRegistry(name: "vlan", title: "802.1Q Virtual LAN", osi: .dataLink, fields: [
            FieldRow(F.priority, at: H.tci), FieldRow(F.dei, at: H.tci), FieldRow(F.id, at: H.tci), FieldRow(F.type, at: H.type),
        ])
    }()

    static let linuxSLL: ProtocolRegistry = {
        typealias F = LinuxSLLFields
        return ProtocolRegistry(name: "sll", title: "Linux cooked capture", osi: .dataLink, fields: [
            F.packetType, F.hardwareType, F.addressLength, F.sourceMAC, F.sourceOther, F.protocolType, F.interfaceIndex,
            F.reserved,
        ].map { FieldRow($0) })
    }()

    static let bsdLoopback = ProtocolRegistry(name: "null", title: "Null/Loopback", osi: .dataLink,
                                              fields: [FieldRow(BSDLoopbackDecoder.family, at: 0..<4)])

    static let arp: ProtocolRegistry = {
        typealias F = ARPDecoder.Fields
        return ProtocolRegistry(name: "arp", title: "Address Resolution Protocol", osi: .dataLink, fields: [
            FieldRow(F.hardwareType, at: 0..<2), FieldRow(F.protocolType, at: 2..<4), FieldRow(F.hardwareSize, at: 4..<5),
            FieldRow(F.protocolSize, at: 5..<6), FieldRow(F.opcode, at: 6..<8), FieldRow(F.senderMAC), FieldRow(F.senderIP),
            FieldRow(F.targetMAC), FieldRow(F.targetIP), FieldRow(F.senderOther), FieldRow(F.targetOther),
            FieldRow(F.senderProto), FieldRow(F.targetProto),
        ])
    }()

    static let ipv4: ProtocolRegistry = {
        typealias F = IPv4Decoder.Fields
        typealias H = IPv4Decoder.Header
        return ProtocolRegistry(name: "ipv4", title: "Internet Protocol Version 4", osi: .network, fields: [
            FieldRow(F.version, at: H.versionAndLength), FieldRow(F.headerLength, at: H.versionAndLength),
            FieldRow(F.dsfield, at: H.dsfield), FieldRow(F.dscp, at: H.dsfield), FieldRow(F.ecn, at: H.dsfield),
            FieldRow(F.totalLength, at: H.totalLength), FieldRow(F.identification, at: H.identification),
            FieldRow(F.flags, at: H.flagsAndOffset), FieldRow(F.reservedBit, at: H.flagsAndOffset),
            FieldRow(F.dontFragment, at: H.flagsAndOffset), FieldRow(F.moreFragments, at: H.flagsAndOffset),
            FieldRow(F.fragmentOffset, at: H.flagsAndOffset), FieldRow(F.ttl, at: H.ttl),
            FieldRow(F.protocolNumber, at: H.protocolNumber), FieldRow(F.checksum, at: H.checksum),
            FieldRow(F.source, at: H.source), FieldRow(F.destination, at: H.destination), FieldRow(F.options),
            FieldRow(F.optionType), FieldRow(F.optionLength),
        ], diagnostics: IPv4Diagnostics.all)
    }()

    static let ipv6: ProtocolRegistry = {
        typealias F = IPv6Decoder.Fields
        typealias H = IPv6Decoder.Header
        return ProtocolRegistry(name: "ipv6", title: "Internet Protocol Version 6", osi: .network, fields: [
            FieldRow(F.version, at: H.versionClassFlow), FieldRow(F.trafficClass, at: H.versionClassFlow),
            FieldRow(F.flowLabel, at: H.versionClassFlow), FieldRow(F.payloadLength, at: H.payloadLength),
            FieldRow(F.nextHeader, at: H.nextHeader), FieldRow(F.hopLimit, at: H.hopLimit),
            FieldRow(F.source, at: H.source), FieldRow(F.destination, at: H.destination),
        ] + [F.hopByHop, F.routing, F.fragment, F.destinationOptions, F.authentication, F.extensionNext, F.extensionLength,
             F.fragmentOffset, F.moreFragments, F.fragmentID].map { FieldRow($0) },
        diagnostics: IPv6Diagnostics.all)
    }()

    static func icmpRegistry(_ family: ICMPDecoder.Family, name: String) -> ProtocolRegistry {
        typealias H = ICMPDecoder.Header
        return ProtocolRegistry(name: name, title: family.title, osi: .network, fields: [
            FieldRow(family.type, at: H.type), FieldRow(family.code, at: H.code), FieldRow(family.checksum, at: H.checksum),
            FieldRow(family.identifier, at: H.identifier), FieldRow(family.sequence, at: H.sequence),
        ], diagnostics: [family.checksumBad])
    }

    static let icmp = icmpRegistry(ICMPDecoder.v4, name: "icmp")
    static let icmpv6 = icmpRegistry(ICMPDecoder.v6, name: "icmpv6")

    static let tcp: ProtocolRegistry = {
        typealias F = TCPFields
        typealias H = TCPDecoder.Header
        let header: [FieldRow] = [
            FieldRow(F.sourcePort, at: H.sourcePort), FieldRow(F.destinationPort, at: H.destinationPort),
            FieldRow(F.sequence, at: H.sequence), FieldRow(F.acknowledgment, at: H.acknowledgment),
            FieldRow(F.headerLength, at: H.dataOffset), FieldRow(F.flags, at: H.flags),
        ] + F.flagBits.map { FieldRow($0.descriptor, at: H.flags) } + [
            FieldRow(F.window, at: H.window), FieldRow(F.checksum, at: H.checksum),
            FieldRow(F.urgentPointer, at: H.urgentPointer),
        ]
        let options = [F.options, F.optionKind, F.optionLength, F.mss, F.windowScale, F.windowMultiplier, F.sackPermitted,
                       F.sackLeft, F.sackRight, F.sack, F.timestampValue, F.timestampEcho].map { FieldRow($0) }
        let groups = TCPOptions.groups.keys.sorted().compactMap { TCPOptions.groups[$0] }
            .filter { group in !options.contains { $0.descriptor === group } }.map { FieldRow($0) }
        let conversation = [F.payloadLength, ConversationFields.tcpStream, ConversationFields.relativeSequence,
                            ConversationFields.nextSequence, ConversationFields.relativeAck, ConversationFields.window,
                            ConversationFields.windowScaleFactor].map { FieldRow($0) }
        return ProtocolRegistry(name: "tcp", title: "Transmission Control Protocol", osi: .transport,
                                fields: header + options + groups + [FieldRow(TCPOptions.unknownGroup)] + conversation,
                                diagnostics: TCPDiagnostics.all)
    }()

    static let udp: ProtocolRegistry = {
        typealias F = UDPDecoder.Fields
        typealias H = UDPDecoder.Header
        return ProtocolRegistry(name: "udp", title: "User Datagram Protocol", osi: .transport, fields: [
            FieldRow(F.sourcePort, at: H.sourcePort), FieldRow(F.destinationPort, at: H.destinationPort),
            FieldRow(F.length, at: H.length), FieldRow(F.checksum, at: H.checksum), FieldRow(ConversationFields.udpStream),
        ], diagnostics: UDPDiagnostics.all)
    }()

    static let data = ProtocolRegistry(name: "data", title: "Data", osi: .application,
                                       fields: [FieldRow(DataDecoder.data), FieldRow(DataDecoder.length)])
}
