/// TCP headers: ports, sequence numbers, flags, window, checksum and options (RFC 9293).
enum TCPDecoder {
    enum Header {
        static let sourcePort = 0..<2
        static let destinationPort = 2..<4
        static let sequence = 4..<8
        static let acknowledgment = 8..<12
        static let dataOffset = 12..<13
        static let flags = 12..<14
        static let window = 14..<16
        static let checksum = 16..<18
        static let urgentPointer = 18..<20
        static let minimumLength = 20
    }

    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        let title = "Transmission Control Protocol"
        guard builder.has(0..<Header.minimumLength) else {
            builder.diagnoseShort("TCP", needed: Header.minimumLength, packetTruncated: context.packetTruncated)
            // Ports are in the first four bytes: show what is there.
            builder.number(TCPFields.sourcePort, Header.sourcePort)
            builder.number(TCPFields.destinationPort, Header.destinationPort)
            context.add(builder.layer("tcp", title, .transport, length: builder.available, summary: ""))
            return nil
        }
        let sourcePort = UInt16(builder.number(TCPFields.sourcePort, Header.sourcePort)!)
        let destinationPort = UInt16(builder.number(TCPFields.destinationPort, Header.destinationPort)!)
        let sequence = UInt32(builder.number(TCPFields.sequence, Header.sequence)!)
        let acknowledgment = UInt32(builder.number(TCPFields.acknowledgment, Header.acknowledgment)!)
        let words = builder.read(Header.dataOffset)! >> 4
        let headerLength = Int(words) * 4
        builder.value(TCPFields.headerLength, Header.dataOffset, .number(UInt64(headerLength)), note: "bytes (\(words))")
        let flags = UInt16(builder.read(Header.flags)! & 0x0FFF)
        let flagChildren = builder.bitFields(TCPFields.flagDescriptors, Header.flags)
        builder.value(TCPFields.flags, Header.flags, .number(UInt64(flags)), note: "(\(TCPFields.flagNames(flags)))",
                      children: flagChildren)
        let window = UInt16(builder.number(TCPFields.window, Header.window)!)
        let checksumIndex = builder.fields.count
        let checksum = UInt16(builder.number(TCPFields.checksum, Header.checksum)!)
        builder.number(TCPFields.urgentPointer, Header.urgentPointer)

        let segmentLength = builder.available
        var payloadLength = 0
        var payloadOffset = offset + segmentLength
        var badChecksum = false
        var windowShift: UInt8?
        if headerLength < Header.minimumLength {
            builder.diagnose(TCPDiagnostics.hdrLenBad,
                             "header length \(headerLength) is less than the minimum of 20 bytes", Header.dataOffset)
        } else if !builder.has(0..<headerLength) {
            builder.diagnoseShort("TCP options", needed: headerLength, packetTruncated: context.packetTruncated)
        } else {
            if headerLength > Header.minimumLength && builder.records {
                TCPOptions.add(&builder, in: Header.minimumLength..<headerLength)
            }
            if flags & TCPSegmentInfo.syn != 0 {
                windowShift = TCPOptions.windowShift(builder, in: Header.minimumLength..<headerLength)
            }
            payloadOffset = offset + headerLength
            payloadLength = segmentLength - headerLength
            // A segment is whole only if the snap length kept every byte IP says it has.
            if !builder.records {
                // Only the transport is wanted: the checksum is verified when fields are shown.
            } else if let pseudo = context.pseudoHeader, pseudo.length == segmentLength {
                let verdict = InternetChecksum.verify(segment: builder.slice(0..<segmentLength)!, stored: checksum,
                                                      pseudoSum: pseudo.sum)
                builder.fields[checksumIndex].note = verdict.note
                if case .incorrect = verdict {
                    badChecksum = true
                    builder.diagnose(TCPDiagnostics.checksumBad, "TCP checksum is wrong \(verdict.note)", Header.checksum)
                }
            } else {
                builder.fields[checksumIndex].note = InternetChecksum.Verdict.unchecked("segment not captured whole").note
            }
        }
        if let pseudo = context.pseudoHeader, pseudo.length > segmentLength, headerLength >= Header.minimumLength {
            // Bytes the snap length dropped still count: tcp.len is what was sent.
            payloadLength = max(0, pseudo.length - headerLength)
        }
        builder.generated(TCPFields.payloadLength, .number(UInt64(payloadLength)))
        let info = TCPSegmentInfo(sequence: sequence, acknowledgment: acknowledgment, flags: flags, window: window,
                                  payloadOffset: payloadOffset, payloadLength: payloadLength, badChecksum: badChecksum,
                                  windowShift: windowShift)
        context.transport = TransportInfo(
            kind: .tcp,
            source: Endpoint(address: IPAddress(context.pseudoHeader?.source ?? []), port: sourcePort),
            destination: Endpoint(address: IPAddress(context.pseudoHeader?.destination ?? []), port: destinationPort),
            tcp: info, networkOffset: context.networkOffset, transportOffset: offset)
        context.add(builder.layer("tcp", title, .transport, length: max(headerLength, Header.minimumLength),
                                  summary: TCPSegmentInfo.summary(
                                      ports: (UInt64(sourcePort), UInt64(destinationPort)), flags: flags, sequence: sequence,
                                      acknowledgment: acknowledgment, window: UInt32(window), length: payloadLength)))
        let captured = context.end - payloadOffset
        return captured > 0 ? (.data, payloadOffset) : nil
    }
}
