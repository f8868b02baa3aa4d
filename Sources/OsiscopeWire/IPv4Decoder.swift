/// Internet Protocol version 4, RFC 791.
enum IPv4Decoder {
    enum Header {
        static let versionAndLength = 0..<1
        static let dsfield = 1..<2
        static let totalLength = 2..<4
        static let identification = 4..<6
        static let flagsAndOffset = 6..<8
        static let ttl = 8..<9
        static let protocolNumber = 9..<10
        static let checksum = 10..<12
        static let source = 12..<16
        static let destination = 16..<20
        static let minimumLength = 20
    }

    enum Fields {
        static let version = FieldDescriptor("ip.version", "Version", mask: 0xF0,
            blurb: "The IP version; 4 here. Receivers read the rest of the header according to it.")
        static let headerLength = FieldDescriptor("ip.hdr_len", "Header Length", mask: 0x0F,
            blurb: "Length of this header in bytes (the field counts 32-bit words); more than 20 means options follow.")
        static let dsfield = FieldDescriptor("ip.dsfield", "Differentiated Services Field", .hex(digits: 2),
            blurb: "Asks routers for a class of service (DSCP) and carries congestion signals (ECN).")
        static let dscp = FieldDescriptor("ip.dsfield.dscp", "Differentiated Services Codepoint", mask: 0xFC,
            blurb: "Which traffic class the packet belongs to; 0 is ordinary best effort.")
        static let ecn = FieldDescriptor("ip.dsfield.ecn", "Explicit Congestion Notification", mask: 0x03,
            blurb: "Lets routers signal congestion without dropping the packet.")
        static let totalLength = FieldDescriptor("ip.len", "Total Length",
            blurb: "Length of the whole IP packet, header and payload, in bytes.")
        static let identification = FieldDescriptor("ip.id", "Identification", .hex(digits: 4),
            blurb: "Tags the fragments of one datagram so the receiver can put them back together.")
        static let flags = FieldDescriptor("ip.flags", "Flags", .hex(digits: 2), mask: 0xE000,
            blurb: "Three bits that control fragmentation.")
        static let reservedBit = FieldDescriptor("ip.flags.rb", "Reserved bit", .flag, mask: 0x8000,
            blurb: "Must be zero.")
        static let dontFragment = FieldDescriptor("ip.flags.df", "Don't fragment", .flag, mask: 0x4000,
            blurb: "Routers must not split this packet; if it is too big they drop it and report back (path MTU discovery).")
        static let moreFragments = FieldDescriptor("ip.flags.mf", "More fragments", .flag, mask: 0x2000,
            blurb: "Set on every fragment of a datagram except the last.")
        static let fragmentOffset = FieldDescriptor("ip.frag_offset", "Fragment Offset", mask: 0x1FFF,
            blurb: "Where this fragment's data belongs in the original datagram, in bytes (the field counts 8-byte units).")
        static let ttl = FieldDescriptor("ip.ttl", "Time to Live",
            blurb: "Hop limit: each router subtracts one and drops the packet at zero, so loops cannot keep it alive forever.")
        static let protocolNumber = FieldDescriptor("ip.proto", "Protocol", names: KnownValues.ipProtocols,
            blurb: "Which transport protocol the payload belongs to (6 TCP, 17 UDP, 1 ICMP).")
        static let checksum = FieldDescriptor("ip.checksum", "Header Checksum", .hex(digits: 4),
            blurb: "Detects corruption of this header; each router recomputes it because the TTL changes.")
        static let source = FieldDescriptor("ip.src", "Source Address", .text,
            blurb: "The IP address of the machine that sent the packet.")
        static let destination = FieldDescriptor("ip.dst", "Destination Address", .text,
            blurb: "The IP address of the machine the packet is for; routers forward it hop by hop towards it.")
        static let options = FieldDescriptor("ip.options", "Options", .none,
            blurb: "Optional extra header fields, rarely used on today's Internet.")
        static let optionType = FieldDescriptor("ip.opt.type", "Option type", .hex(digits: 2),
            blurb: "Which option this is; the top bit says whether fragments copy it.")
        static let optionLength = FieldDescriptor("ip.opt.len", "Option length",
            blurb: "Length of the option in bytes, including its type and length bytes.")
    }

    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        let title = "Internet Protocol Version 4"
        guard builder.has(0..<Header.minimumLength) else {
            builder.diagnoseShort("IPv4", needed: Header.minimumLength, packetTruncated: context.packetTruncated)
            context.add(builder.layer("ipv4", title, .network, length: builder.available, summary: ""))
            return (.data, offset)
        }
        let version = builder.number(Fields.version, Header.versionAndLength)!
        let words = builder.read(Header.versionAndLength)! & 0x0F
        let headerLength = Int(words) * 4
        builder.value(Fields.headerLength, Header.versionAndLength, .number(UInt64(headerLength)), note: "bytes (\(words))")
        let dsfield = builder.read(Header.dsfield)!
        let dsChildren = builder.bitFields([Fields.dscp, Fields.ecn], Header.dsfield)
        builder.value(Fields.dsfield, Header.dsfield, .number(dsfield), children: dsChildren)
        let totalLength = Int(builder.number(Fields.totalLength, Header.totalLength)!)
        builder.number(Fields.identification, Header.identification)
        let flagChildren = builder.bitFields([Fields.reservedBit, Fields.dontFragment, Fields.moreFragments], Header.flagsAndOffset)
        let flagsRaw = builder.read(Header.flagsAndOffset)!
        builder.number(Fields.flags, Header.flagsAndOffset, note: flagNames(flagsRaw), children: flagChildren)
        let fragmentOffset = Int(flagsRaw & 0x1FFF) * 8
        builder.value(Fields.fragmentOffset, Header.flagsAndOffset, .number(UInt64(fragmentOffset)))
        builder.number(Fields.ttl, Header.ttl)
        let protocolNumber = builder.number(Fields.protocolNumber, Header.protocolNumber)!
        let checksum = builder.read(Header.checksum)!
        let source = Array(builder.slice(Header.source)!)
        let destination = Array(builder.slice(Header.destination)!)
        let summary = { "\(AddressFormat.ip(source)) → \(AddressFormat.ip(destination))" }

        if version != 4 {
            builder.diagnose(IPv4Diagnostics.versionBad, "the version field says \(version) in an IPv4 header", Header.versionAndLength)
        }
        guard headerLength >= Header.minimumLength else {
            builder.diagnose(IPv4Diagnostics.hdrLenBad,
                             "header length \(headerLength) is less than the minimum of 20 bytes", Header.versionAndLength)
            addAddresses(&builder, source, destination, checksum: checksum, verdict: nil)
            context.add(builder.layer("ipv4", title, .network, length: Header.minimumLength, summary: summary()))
            return (.data, offset + Header.minimumLength)
        }
        let headerCaptured = builder.has(0..<headerLength)
        var verdict: InternetChecksum.Verdict?
        if headerCaptured && builder.records { // verified when fields are shown, as for TCP
            let header = builder.slice(0..<headerLength)!
            let sum = InternetChecksum.fold(InternetChecksum.add(header, to: 0))
            verdict = sum == 0xffff ? .correct
                : .incorrect(expected: ~InternetChecksum.fold(InternetChecksum.add(header, to: 0) &+ UInt32(~UInt16(checksum))))
        }
        addAddresses(&builder, source, destination, checksum: checksum, verdict: verdict)
        if case .incorrect = verdict {
            builder.diagnose(IPv4Diagnostics.checksumBad, "IPv4 header checksum is wrong \(verdict!.note)", Header.checksum)
        }
        if !headerCaptured {
            builder.diagnoseShort("IPv4 options", needed: headerLength, packetTruncated: context.packetTruncated)
            context.add(builder.layer("ipv4", title, .network, length: builder.available, summary: summary()))
            return (.data, offset + min(headerLength, builder.available))
        }
        if headerLength > Header.minimumLength {
            addOptions(&builder, in: Header.minimumLength..<headerLength)
        }

        // The total length bounds the payload: anything after it is link-layer padding.
        var end = offset + totalLength
        if totalLength == 0 {
            // Segmentation offload hands the capture a packet whose length is not filled in yet.
            builder.diagnose(IPv4Diagnostics.lenZero, "total length is 0 (segmentation offload): using the captured length", Header.totalLength)
            end = context.end
        } else if totalLength < headerLength {
            builder.diagnose(IPv4Diagnostics.lenBad, "total length \(totalLength) is less than the header length \(headerLength)", Header.totalLength)
            end = offset + headerLength
        } else if end > context.end && !context.packetTruncated {
            builder.diagnose(IPv4Diagnostics.lenBad,
                             "total length \(totalLength) is more than the \(context.end - offset) bytes present", Header.totalLength)
        }
        context.end = min(end, context.end)
        let payloadLength = (end - offset) - headerLength
        context.networkOffset = offset
        context.pseudoHeader = PseudoHeader(source: source, destination: destination, length: payloadLength,
                                            protocolNumber: UInt8(protocolNumber))
        let moreFragments = flagsRaw & 0x2000 != 0
        if moreFragments || fragmentOffset > 0 {
            let identification = builder.read(Header.identification)!
            builder.diagnose(IPv4Diagnostics.fragment,
                             "fragment of datagram \(String(format4: identification)): bytes \(fragmentOffset)–\(fragmentOffset + payloadLength - 1)\(moreFragments ? ", more follow" : ", the last one"); fragments are not reassembled, so the payload is shown as data",
                             Header.flagsAndOffset)
            context.add(builder.layer("ipv4", title, .network, length: headerLength, summary: summary() + " (fragment)"))
            return (.data, offset + headerLength)
        }
        context.add(builder.layer("ipv4", title, .network, length: headerLength, summary: summary()))
        return (PacketDecoder.layer(forIPProtocol: protocolNumber), offset + headerLength)
    }

    private static func addAddresses(_ builder: inout LayerBuilder, _ source: [UInt8], _ destination: [UInt8],
                                     checksum: UInt64, verdict: InternetChecksum.Verdict?) {
        builder.value(Fields.checksum, Header.checksum, .number(checksum), note: verdict?.note ?? "[unverified: header not captured]")
        builder.value(Fields.source, Header.source, .text(AddressFormat.ip(source)))
        builder.value(Fields.destination, Header.destination, .text(AddressFormat.ip(destination)))
    }

    private static func flagNames(_ raw: UInt64) -> String? {
        var names: [String] = []
        if raw & 0x8000 != 0 { names.append("Reserved") }
        if raw & 0x4000 != 0 { names.append("Don't fragment") }
        if raw & 0x2000 != 0 { names.append("More fragments") }
        return names.isEmpty ? nil : "(\(names.joined(separator: ", ")))"
    }

    /// RFC 791 options: type 0 ends the list, 1 is a one-byte no-op, the rest are type-length-value.
    private static func addOptions(_ builder: inout LayerBuilder, in range: Range<Int>) {
        var children: [Field] = []
        var at = range.lowerBound
        while at < range.upperBound {
            let type = builder.read(at..<(at + 1))!
            if type == 0 || type == 1 {
                children.append(builder.makeNumber(Fields.optionType, at..<(at + 1),
                                                   note: type == 0 ? "(End of Option List)" : "(No-Operation)")!)
                at += 1
                if type == 0 { break }
                continue
            }
            guard at + 2 <= range.upperBound, let length = builder.read((at + 1)..<(at + 2)),
                  length >= 2, at + Int(length) <= range.upperBound else {
                builder.diagnose(IPv4Diagnostics.optLenBad, "an IPv4 option's length runs past the header", at..<range.upperBound)
                break
            }
            let option = at..<(at + Int(length))
            children.append(Field(Fields.optionType, .number(type), offset: builder.start + at, length: Int(length),
                                  children: [builder.makeNumber(Fields.optionLength, (at + 1)..<(at + 2))!]))
            at = option.upperBound
        }
        builder.value(Fields.options, range, .none, note: "(\(range.count) bytes)", children: children)
    }
}

extension String {
    /// "0x1a2b": a 16-bit value as Wireshark writes identifiers.
    init(format4 value: UInt64) {
        self = "0x" + String(value, radix: 16).leftPadded(to: 4)
    }
}
