/// ICMP for IPv4 (RFC 792) and ICMPv6 (RFC 4443, neighbour discovery RFC 4861): the network's
/// own messages (echo for ping, unreachable, time exceeded).
enum ICMPDecoder {
    enum Header {
        static let type = 0..<1
        static let code = 1..<2
        static let checksum = 2..<4
        static let identifier = 4..<6
        static let sequence = 6..<8
        static let size = 8
    }

    struct Family {
        let key: String
        let title: String
        let type: FieldDescriptor
        let code: FieldDescriptor
        let checksum: FieldDescriptor
        let identifier: FieldDescriptor
        let sequence: FieldDescriptor
        let checksumBad: DiagnosticDescriptor
        let echoTypes: Set<UInt64>
        /// Error messages, which quote the start of the datagram that caused them.
        let errorTypes: Set<UInt64>
        let quotedNetwork: NextLayer
        let typeName: @Sendable (UInt64, UInt64) -> String?
        let usesPseudoHeader: Bool
    }

    static let v4 = Family(
        key: "icmp", title: "Internet Control Message Protocol",
        type: FieldDescriptor("icmp.type", "Type", blurb: "What kind of message this is: 8 echo request (ping), 0 echo reply, 3 unreachable, 11 time exceeded."),
        code: FieldDescriptor("icmp.code", "Code", blurb: "Refines the type, e.g. why a destination was unreachable."),
        checksum: FieldDescriptor("icmp.checksum", "Checksum", .hex(digits: 4), blurb: "Detects corruption of the ICMP message."),
        identifier: FieldDescriptor("icmp.ident", "Identifier", blurb: "Matches echo replies to the ping program that sent the request."),
        sequence: FieldDescriptor("icmp.seq", "Sequence Number", blurb: "Counts the echo requests, so lost ones show as gaps."),
        checksumBad: DiagnosticDescriptor("icmp.checksum.bad", .warning, "the ICMP checksum is wrong"),
        echoTypes: [0, 8, 13, 14],
        // RFC 792: unreachable, source quench, redirect, time exceeded, parameter problem.
        errorTypes: [3, 4, 5, 11, 12], quotedNetwork: .ipv4, typeName: ICMPNames.v4, usesPseudoHeader: false)

    static let v6 = Family(
        key: "icmpv6", title: "Internet Control Message Protocol v6",
        type: FieldDescriptor("icmpv6.type", "Type", blurb: "What kind of message this is: 128 echo request, 129 echo reply, 135/136 neighbour solicitation and advertisement (IPv6's ARP)."),
        code: FieldDescriptor("icmpv6.code", "Code", blurb: "Refines the type."),
        checksum: FieldDescriptor("icmpv6.checksum", "Checksum", .hex(digits: 4), blurb: "Detects corruption; unlike ICMP for IPv4 it covers the IPv6 addresses too."),
        identifier: FieldDescriptor("icmpv6.echo.identifier", "Identifier", blurb: "Matches echo replies to the ping program that sent the request."),
        sequence: FieldDescriptor("icmpv6.echo.sequence_number", "Sequence", blurb: "Counts the echo requests."),
        checksumBad: DiagnosticDescriptor("icmpv6.checksum.bad", .warning, "the ICMPv6 checksum is wrong"),
        echoTypes: [128, 129],
        // RFC 4443 §3: unreachable, packet too big, time exceeded, parameter problem.
        errorTypes: [1, 2, 3, 4], quotedNetwork: .ipv6, typeName: ICMPNames.v6, usesPseudoHeader: true)

    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        decode(v4, at: offset, &context)
    }

    static func decode(_ family: Family, at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        guard builder.has(0..<4) else {
            builder.diagnoseShort(family.key.uppercased(), needed: 4, packetTruncated: context.packetTruncated)
            context.add(builder.layer(family.key, family.title, .network, length: builder.available, summary: ""))
            return nil
        }
        let type = builder.read(Header.type)!
        let code = builder.read(Header.code)!
        let name = family.typeName(type, code)
        builder.number(family.type, Header.type, note: family.typeName(type, 256).map { "(\($0))" })
        builder.number(family.code, Header.code, note: name.map { "(\($0))" })
        let checksum = builder.read(Header.checksum)!
        let length = builder.available
        var note = InternetChecksum.Verdict.unchecked("message not captured whole").note
        if !context.packetTruncated {
            let pseudoSum = family.usesPseudoHeader ? context.pseudoHeader.map { header in
                PseudoHeader(source: header.source, destination: header.destination, length: length, protocolNumber: 58).sum
            } : 0
            if let pseudoSum {
                let verdict = InternetChecksum.verify(segment: builder.slice(0..<length)!, stored: UInt16(checksum), pseudoSum: pseudoSum)
                note = verdict.note
                if case .incorrect = verdict {
                    builder.diagnose(family.checksumBad, "checksum is wrong \(verdict.note)", Header.checksum)
                }
            }
        }
        builder.value(family.checksum, Header.checksum, .number(checksum), note: note)
        var summary = name ?? "type \(type), code \(code)"
        if family.errorTypes.contains(type), let typeName = family.typeName(type, 256), let name, name != typeName {
            summary = "\(typeName) (\(name))" // As Wireshark's Info column: "Destination unreachable (Port unreachable)".
        }
        var headerLength = 4
        if family.echoTypes.contains(type), builder.has(0..<Header.size) {
            let identifier = builder.number(family.identifier, Header.identifier)!
            let sequence = builder.number(family.sequence, Header.sequence)!
            summary += " id=\(String(format4: identifier)), seq=\(sequence)"
            headerLength = Header.size
        } else if builder.has(0..<Header.size) {
            headerLength = Header.size // The next four bytes are type-specific; shown with the data.
        }
        if family.errorTypes.contains(type), headerLength == Header.size, headerLength < length,
           context.records, !context.insideQuote {
            var layer = builder.layer(family.key, family.title, .network, length: length, summary: summary)
            layer.quoted = quotedLayers(family, at: offset + headerLength, context)
            context.add(layer)
            return nil
        }
        context.add(builder.layer(family.key, family.title, .network, length: headerLength, summary: summary))
        return headerLength < length ? (.data, offset + headerLength) : nil
    }

    /// The quoted datagram decoded on its own: it is cut by design (RFC 792 asks for its header
    /// and 8 bytes, RFC 4443 for as much as fits), so short headers are truncation, not damage,
    /// and its checksums cannot be checked. Its addresses and ports are not the packet's.
    static func quotedLayers(_ family: Family, at offset: Int, _ context: DecodeContext) -> [Layer] {
        var inner = DecodeContext(bytes: context.bytes, packetTruncated: true, end: context.end, records: true)
        inner.insideQuote = true
        PacketDecoder.decodeChain(from: (family.quotedNetwork, offset), &inner)
        return inner.layers.map { layer in
            var layer = layer
            layer.diagnostics.removeAll { $0.key == WireDiagnostics.truncated.key }
            return layer
        }
    }
}

enum ICMPv6Decoder {
    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        ICMPDecoder.decode(ICMPDecoder.v6, at: offset, &context)
    }
}

/// Type and code names; a code of 256 asks for the type's name alone.
enum ICMPNames {
    static let v4: @Sendable (UInt64, UInt64) -> String? = { type, code in
        switch (type, code) {
        case (0, _): "Echo (ping) reply"
        case (3, 0): "Network unreachable"
        case (3, 1): "Host unreachable"
        case (3, 2): "Protocol unreachable"
        case (3, 3): "Port unreachable"
        case (3, 4): "Fragmentation needed"
        case (3, 13): "Communication administratively filtered"
        case (3, _): "Destination unreachable"
        case (5, _): "Redirect"
        case (8, _): "Echo (ping) request"
        case (11, 0): "Time to live exceeded in transit"
        case (11, _): "Time exceeded"
        case (12, _): "Parameter problem"
        case (13, _): "Timestamp request"
        case (14, _): "Timestamp reply"
        default: nil
        }
    }

    static let v6: @Sendable (UInt64, UInt64) -> String? = { type, code in
        switch (type, code) {
        case (1, 4): "Port unreachable"
        case (1, _): "Destination unreachable"
        case (2, _): "Packet too big"
        case (3, _): "Time exceeded"
        case (4, _): "Parameter problem"
        case (128, _): "Echo (ping) request"
        case (129, _): "Echo (ping) reply"
        case (133, _): "Router solicitation"
        case (134, _): "Router advertisement"
        case (135, _): "Neighbor solicitation"
        case (136, _): "Neighbor advertisement"
        case (137, _): "Redirect"
        case (143, _): "Multicast listener report v2"
        default: nil
        }
    }
}
