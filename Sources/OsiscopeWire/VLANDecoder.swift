/// IEEE 802.1Q VLAN tag (also 802.1ad's outer tag, which has the same layout).
enum VLANDecoder {
    enum Header {
        static let tci = 0..<2
        static let type = 2..<4
        static let length = 4
    }

    enum Fields {
        static let priority = FieldDescriptor("vlan.priority", "Priority", mask: 0xE000,
            blurb: "Priority code point: which traffic class the frame belongs to (0 is best effort, 7 the highest).")
        static let dei = FieldDescriptor("vlan.dei", "DEI", .flag, mask: 0x1000,
            blurb: "Drop eligible indicator: the frame may be dropped first when the network is congested.")
        static let id = FieldDescriptor("vlan.id", "ID", mask: 0x0FFF,
            blurb: "The virtual LAN this frame belongs to, so one cable can carry several separate networks.")
        static let type = FieldDescriptor("vlan.etype", "Type", .hex(digits: 4), names: KnownValues.etherTypes,
            blurb: "The EtherType of the protocol inside the tag.")
    }

    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        guard builder.has(0..<Header.length) else {
            builder.diagnoseShort("802.1Q", needed: Header.length, packetTruncated: context.packetTruncated)
            context.add(builder.layer("vlan", "802.1Q Virtual LAN", .dataLink, length: builder.available, summary: ""))
            return (.data, offset)
        }
        builder.number(Fields.priority, Header.tci)
        builder.number(Fields.dei, Header.tci)
        let id = builder.number(Fields.id, Header.tci)!
        let type = builder.number(Fields.type, Header.type)!
        context.add(builder.layer("vlan", "802.1Q Virtual LAN", .dataLink, length: Header.length, summary: "ID: \(id)"))
        return (PacketDecoder.layer(forEtherType: type), offset + Header.length)
    }
}
