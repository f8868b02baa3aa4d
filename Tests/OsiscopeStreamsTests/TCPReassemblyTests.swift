import Testing
import OsiscopeCapture
import OsiscopeTestSupport
import OsiscopeWire
@testable import OsiscopeStreams

/// Reassembly of real recorded connections, cut, duplicated and reordered (issue 3).
@Suite struct TCPReassemblyTests {
    /// websocket-plain.pcapng: one connection, with a 70000-byte message each way.
    static let sample = "websocket-plain.pcapng"

    /// What tshark says of the connection (the "capture" key of the sample's expected file).
    func connection() throws -> CaptureFacts.TCPStream {
        try #require(try SampleFiles.capture(Self.sample).tcp.first)
    }

    func inOrder() throws -> (packets: [CapturedPacket], streams: SampleStreams.Reassembled) {
        let packets = try SampleStreams.packets(Self.sample)
        return (packets, SampleStreams.reassemble(packets))
    }

    /// Indices of packets that carry TCP payload.
    func dataIndices(_ packets: [CapturedPacket]) -> [Int] {
        packets.indices.filter { (PacketDecoder.decode(packets[$0]).transport?.tcp?.payloadLength ?? 0) > 0 }
    }

    /// Indices of packets that occupy sequence space: payload, SYN or FIN.
    func sequenceSpaceIndices(_ packets: [CapturedPacket]) -> [Int] {
        packets.indices.filter {
            let tcp = PacketDecoder.decode(packets[$0]).transport?.tcp
            return (tcp?.payloadLength ?? 0) > 0 || tcp?.has(TCPSegmentInfo.syn) == true || tcp?.has(TCPSegmentInfo.fin) == true
        }
    }

    @Test func inOrderCaptureGivesBothStreamsWhole() throws {
        let (_, streams) = try inOrder()
        // The recording's byte counts as tshark counts them: the handshake and echoed messages.
        let facts = try connection()
        #expect(streams.bytes[.client]!.count == facts.payloadBytes.client)
        #expect(streams.bytes[.server]!.count == facts.payloadBytes.server)
        #expect(streams.gaps[.client]!.isEmpty && streams.gaps[.server]!.isEmpty)
        #expect(streams.finished == [.client, .server])
        #expect(streams.misplacedChunks == 0)
        #expect(Array(streams.bytes[.client]!.prefix(15)) == Array("GET /echo HTTP/".utf8))
        #expect(streams.analysis.isEmpty)
    }

    @Test func reorderedSegmentsAreDeliveredInOrderAndFlagged() throws {
        let (packets, reference) = try inOrder()
        var shuffled = packets
        // Swap three pairs of back-to-back data segments of one sender, as a reordering network would.
        let data = Set(dataIndices(packets))
        let pairs = data.sorted().filter { index in
            data.contains(index + 1)
                && PacketDecoder.decode(packets[index]).transport!.source == PacketDecoder.decode(packets[index + 1]).transport!.source
        }
        let chosen = [pairs[2], pairs[10], pairs[20]]
        for index in chosen {
            shuffled.swapAt(index, index + 1)
            // A reordering network delivers the late segment right after the early one; with the
            // times swapped too, time would run backwards and Wireshark (like us) would call it a
            // retransmission instead.
            shuffled[index].timestamp = packets[index].timestamp
            shuffled[index + 1].timestamp = packets[index].timestamp
        }
        let streams = SampleStreams.reassemble(shuffled)
        #expect(streams.bytes == reference.bytes)
        #expect(streams.misplacedChunks == 0)
        let flagged = streams.analysis.filter { $0.value.contains("tcp.analysis.out_of_order") }.keys.sorted()
        #expect(flagged == chosen.map { packets[$0].number })
        #expect(streams.analysis.values.filter { $0.contains("tcp.analysis.lost_segment") }.count == 3)
    }

    @Test func duplicatedSegmentsAreDeliveredOnceAndFlagged() throws {
        let (packets, reference) = try inOrder()
        var doubled: [CapturedPacket] = []
        for packet in packets { doubled += [packet, packet] }
        let streams = SampleStreams.reassemble(doubled)
        #expect(streams.bytes == reference.bytes)
        let retransmissions = streams.analysis.values.filter { $0.contains("tcp.analysis.retransmission") }.count
        // Every copy that takes sequence space is a retransmission: data, and the SYN, SYN-ACK and
        // FINs (RFC 9293 §3.4: SYN and FIN each occupy one sequence number); pure ACKs are not.
        #expect(retransmissions == sequenceSpaceIndices(packets).count)
        #expect(!streams.analysis.values.contains { $0.contains("tcp.reassembly.overlap_conflict") })
    }

    @Test func aRetransmissionWithOtherBytesIsFlagged() throws {
        let (packets, reference) = try inOrder()
        let target = dataIndices(packets)[5]
        var changed = packets[target]
        let payloadStart = PacketDecoder.decode(changed).transport!.tcp!.payloadOffset
        changed.data[payloadStart] ^= 0xFF
        var sequence = packets
        sequence.insert(changed, at: target + 1)
        let streams = SampleStreams.reassemble(sequence)
        #expect(streams.bytes == reference.bytes) // The first copy wins.
        #expect(streams.analysis[changed.number]!.contains("tcp.reassembly.overlap_conflict"))
    }

    @Test func aLostSegmentBecomesAGapOnceAcknowledged() throws {
        let (packets, reference) = try inOrder()
        let lost = dataIndices(packets)[20]
        let lostPacket = PacketDecoder.decode(packets[lost])
        var sequence = packets
        sequence.remove(at: lost)
        let streams = SampleStreams.reassemble(sequence)
        let clientPort = try #require(try connection().clientPort)
        let direction: Direction = lostPacket.transport!.source.port == clientPort ? .client : .server
        let length = Int64(lostPacket.transport!.tcp!.payloadLength)
        #expect(streams.gaps[direction]!.count == 1)
        #expect(streams.gaps[direction]!.first!.count == length)
        #expect(streams.bytes[direction]!.count == reference.bytes[direction]!.count - Int(length))
        #expect(streams.misplacedChunks == 0)
        #expect(streams.finished.contains(direction))
    }

    @Test func aCaptureThatStartsMidConnectionCountsFromTheFirstByteSeen() throws {
        let (packets, reference) = try inOrder()
        // Start at the first packet with payload: no SYN, SYN/ACK or handshake ACK.
        let start = try #require(dataIndices(packets).first)
        let synPackets = try connection().synPackets
        #expect(!synPackets.isEmpty && synPackets.allSatisfy { $0 < packets[start].number })
        let streams = SampleStreams.reassemble(Array(packets[start...]))
        #expect(streams.bytes == reference.bytes)
        #expect(streams.misplacedChunks == 0)
    }

    @Test func sequenceNumbersThatWrapAroundAreFollowed() throws {
        let (packets, reference) = try inOrder()
        // Shift both directions' numbers so each starts 30000 below 2^32 and wraps mid-message.
        let syn = PacketDecoder.decode(packets[0]).transport!
        let synAck = PacketDecoder.decode(packets[1]).transport!
        let shift: [UInt16: UInt32] = [
            syn.source.port: (UInt32.max - 30_000) &- syn.tcp!.sequence,
            synAck.source.port: (UInt32.max - 30_000) &- synAck.tcp!.sequence,
        ]
        let shifted = packets.map { packet -> CapturedPacket in
            var packet = packet
            let decoded = PacketDecoder.decode(packet)
            let transport = decoded.transport!, tcp = decoded.layer("tcp")!
            Self.add(shift[transport.source.port]!, at: tcp.offset + 4, in: &packet.data)
            if transport.tcp!.has(TCPSegmentInfo.ack) {
                Self.add(shift[transport.destination.port]!, at: tcp.offset + 8, in: &packet.data)
            }
            return packet
        }
        #expect(PacketDecoder.decode(shifted[0]).transport!.tcp!.sequence == UInt32.max - 30_000)
        let streams = SampleStreams.reassemble(shifted)
        #expect(streams.bytes == reference.bytes)
        #expect(streams.gaps[.client]!.isEmpty && streams.gaps[.server]!.isEmpty)
        #expect(streams.finished == [.client, .server])
    }

    /// Adds to the big-endian 32-bit number at `offset`, modulo 2^32.
    static func add(_ delta: UInt32, at offset: Int, in data: inout [UInt8]) {
        var value = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(data[offset + $1]) }
        value = value &+ delta
        for index in 0..<4 { data[offset + index] = UInt8(truncatingIfNeeded: value >> UInt32(24 - 8 * index)) }
    }

    @Test func pendingDataOverTheLimitIsReleasedBehindAGap() throws {
        let (packets, reference) = try inOrder()
        let lost = dataIndices(packets)[2] // Early client data: the big message follows it.
        var sequence = packets
        sequence.remove(at: lost)
        // Drop the server's acknowledgments so only the limit can release the waiting bytes.
        let clientPort = try #require(try connection().clientPort)
        sequence = sequence.filter { packet in
            let tcp = PacketDecoder.decode(packet).transport!.tcp!
            return !(PacketDecoder.decode(packet).transport!.source.port != clientPort && tcp.payloadLength == 0)
        }
        let streams = SampleStreams.reassemble(sequence) { $0.maximumPendingBytes = 10_000 }
        #expect(streams.gaps[.client]!.count == 1)
        #expect(streams.misplacedChunks == 0)
        #expect(streams.bytes[.client]!.count < reference.bytes[.client]!.count)
    }
}
