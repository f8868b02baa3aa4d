import Testing
@testable import OsiscopeCapture

@Suite struct PcapngReaderTests {
    @Test(arguments: [false, true])
    func readsEnhancedSimpleAndObsoletePacketBlocks(bigEndian: Bool) throws {
        let file = PcapngFile.sectionHeader(bigEndian: bigEndian, comment: "recorded for a test")
            + PcapngFile.interface(linkType: 1, snapLength: 4, bigEndian: bigEndian)
            + PcapngFile.enhancedPacket(timestamp: 1_700_000_000_250_000, data: payload(1, count: 4), originalLength: 10,
                                        comment: "first", bigEndian: bigEndian)
            + PcapngFile.simplePacket(data: payload(2, count: 4), originalLength: 9, bigEndian: bigEndian)
            + PcapngFile.obsoletePacket(timestamp: 3_000_001, data: payload(3, count: 2), bigEndian: bigEndian)
        let reader = try CaptureReader(bytes: file)
        var packets: [CapturedPacket] = []
        while let packet = try reader.next() { packets.append(packet) }
        #expect(reader.format == .pcapng)
        #expect(reader.sectionComments == ["recorded for a test"])
        #expect(packets.map(\.number) == [1, 2, 3])
        #expect(packets.map(\.data) == [payload(1, count: 4), payload(2, count: 4), payload(3, count: 2)])
        #expect(packets.map(\.originalLength) == [10, 9, 2])
        #expect(packets[0].comments == ["first"])
        #expect(packets[0].timestamp.decimalString == "1700000000.250000")
        #expect(packets[1].timestamp.decimalString == "0.000000") // A simple packet block has no timestamp.
        #expect(packets[2].timestamp.decimalString == "3.000001")
    }

    @Test func appliesEachInterfacesResolutionAndLinkType() throws {
        // if_tsresol 9 means 10^-9 s; 0x94 means 2^-20 s; if_tsoffset adds whole seconds.
        let file = PcapngFile.sectionHeader()
            + PcapngFile.interface(linkType: 1, tsresol: 9, name: "lo")
            + PcapngFile.interface(linkType: 113, tsresol: 0x94, tsoffset: 100)
            + PcapngFile.interface(linkType: 228, tsresol: 3)
            + PcapngFile.enhancedPacket(interface: 0, timestamp: 1_500_000_000_123_456_789, data: [1])
            + PcapngFile.enhancedPacket(interface: 1, timestamp: 3 << 20 | 1 << 19, data: [2])
            + PcapngFile.enhancedPacket(interface: 2, timestamp: 12_345, data: [3])
        let reader = try CaptureReader(bytes: file)
        var packets: [CapturedPacket] = []
        while let packet = try reader.next() { packets.append(packet) }
        #expect(packets.map(\.timestamp.decimalString) == ["1500000000.123456789", "103.500000000", "12.345"])
        #expect(packets.map(\.linkType) == [.ethernet, .linuxSLL, .ipv4])
        #expect(packets.map(\.interfaceIndex) == [0, 1, 2])
        #expect(reader.interfaces.map(\.name) == ["lo", nil, nil])
    }

    @Test func startsOverAtEachSectionWithItsOwnByteOrder() throws {
        let file = PcapngFile.sectionHeader(bigEndian: false)
            + PcapngFile.interface(linkType: 1)
            + PcapngFile.enhancedPacket(timestamp: 1_000_000, data: [1])
            + PcapngFile.sectionHeader(bigEndian: true)
            + PcapngFile.interface(linkType: 101, bigEndian: true)
            + PcapngFile.enhancedPacket(timestamp: 2_000_000, data: [2], bigEndian: true)
        let packets = try readAll(file)
        #expect(packets.map(\.linkType) == [.ethernet, .raw])
        #expect(packets.map(\.timestamp.seconds) == [1, 2])
        #expect(packets.map(\.number) == [1, 2])
    }

    @Test func skipsUnknownAndStatisticsBlocks() throws {
        let file = PcapngFile.sectionHeader()
            + PcapngFile.interface()
            + PcapngFile.block(0x0000_0BAD, [1, 2, 3, 4, 5, 6, 7, 8])
            + PcapngFile.block(5, [UInt8](repeating: 0, count: 12)) // interface statistics
            + PcapngFile.enhancedPacket(timestamp: 0, data: [7])
        #expect(try readAll(file).map(\.data) == [[7]])
    }

    @Test func rejectsAPacketForAnUndescribedInterface() throws {
        let prefix = PcapngFile.sectionHeader() + PcapngFile.interface()
        let file = prefix + PcapngFile.enhancedPacket(timestamp: 0, data: [1])
            + PcapngFile.enhancedPacket(interface: 3, timestamp: 0, data: [2])
        let reader = try CaptureReader(bytes: file)
        #expect(try reader.next()?.data == [1])
        let badOffset = prefix.count + PcapngFile.enhancedPacket(timestamp: 0, data: [1]).count
        #expect(throws: CaptureError(.malformedBlock, at: badOffset + 8, "")) { try reader.next() }
    }

    @Test func rejectsAnAbsurdBlockLength() throws {
        var writer = ByteWriter(bigEndian: false)
        writer.u32(6)
        writer.u32(0xFFFF_FFF0)
        let prefix = PcapngFile.sectionHeader() + PcapngFile.interface()
        let reader = try CaptureReader(bytes: prefix + writer.bytes + [UInt8](repeating: 0, count: 8))
        #expect(throws: CaptureError(.absurdLength, at: prefix.count + 4, "")) { try reader.next() }
    }

    @Test func rejectsMismatchedTrailingLength() throws {
        var block = PcapngFile.enhancedPacket(timestamp: 0, data: [1])
        block[block.count - 4] ^= 0x04
        let prefix = PcapngFile.sectionHeader() + PcapngFile.interface()
        let reader = try CaptureReader(bytes: prefix + block)
        #expect(throws: CaptureError(.malformedBlock, at: prefix.count + block.count - 4, "")) { try reader.next() }
    }

    @Test func reportsACutOffBlockAfterTheWholeOnes() throws {
        let whole = PcapngFile.sectionHeader() + PcapngFile.interface() + PcapngFile.enhancedPacket(timestamp: 0, data: [1])
        let cut = Array(PcapngFile.enhancedPacket(timestamp: 0, data: payload(2, count: 30)).prefix(30))
        let reader = try CaptureReader(bytes: whole + cut)
        #expect(try reader.next()?.data == [1])
        #expect(throws: CaptureError(.cutOff, at: whole.count, "")) { try reader.next() }
    }

    @Test func rejectsABadByteOrderMagic() throws {
        var file = PcapngFile.sectionHeader()
        file[8] = 0x00
        let reader = try CaptureReader(bytes: file)
        #expect(throws: CaptureError(.malformedBlock, at: 8, "")) { try reader.next() }
    }
}
