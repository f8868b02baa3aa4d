/// Ethernet II (and IEEE 802.3 length frames): IEEE 802.3 clause 3.1.1.
enum EthernetDecoder {
    enum Header {
        static let destination = 0..<6
        static let source = 6..<12
        static let type = 12..<14
        static let length = 14
    }

    enum Fields {
        static let dst = FieldDescriptor("eth.dst", "Destination", .text,
            blurb: "The hardware (MAC) address of the next machine on this link that should take the frame.")
        static let src = FieldDescriptor("eth.src", "Source", .text,
            blurb: "The hardware (MAC) address of the network card that sent the frame on this link.")
        static let dstLG = FieldDescriptor("eth.dst.lg", "LG bit", .flag, mask: 0x0200_0000_0000,
            blurb: "Set when the address was assigned locally rather than burnt in by the manufacturer.")
        static let dstIG = FieldDescriptor("eth.dst.ig", "IG bit", .flag, mask: 0x0100_0000_0000,
            blurb: "Set when the frame is for a group of machines (multicast or broadcast) rather than one.")
        static let type = FieldDescriptor("eth.type", "Type", .hex(digits: 4), names: KnownValues.etherTypes,
            blurb: "The EtherType: which network-layer protocol the frame carries, so the receiver knows how to read it.")
        static let length = FieldDescriptor("eth.len", "Length",
            blurb: "In an IEEE 802.3 frame this field gives the payload length instead of a protocol type.")
        static let padding = FieldDescriptor("eth.padding", "Padding", .bytes,
            blurb: "Bytes after the network packet: Ethernet frames have a minimum size, so short packets are padded.")
    }

    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        guard builder.has(0..<Header.length) else {
            builder.diagnoseShort("Ethernet", needed: Header.length, packetTruncated: context.packetTruncated)
            context.add(builder.layer("eth", "Ethernet II", .dataLink, length: builder.available, summary: ""))
            return (.data, offset)
        }
        let destination = builder.slice(Header.destination)!
        let source = builder.slice(Header.source)!
        let dstChildren = builder.bitFields([Fields.dstLG, Fields.dstIG], Header.destination)
        builder.value(Fields.dst, Header.destination, .text(AddressFormat.mac(destination)), children: dstChildren)
        builder.value(Fields.src, Header.source, .text(AddressFormat.mac(source)))
        let type = builder.read(Header.type)!
        let summary = { "\(AddressFormat.mac(source)) → \(AddressFormat.mac(destination))" }
        if type <= 1500 {
            // Values up to 1500 are an 802.3 length; the payload is LLC, shown as data.
            builder.number(Fields.length, Header.type)
            context.add(builder.layer("eth", "IEEE 802.3 Ethernet", .dataLink, length: Header.length, summary: summary()))
            // The length bounds the payload: what follows is minimum-size padding.
            context.end = min(context.end, offset + Header.length + Int(type))
            return (.data, offset + Header.length)
        }
        builder.number(Fields.type, Header.type)
        context.add(builder.layer("eth", "Ethernet II", .dataLink, length: Header.length, summary: summary()))
        return (PacketDecoder.layer(forEtherType: type), offset + Header.length)
    }

    /// Adds the bytes that follow the network packet (minimum-size padding) to the Ethernet layer.
    static func notePadding(_ context: inout DecodeContext, from start: Int) {
        guard let index = context.layers.firstIndex(where: { $0.protocolKey == "eth" }),
              start < context.bytes.count else { return }
        let padding = Array(context.bytes[start...])
        context.layers[index].fields.append(
            Field(Fields.padding, .bytes(padding), offset: start, length: padding.count))
    }
}
