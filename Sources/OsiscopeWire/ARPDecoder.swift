/// Address Resolution Protocol, RFC 826: "who has this IP address? tell me your MAC".
enum ARPDecoder {
    enum Header {
        static let hardwareType = 0..<2
        static let protocolType = 2..<4
        static let hardwareSize = 4..<5
        static let protocolSize = 5..<6
        static let opcode = 6..<8
        static let fixedLength = 8
    }

    enum Fields {
        static let hardwareType = FieldDescriptor("arp.hw.type", "Hardware type", names: KnownValues.arpHardwareTypes,
            blurb: "The kind of link the addresses belong to (1 is Ethernet).")
        static let protocolType = FieldDescriptor("arp.proto.type", "Protocol type", .hex(digits: 4), names: KnownValues.etherTypes,
            blurb: "The network protocol whose address is being resolved (0x0800 is IPv4).")
        static let hardwareSize = FieldDescriptor("arp.hw.size", "Hardware size",
            blurb: "Length in bytes of a hardware address (6 for Ethernet).")
        static let protocolSize = FieldDescriptor("arp.proto.size", "Protocol size",
            blurb: "Length in bytes of a protocol address (4 for IPv4).")
        static let opcode = FieldDescriptor("arp.opcode", "Opcode", names: KnownValues.arpOpcodes,
            blurb: "1 asks who has an address; 2 answers with the hardware address that has it.")
        static let senderMAC = FieldDescriptor("arp.src.hw_mac", "Sender MAC address", .text,
            blurb: "The hardware address of the machine sending this ARP message.")
        static let senderIP = FieldDescriptor("arp.src.proto_ipv4", "Sender IP address", .text,
            blurb: "The IP address of the machine sending this ARP message.")
        static let targetMAC = FieldDescriptor("arp.dst.hw_mac", "Target MAC address", .text,
            blurb: "The hardware address being looked for (all zeros in a request, since it is not known yet).")
        static let targetIP = FieldDescriptor("arp.dst.proto_ipv4", "Target IP address", .text,
            blurb: "The IP address whose owner is being looked for.")
        static let senderOther = FieldDescriptor("arp.src.hw", "Sender hardware address", .bytes, blurb: "The sender's hardware address.")
        static let targetOther = FieldDescriptor("arp.dst.hw", "Target hardware address", .bytes, blurb: "The target's hardware address.")
        static let senderProto = FieldDescriptor("arp.src.proto", "Sender protocol address", .bytes, blurb: "The sender's protocol address.")
        static let targetProto = FieldDescriptor("arp.dst.proto", "Target protocol address", .bytes, blurb: "The target's protocol address.")
    }

    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        guard builder.has(0..<Header.fixedLength) else {
            builder.diagnoseShort("ARP", needed: Header.fixedLength, packetTruncated: context.packetTruncated)
            context.add(builder.layer("arp", "Address Resolution Protocol", .dataLink, length: builder.available, summary: ""))
            return (.data, offset)
        }
        builder.number(Fields.hardwareType, Header.hardwareType)
        builder.number(Fields.protocolType, Header.protocolType)
        let hardwareSize = Int(builder.number(Fields.hardwareSize, Header.hardwareSize)!)
        let protocolSize = Int(builder.number(Fields.protocolSize, Header.protocolSize)!)
        let opcode = builder.number(Fields.opcode, Header.opcode)!
        let total = Header.fixedLength + 2 * (hardwareSize + protocolSize)
        guard builder.has(0..<total) else {
            builder.diagnoseShort("ARP", needed: total, packetTruncated: context.packetTruncated)
            context.add(builder.layer("arp", "Address Resolution Protocol", .dataLink, length: builder.available, summary: ""))
            return (.data, offset + Header.fixedLength)
        }
        var at = Header.fixedLength
        var texts: [String] = []
        for (mac, ip, otherHW, otherProto) in [(Fields.senderMAC, Fields.senderIP, Fields.senderOther, Fields.senderProto),
                                               (Fields.targetMAC, Fields.targetIP, Fields.targetOther, Fields.targetProto)] {
            let hw = at..<(at + hardwareSize)
            let proto = hw.upperBound..<(hw.upperBound + protocolSize)
            let hwBytes = builder.slice(hw)!
            let protoBytes = builder.slice(proto)!
            if hardwareSize == 6 {
                builder.value(mac, hw, .text(AddressFormat.mac(hwBytes)))
            } else {
                builder.value(otherHW, hw, .bytes(Array(hwBytes)))
            }
            if protocolSize == 4 {
                builder.value(ip, proto, .text(AddressFormat.ip(protoBytes)))
            } else {
                builder.value(otherProto, proto, .bytes(Array(protoBytes)))
            }
            texts.append(AddressFormat.ip(protoBytes))
            at = proto.upperBound
        }
        let summary = switch opcode {
        case 1: "Who has \(texts[1])? Tell \(texts[0])"
        case 2: "\(texts[0]) is at \(AddressFormat.mac(builder.slice(8..<(8 + hardwareSize))!))"
        default: KnownValues.arpOpcodes(opcode) ?? "opcode \(opcode)"
        }
        context.add(builder.layer("arp", "Address Resolution Protocol", .dataLink, length: total, summary: summary))
        context.end = offset + total
        return nil
    }
}
