import Testing
import OsiscopeCapture
import OsiscopeWire
@testable import OsiscopeStreams

/// tcp.stream numbering as Wireshark does it, and port reuse.
@Suite struct ConversationTrackerTests {
    /// A raw IPv4 (RFC 791) + TCP (RFC 9293) segment without options or payload; checksums zero.
    static func segment(from source: (UInt8, UInt16), to destination: (UInt8, UInt16), seq: UInt32, ack: UInt32 = 0,
                        flags: UInt8, number: Int, second: Int64) -> CapturedPacket {
        var bytes: [UInt8] = [0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, source.0, 10, 0, 0, destination.0]
        bytes += [UInt8(source.1 >> 8), UInt8(source.1 & 0xff), UInt8(destination.1 >> 8), UInt8(destination.1 & 0xff)]
        bytes += withUnsafeBytes(of: seq.bigEndian, Array.init) + withUnsafeBytes(of: ack.bigEndian, Array.init)
        bytes += [0x50, flags, 0xff, 0xff, 0, 0, 0, 0] // data offset 5, flags, window, checksum, urgent pointer
        return CapturedPacket(number: number, timestamp: Timestamp(seconds: second, nanoseconds: 0), originalLength: 40,
                              linkType: .raw, data: bytes)
    }

    static let syn: UInt8 = 0x02, synAck: UInt8 = 0x12, ackFlag: UInt8 = 0x10, finAck: UInt8 = 0x11

    func streams(_ packets: [CapturedPacket]) -> (numbers: [Int], placements: [ConversationTracker.Placement]) {
        var tracker = ConversationTracker()
        var numbers: [Int] = []
        var placements: [ConversationTracker.Placement] = []
        for packet in packets {
            var decoded = PacketDecoder.decode(packet)
            if let placement = tracker.track(&decoded) { placements.append(placement) }
            if case .number(let value) = decoded.field("tcp.stream")?.value { numbers.append(Int(value)) }
        }
        return (numbers, placements)
    }

    @Test func numbersConnectionsInOrderOfFirstPacketWhicheverWayTheyGo() {
        let a = (UInt8(1), UInt16(40000)), b = (UInt8(2), UInt16(80)), c = (UInt8(3), UInt16(40001))
        let packets = [
            Self.segment(from: a, to: b, seq: 100, flags: Self.syn, number: 1, second: 0),
            Self.segment(from: c, to: b, seq: 500, flags: Self.syn, number: 2, second: 0),
            Self.segment(from: b, to: a, seq: 900, ack: 101, flags: Self.synAck, number: 3, second: 0),
            Self.segment(from: b, to: c, seq: 700, ack: 501, flags: Self.synAck, number: 4, second: 0),
        ]
        let result = streams(packets)
        #expect(result.numbers == [0, 1, 0, 1])
        #expect(result.placements.map(\.direction) == [.client, .client, .server, .server])
        #expect(result.placements.map(\.isNew) == [true, true, false, false])
    }

    @Test func aNewSYNOnClosedPortsStartsANewStream() {
        let a = (UInt8(1), UInt16(40000)), b = (UInt8(2), UInt16(80))
        let packets = [
            Self.segment(from: a, to: b, seq: 100, flags: Self.syn, number: 1, second: 0),
            Self.segment(from: b, to: a, seq: 900, ack: 101, flags: Self.synAck, number: 2, second: 0),
            Self.segment(from: a, to: b, seq: 101, ack: 901, flags: Self.finAck, number: 3, second: 1),
            Self.segment(from: b, to: a, seq: 901, ack: 102, flags: Self.finAck, number: 4, second: 1),
            // The same ports again, a new initial sequence number: a new connection.
            Self.segment(from: a, to: b, seq: 5000, flags: Self.syn, number: 5, second: 2),
            Self.segment(from: b, to: a, seq: 7000, ack: 5001, flags: Self.synAck, number: 6, second: 2),
            // A retransmitted SYN with the same number is the same connection.
            Self.segment(from: a, to: b, seq: 5000, flags: Self.syn, number: 7, second: 3),
        ]
        let result = streams(packets)
        #expect(result.numbers == [0, 0, 0, 0, 1, 1, 1])
        #expect(result.placements[4].replaces == 0)
        #expect(result.placements[6].replaces == nil)
    }

    @Test func relativeSequenceNumbersStartAtZeroAfterTheSYN() {
        let a = (UInt8(1), UInt16(40000)), b = (UInt8(2), UInt16(80))
        var tracker = ConversationTracker()
        var relative: [UInt64] = []
        for packet in [
            Self.segment(from: a, to: b, seq: 4_294_967_000, flags: Self.syn, number: 1, second: 0),
            Self.segment(from: b, to: a, seq: 10, ack: 4_294_967_001, flags: Self.synAck, number: 2, second: 0),
            Self.segment(from: a, to: b, seq: 4_294_967_001, ack: 11, flags: Self.ackFlag, number: 3, second: 0),
        ] {
            var decoded = PacketDecoder.decode(packet)
            tracker.track(&decoded)
            if case .number(let value) = decoded.field("tcp.seq")?.value { relative.append(value) }
        }
        #expect(relative == [0, 0, 1])
    }
}
