import OsiscopeCapture
import OsiscopeStreams

/// Fuzz input turned into shapes the parsers take: drip-fed pieces, and a TCP connection's
/// packets built around the bytes (hand-built Ethernet/IPv4/TCP headers, RFC 791 and 793).
enum Synthetic {
    /// The input cut into pieces whose sizes cycle through the first byte's bits (1 to 16).
    static func pieces(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        guard let seed = bytes.first else { return [] }
        var pieces: [ArraySlice<UInt8>] = []
        var index = 1, turn = 0
        while index < bytes.count {
            let size = Int((seed >> (turn % 8)) & 0x0F) + 1
            pieces.append(bytes[index..<min(bytes.count, index + size)])
            index += size
            turn += 1
        }
        return pieces
    }

    /// Records of 4 bytes (direction and flags, sequence offset, length) followed by that many
    /// payload bytes: one connection's segments, as the input orders them.
    static func connection(_ bytes: [UInt8], port: UInt16) -> InMemoryPackets {
        var packets: [CapturedPacket] = []
        var index = 0
        while index + 4 <= bytes.count, packets.count < 500 {
            let control = bytes[index], offset = UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            let length = min(Int(bytes[index + 3]), bytes.count - index - 4)
            let payload = Array(bytes[(index + 4)..<(index + 4 + length)])
            index += 4 + length
            let fromClient = control & 0x80 == 0
            let flags = control & 0x1F | 0x10 // FIN SYN RST PSH as given, ACK always
            packets.append(packet(number: packets.count + 1, fromClient: fromClient, sequence: 1000 + offset,
                                  flags: flags, payload: payload, port: port))
        }
        return InMemoryPackets(packets)
    }

    static func packet(number: Int, fromClient: Bool, sequence: UInt32, flags: UInt8, payload: [UInt8], port: UInt16) -> CapturedPacket {
        var bytes = [UInt8](repeating: 0, count: 12) + [0x08, 0x00] // Ethernet II, IPv4
        let total = 20 + 20 + payload.count
        bytes += [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, fromClient ? 1 : 2, 10, 0, 0, fromClient ? 2 : 1]
        let (source, destination) = fromClient ? (UInt16(40000), port) : (port, UInt16(40000))
        func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
        func be32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        bytes += be16(source) + be16(destination) + be32(sequence) + be32(1) + [0x50, flags] + be16(65535) + [0, 0, 0, 0]
        bytes += payload
        return CapturedPacket(number: number, timestamp: Timestamp(seconds: Int64(number), nanoseconds: 0), originalLength: bytes.count,
                              linkType: .ethernet, data: bytes)
    }
}
