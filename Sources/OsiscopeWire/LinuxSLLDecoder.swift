/// Linux "cooked" capture headers, written by `tcpdump -i any`: SLL (16 bytes) and SLL2
/// (20 bytes). They replace the link header, which differs between interfaces.
enum LinuxSLLFields {
    static let packetType = FieldDescriptor("sll.pkttype", "Packet type", names: KnownValues.sllPacketTypes,
        blurb: "Whether the packet was sent by this machine, addressed to it, or only seen passing by.")
    static let hardwareType = FieldDescriptor("sll.hatype", "Link-layer address type", names: KnownValues.arpHardwareTypes,
        blurb: "The kind of interface the packet was captured on (1 Ethernet, 772 loopback).")
    static let addressLength = FieldDescriptor("sll.halen", "Link-layer address length",
        blurb: "How many bytes of the address field below are meaningful.")
    static let sourceMAC = FieldDescriptor("sll.src.eth", "Source", .text,
        blurb: "The sender's hardware address, as the interface reported it.")
    static let sourceOther = FieldDescriptor("sll.src.other", "Source", .bytes,
        blurb: "The sender's link-layer address, as the interface reported it.")
    static let protocolType = FieldDescriptor("sll.etype", "Protocol", .hex(digits: 4), names: KnownValues.etherTypes,
        blurb: "The EtherType of the network-layer protocol in the packet.")
    static let interfaceIndex = FieldDescriptor("sll.ifindex", "Interface index",
        blurb: "The number the kernel gives the interface the packet was captured on.")
    static let reserved = FieldDescriptor("sll.reserved", "Reserved", .hex(digits: 4),
        blurb: "Unused; always zero.")

    /// Appends the source address as a MAC when it is one, raw bytes otherwise.
    static func addSource(_ builder: inout LayerBuilder, _ range: Range<Int>, addressLength: Int) {
        let used = range.lowerBound..<(range.lowerBound + min(addressLength, range.count))
        guard let bytes = builder.slice(used) else { return }
        if addressLength == 6 {
            builder.value(sourceMAC, used, .text(AddressFormat.mac(bytes)))
        } else {
            builder.value(sourceOther, used, .bytes(Array(bytes)))
        }
    }
}

enum LinuxSLLDecoder {
    enum Header {
        static let packetType = 0..<2
        static let hardwareType = 2..<4
        static let addressLength = 4..<6
        static let address = 6..<14
        static let protocolType = 14..<16
        static let length = 16
    }

    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        guard builder.has(0..<Header.length) else {
            builder.diagnoseShort("Linux cooked", needed: Header.length, packetTruncated: context.packetTruncated)
            context.add(builder.layer("sll", "Linux cooked capture v1", .dataLink, length: builder.available, summary: ""))
            return (.data, offset)
        }
        let packetType = builder.number(LinuxSLLFields.packetType, Header.packetType)!
        builder.number(LinuxSLLFields.hardwareType, Header.hardwareType)
        let addressLength = builder.number(LinuxSLLFields.addressLength, Header.addressLength)!
        LinuxSLLFields.addSource(&builder, Header.address, addressLength: Int(addressLength))
        let type = builder.number(LinuxSLLFields.protocolType, Header.protocolType)!
        let summary = KnownValues.sllPacketTypes(packetType) ?? "packet type \(packetType)"
        context.add(builder.layer("sll", "Linux cooked capture v1", .dataLink, length: Header.length, summary: summary))
        return (PacketDecoder.layer(forEtherType: type), offset + Header.length)
    }
}

enum LinuxSLL2Decoder {
    enum Header {
        static let protocolType = 0..<2
        static let reserved = 2..<4
        static let interfaceIndex = 4..<8
        static let hardwareType = 8..<10
        static let packetType = 10..<11
        static let addressLength = 11..<12
        static let address = 12..<20
        static let length = 20
    }

    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        guard builder.has(0..<Header.length) else {
            builder.diagnoseShort("Linux cooked v2", needed: Header.length, packetTruncated: context.packetTruncated)
            context.add(builder.layer("sll", "Linux cooked capture v2", .dataLink, length: builder.available, summary: ""))
            return (.data, offset)
        }
        let type = builder.number(LinuxSLLFields.protocolType, Header.protocolType)!
        builder.number(LinuxSLLFields.reserved, Header.reserved)
        let interface = builder.number(LinuxSLLFields.interfaceIndex, Header.interfaceIndex)!
        builder.number(LinuxSLLFields.hardwareType, Header.hardwareType)
        let packetType = builder.number(LinuxSLLFields.packetType, Header.packetType)!
        let addressLength = builder.number(LinuxSLLFields.addressLength, Header.addressLength)!
        LinuxSLLFields.addSource(&builder, Header.address, addressLength: Int(addressLength))
        let summary = "\(KnownValues.sllPacketTypes(packetType) ?? "packet type \(packetType)"), interface \(interface)"
        context.add(builder.layer("sll", "Linux cooked capture v2", .dataLink, length: Header.length, summary: summary))
        return (PacketDecoder.layer(forEtherType: type), offset + Header.length)
    }
}
