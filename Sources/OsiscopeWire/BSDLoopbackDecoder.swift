/// BSD loopback headers: a 4-byte address family, in the capturing machine's byte order for
/// LINKTYPE_NULL and in network byte order for LINKTYPE_LOOP.
enum BSDLoopbackDecoder {
    static let family = FieldDescriptor("null.family", "Family", names: KnownValues.addressFamilies,
        blurb: "The address family of the packet (2 is IPv4; 24, 28 or 30 is IPv6, depending on the BSD).")

    static func decode(at offset: Int, networkOrder: Bool, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        guard var value = builder.read(0..<4) else {
            builder.diagnoseShort("Loopback", needed: 4, packetTruncated: context.packetTruncated)
            context.add(builder.layer("null", "Null/Loopback", .dataLink, length: builder.available, summary: ""))
            return (.data, offset)
        }
        // A family is small, so a value with the low half empty was written little-endian.
        if !networkOrder && value & 0xFFFF == 0 && value != 0 {
            value = UInt64(UInt32(value).byteSwapped)
        }
        builder.value(family, 0..<4, .number(value))
        let next: NextLayer = switch value {
        case 2: .ipv4
        case 24, 28, 30: .ipv6
        default: .data
        }
        let name = KnownValues.addressFamilies(value) ?? "family \(value)"
        context.add(builder.layer("null", "Null/Loopback", .dataLink, length: 4, summary: name))
        return (next, offset + 4)
    }
}

/// Raw IP link types carry no link header: the version nibble says IPv4 or IPv6.
enum RawIPDecoder {
    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        guard offset < context.end else { return nil }
        switch context.bytes[offset] >> 4 {
        case 4: return (.ipv4, offset)
        case 6: return (.ipv6, offset)
        default: return (.data, offset)
        }
    }
}
