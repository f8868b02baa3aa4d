/// User Datagram Protocol, RFC 768: ports, a length and a checksum, nothing more.
enum UDPDecoder {
    enum Header {
        static let sourcePort = 0..<2
        static let destinationPort = 2..<4
        static let length = 4..<6
        static let checksum = 6..<8
        static let size = 8
    }

    enum Fields {
        static let sourcePort = FieldDescriptor("udp.srcport", "Source Port",
            blurb: "The sender's port; replies go back to it.")
        static let destinationPort = FieldDescriptor("udp.dstport", "Destination Port",
            blurb: "The receiver's port, which picks the program that gets the datagram (53 for DNS, for example).")
        static let length = FieldDescriptor("udp.length", "Length",
            blurb: "Length of the UDP header and data in bytes.")
        static let checksum = FieldDescriptor("udp.checksum", "Checksum", .hex(digits: 4),
            blurb: "Detects corruption; zero means the sender did not compute one (allowed over IPv4 only).")
    }

    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        let title = "User Datagram Protocol"
        guard builder.has(0..<Header.size) else {
            builder.diagnoseShort("UDP", needed: Header.size, packetTruncated: context.packetTruncated)
            context.add(builder.layer("udp", title, .transport, length: builder.available, summary: ""))
            return nil
        }
        let sourcePort = UInt16(builder.number(Fields.sourcePort, Header.sourcePort)!)
        let destinationPort = UInt16(builder.number(Fields.destinationPort, Header.destinationPort)!)
        let length = Int(builder.number(Fields.length, Header.length)!)
        let checksum = UInt16(builder.read(Header.checksum)!)
        var note = InternetChecksum.Verdict.unchecked("datagram not captured whole").note
        if let pseudo = context.pseudoHeader {
            if length < Header.size || length > pseudo.length {
                builder.diagnose(UDPDiagnostics.lengthBad,
                                 "length \(length) does not fit the \(pseudo.length) bytes IP carries", Header.length)
            } else if checksum == 0 && pseudo.source.count == 4 {
                note = "[none: the sender did not compute one]"
            } else if builder.records && builder.has(0..<length) {
                let verdict = InternetChecksum.verify(segment: builder.slice(0..<length)!, stored: checksum,
                                                      pseudoSum: PseudoHeader(source: pseudo.source, destination: pseudo.destination,
                                                                              length: length, protocolNumber: 17).sum)
                note = verdict.note
                if case .incorrect = verdict {
                    builder.diagnose(UDPDiagnostics.checksumBad, "UDP checksum is wrong \(verdict.note)", Header.checksum)
                }
            }
        }
        builder.value(Fields.checksum, Header.checksum, .number(UInt64(checksum)), note: note)
        context.transport = TransportInfo(
            kind: .udp,
            source: Endpoint(address: IPAddress(context.pseudoHeader?.source ?? []), port: sourcePort),
            destination: Endpoint(address: IPAddress(context.pseudoHeader?.destination ?? []), port: destinationPort), networkOffset: context.networkOffset,
            transportOffset: offset)
        let payload = max(0, min(length, builder.available) - Header.size)
        context.add(builder.layer("udp", title, .transport, length: Header.size,
                                  summary: "\(sourcePort) → \(destinationPort) Len=\(max(0, length - Header.size))"))
        if length >= Header.size { context.end = min(context.end, offset + length) }
        return payload > 0 ? (.data, offset + Header.size) : nil
    }
}
