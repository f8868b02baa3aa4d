/// Internet Protocol version 6, RFC 8200, with its chain of extension headers.
enum IPv6Decoder {
    enum Header {
        static let versionClassFlow = 0..<4
        static let payloadLength = 4..<6
        static let nextHeader = 6..<7
        static let hopLimit = 7..<8
        static let source = 8..<24
        static let destination = 24..<40
        static let length = 40
    }

    enum Fields {
        static let version = FieldDescriptor("ipv6.version", "Version", mask: 0xF000_0000,
            blurb: "The IP version; 6 here.")
        static let trafficClass = FieldDescriptor("ipv6.tclass", "Traffic Class", .hex(digits: 2), mask: 0x0FF0_0000,
            blurb: "Class of service and congestion signals, like IPv4's DS field.")
        static let flowLabel = FieldDescriptor("ipv6.flow", "Flow Label", .hex(digits: 5), mask: 0x000F_FFFF,
            blurb: "Marks packets of one flow so routers can keep them on the same path.")
        static let payloadLength = FieldDescriptor("ipv6.plen", "Payload Length",
            blurb: "Bytes after this 40-byte header, extension headers included.")
        static let nextHeader = FieldDescriptor("ipv6.nxt", "Next Header", names: KnownValues.ipProtocols,
            blurb: "What follows this header: an extension header or the transport protocol (6 TCP, 17 UDP, 58 ICMPv6).")
        static let hopLimit = FieldDescriptor("ipv6.hlim", "Hop Limit",
            blurb: "Each router subtracts one and drops the packet at zero, like IPv4's TTL.")
        static let source = FieldDescriptor("ipv6.src", "Source Address", .text,
            blurb: "The 128-bit address of the machine that sent the packet.")
        static let destination = FieldDescriptor("ipv6.dst", "Destination Address", .text,
            blurb: "The 128-bit address of the machine the packet is for.")
        static let hopByHop = FieldDescriptor("ipv6.hopopts", "Hop-by-Hop Options", .none,
            blurb: "Options every router on the path must look at.")
        static let routing = FieldDescriptor("ipv6.routing", "Routing Header", .none,
            blurb: "Lists routers the packet must pass through on its way.")
        static let fragment = FieldDescriptor("ipv6.fraghdr", "Fragment Header", .none,
            blurb: "Present when the sender split the packet; only the sender fragments in IPv6, never routers.")
        static let destinationOptions = FieldDescriptor("ipv6.dstopts", "Destination Options", .none,
            blurb: "Options only the final destination looks at.")
        static let authentication = FieldDescriptor("ah", "Authentication Header", .none,
            blurb: "IPsec AH: proves who sent the packet and that it was not changed.")
        static let extensionNext = FieldDescriptor("ipv6.ext.nxt", "Next Header", names: KnownValues.ipProtocols,
            blurb: "What follows this extension header.")
        static let extensionLength = FieldDescriptor("ipv6.ext.len", "Length",
            blurb: "Length of this extension header in 8-byte units, not counting the first 8 bytes.")
        static let fragmentOffset = FieldDescriptor("ipv6.fraghdr.offset", "Offset", mask: 0xFFF8,
            blurb: "Where this fragment's data belongs in the original packet, in 8-byte units.")
        static let moreFragments = FieldDescriptor("ipv6.fraghdr.more", "More Fragments", .flag, mask: 0x0001,
            blurb: "Set on every fragment except the last.")
        static let fragmentID = FieldDescriptor("ipv6.fraghdr.ident", "Identification", .hex(digits: 8),
            blurb: "Tags the fragments of one packet so the receiver can put them together.")
    }

    /// Extension headers are limited so a crafted chain cannot make decoding slow.
    static let maximumExtensionHeaders = 16

    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        let title = "Internet Protocol Version 6"
        guard builder.has(0..<Header.length) else {
            builder.diagnoseShort("IPv6", needed: Header.length, packetTruncated: context.packetTruncated)
            context.add(builder.layer("ipv6", title, .network, length: builder.available, summary: ""))
            return (.data, offset)
        }
        let version = builder.number(Fields.version, Header.versionClassFlow)!
        builder.number(Fields.trafficClass, Header.versionClassFlow)
        builder.number(Fields.flowLabel, Header.versionClassFlow)
        let payloadLength = Int(builder.number(Fields.payloadLength, Header.payloadLength)!)
        var next = builder.number(Fields.nextHeader, Header.nextHeader)!
        builder.number(Fields.hopLimit, Header.hopLimit)
        let source = Array(builder.slice(Header.source)!)
        let destination = Array(builder.slice(Header.destination)!)
        builder.value(Fields.source, Header.source, .text(AddressFormat.ip(source)))
        builder.value(Fields.destination, Header.destination, .text(AddressFormat.ip(destination)))
        let summary = { "\(AddressFormat.ip(source)) → \(AddressFormat.ip(destination))" }
        if version != 6 {
            builder.diagnose(IPv6Diagnostics.versionBad, "the version field says \(version) in an IPv6 header", Header.versionClassFlow)
        }
        var end = offset + Header.length + payloadLength
        if payloadLength == 0 {
            end = context.end // Jumbograms and offloaded segments leave the length at zero.
        } else if end > context.end && !context.packetTruncated {
            builder.diagnose(IPv6Diagnostics.plenBad,
                             "payload length \(payloadLength) is more than the \(context.end - offset - Header.length) bytes present",
                             Header.payloadLength)
        }
        builder.limit = min(end, context.end)
        context.end = min(end, context.end)

        var at = Header.length
        var fragmented = false
        var count = 0
        while [0, 43, 44, 60, 51].contains(next) && count < maximumExtensionHeaders {
            count += 1
            guard let header = extensionHeader(next, at: at, &builder) else {
                let needed = at + (builder.read((at + 1)..<(at + 2)).map { extensionLength(next, $0) } ?? 8)
                builder.diagnoseShort("IPv6 extension", needed: needed, packetTruncated: context.packetTruncated)
                context.add(builder.layer("ipv6", title, .network, length: builder.available, summary: summary()))
                return (.data, offset + min(at, builder.available))
            }
            fragmented = fragmented || header.fragmented
            next = header.next
            at += header.length
        }
        context.networkOffset = offset
        context.pseudoHeader = PseudoHeader(source: source, destination: destination,
                                            length: (end - offset) - at, protocolNumber: UInt8(truncatingIfNeeded: next))
        if fragmented {
            builder.diagnose(IPv6Diagnostics.fragment, "IPv6 fragment; fragments are not reassembled, so the payload is shown as data")
            context.add(builder.layer("ipv6", title, .network, length: at, summary: summary() + " (fragment)"))
            return (.data, offset + at)
        }
        context.add(builder.layer("ipv6", title, .network, length: at, summary: summary()))
        return (PacketDecoder.layer(forIPProtocol: next), offset + at)
    }

    /// Bytes an extension header takes, from its type and its length byte.
    private static func extensionLength(_ type: UInt64, _ lengthField: UInt64) -> Int {
        switch type {
        case 44: 8
        case 51: (Int(lengthField) + 2) * 4 // AH counts 4-byte units (RFC 4302).
        default: (Int(lengthField) + 1) * 8
        }
    }

    /// Decodes one extension header into a group field; nil when it is not all there.
    private static func extensionHeader(_ type: UInt64, at: Int, _ builder: inout LayerBuilder)
        -> (next: UInt64, length: Int, fragmented: Bool)? {
        guard let next = builder.read(at..<(at + 1)), let lengthField = builder.read((at + 1)..<(at + 2)) else { return nil }
        let length = extensionLength(type, lengthField)
        guard builder.has(at..<(at + length)) else { return nil }
        var children = [builder.makeNumber(Fields.extensionNext, at..<(at + 1))!]
        var fragmented = false
        let descriptor: FieldDescriptor
        switch type {
        case 0: descriptor = Fields.hopByHop
        case 43: descriptor = Fields.routing
        case 60: descriptor = Fields.destinationOptions
        case 51: descriptor = Fields.authentication
        default:
            descriptor = Fields.fragment
            let offsetField = builder.makeNumber(Fields.fragmentOffset, (at + 2)..<(at + 4))!
            let more = builder.makeNumber(Fields.moreFragments, (at + 2)..<(at + 4))!
            children += [offsetField, more, builder.makeNumber(Fields.fragmentID, (at + 4)..<(at + 8))!]
            fragmented = offsetField.value.number != 0 || more.value.number != 0
        }
        if type != 44 {
            children.append(builder.makeNumber(Fields.extensionLength, (at + 1)..<(at + 2))!)
        }
        builder.value(descriptor, at..<(at + length), .none, note: "(\(length) bytes)", children: children)
        return (next, length, fragmented)
    }
}
