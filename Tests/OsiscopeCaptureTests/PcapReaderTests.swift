import Testing
@testable import OsiscopeCapture

func readAll(_ bytes: [UInt8]) throws -> [CapturedPacket] {
    let reader = try CaptureReader(bytes: bytes)
    var packets: [CapturedPacket] = []
    while let packet = try reader.next() { packets.append(packet) }
    return packets
}

@Suite struct PcapReaderTests {
    @Test(arguments: [false, true])
    func readsMicrosecondPcapInEitherByteOrder(bigEndian: Bool) throws {
        let file = PcapFile.header(bigEndian: bigEndian, linkType: 1)
            + PcapFile.record(seconds: 1_700_000_000, fraction: 123_456, data: payload(1), bigEndian: bigEndian)
            + PcapFile.record(seconds: 1_700_000_001, fraction: 7, data: payload(2, count: 3), originalLength: 60,
                              bigEndian: bigEndian)
        let reader = try CaptureReader(bytes: file)
        #expect(reader.format == .pcap(nanosecond: false, bigEndian: bigEndian))
        let packets = try readAll(file)
        #expect(packets.count == 2)
        #expect(packets[0].number == 1)
        #expect(packets[0].timestamp.decimalString == "1700000000.123456")
        #expect(packets[0].data == payload(1))
        #expect(packets[0].linkType == .ethernet)
        #expect(packets[0].fileOffset == 24)
        #expect(packets[1].timestamp.decimalString == "1700000001.000007")
        #expect(packets[1].capturedLength == 3)
        #expect(packets[1].originalLength == 60)
        #expect(packets[1].isTruncated)
        #expect(packets[1].fileOffset == 24 + 16 + 5)
    }

    @Test(arguments: [false, true])
    func readsNanosecondPcap(bigEndian: Bool) throws {
        let file = PcapFile.header(nanosecond: true, bigEndian: bigEndian, linkType: 276)
            + PcapFile.record(seconds: 5, fraction: 999_999_999, data: payload(9), bigEndian: bigEndian)
        let packets = try readAll(file)
        #expect(packets.map(\.timestamp.decimalString) == ["5.999999999"])
        #expect(packets[0].linkType == .linuxSLL2)
    }

    @Test func keepsUnknownLinkTypesAndDropsTheFCSBits() throws {
        // The top four bits of the link type field are FCS flags (pcap-savefile), not part of the type.
        let file = PcapFile.header(linkType: 0x1000_0000 | 147) + PcapFile.record(seconds: 0, fraction: 0, data: [1])
        #expect(try readAll(file)[0].linkType == LinkType(rawValue: 147))
    }

    @Test func rejectsAFileThatIsNotACapture() {
        let text = Array("GET / HTTP/1.1\r\n".utf8)
        #expect(throws: CaptureError(.notACapture, at: 0, "")) { try CaptureReader(bytes: text) }
        #expect(throws: CaptureError(.notACapture, at: 0, "")) { try CaptureReader(bytes: [0xA1]) }
    }

    @Test func reportsACutOffLastRecordAfterTheWholeOnes() throws {
        var file = PcapFile.header() + PcapFile.record(seconds: 1, fraction: 0, data: payload(1))
        let secondOffset = file.count
        file += PcapFile.record(seconds: 2, fraction: 0, data: payload(2, count: 40)).dropLast(10)
        let reader = try CaptureReader(bytes: file)
        #expect(try reader.next()?.data == payload(1))
        #expect(throws: CaptureError(.cutOff, at: secondOffset, "")) { try reader.next() }
    }

    @Test func reportsACutOffRecordHeader() throws {
        let file = PcapFile.header() + PcapFile.record(seconds: 1, fraction: 0, data: payload(1)) + [1, 2, 3]
        let reader = try CaptureReader(bytes: file)
        _ = try reader.next()
        #expect(throws: CaptureError(.cutOff, at: 24 + 21, "")) { try reader.next() }
    }

    @Test func rejectsAnAbsurdRecordLength() throws {
        var writer = ByteWriter(bigEndian: false)
        writer.u32(1); writer.u32(0); writer.u32(0x7FFF_FFFF); writer.u32(0x7FFF_FFFF)
        let reader = try CaptureReader(bytes: PcapFile.header() + writer.bytes)
        #expect(throws: CaptureError(.absurdLength, at: 24, "")) { try reader.next() }
    }

    @Test func rejectsACutOffFileHeader() {
        let header = PcapFile.header()
        #expect(throws: CaptureError(.cutOff, at: 10, "")) { try CaptureReader(bytes: Array(header.prefix(10))) }
    }

    @Test func namesTheOffsetInTheMessage() throws {
        let file = PcapFile.header() + Array(PcapFile.record(seconds: 1, fraction: 0, data: payload(1, count: 9)).prefix(20))
        let reader = try CaptureReader(bytes: file)
        do {
            _ = try reader.next()
            Issue.record("a cut-off record must throw")
        } catch let error as CaptureError {
            #expect(error.description == "packet 1 is cut off: 4 of its 9 bytes are in the file (at byte offset 24)")
        }
    }
}
