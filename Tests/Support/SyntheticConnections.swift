import OsiscopeCapture
import OsiscopeWire

/// Hand-built TCP conversations for tests of the decoders above TCP: Ethernet, IPv4 (RFC 791)
/// and TCP (RFC 9293) headers around the bytes each side sends, with a three-way handshake
/// first and FINs last. Checksums are left zero (the stream stage does not check them).
public struct SyntheticConnections {
    public enum Side: Sendable { case client, server }

    private var packets: [CapturedPacket] = []
    private var time: Double
    private var sequences: [Int: (client: UInt32, server: UInt32)] = [:]
    private let serverPort: UInt16

    public init(start: Double = 1_000_000, serverPort: UInt16 = 5000) {
        time = start
        self.serverPort = serverPort
    }

    /// Opens connection `index` (client port 40000 + index) at the current time.
    public mutating func open(_ index: Int) {
        sequences[index] = (1000, 5000)
        segment(index, .client, flags: 0x02, [])
        segment(index, .server, flags: 0x12, [])
        segment(index, .client, flags: 0x10, [])
    }

    /// `seconds` pass before the next packet.
    public mutating func wait(_ seconds: Double) { time += seconds }

    /// Sent in segments of at most 1,448 bytes, as on an Ethernet path with TCP timestamps.
    public mutating func send(_ index: Int, _ side: Side, _ bytes: [UInt8]) {
        var start = 0
        repeat {
            let end = min(bytes.count, start + 1448)
            segment(index, side, flags: 0x18, Array(bytes[start..<end]))
            start = end
        } while start < bytes.count
    }

    public mutating func send(_ index: Int, _ side: Side, _ text: String) { send(index, side, Array(text.utf8)) }

    /// One segment `offset` bytes past the side's next sequence number, which stays where it
    /// was: data behind a hole, for reassembly under stress.
    public mutating func send(_ index: Int, _ side: Side, _ bytes: [UInt8], ahead offset: UInt32) {
        guard let saved = sequences[index] else { return }
        if side == .client { sequences[index]!.client &+= offset } else { sequences[index]!.server &+= offset }
        segment(index, side, flags: 0x18, bytes)
        sequences[index] = saved
    }

    public mutating func close(_ index: Int) {
        segment(index, .client, flags: 0x11, [])
        segment(index, .server, flags: 0x11, [])
        segment(index, .client, flags: 0x10, [])
    }

    public var captured: [CapturedPacket] { packets }

    /// The packets as a capture file (pcap or pcapng by the extension).
    public func write(to path: String) throws {
        let writer = try CaptureWriter(path: path)
        for packet in packets { try writer.write(packet) }
        try writer.flush()
    }

    private mutating func segment(_ index: Int, _ side: Side, flags: UInt8, _ payload: [UInt8]) {
        guard var sequence = sequences[index] else { return }
        let clientPort = UInt16(40000 + index)
        let (source, destination) = side == .client ? (clientPort, serverPort) : (serverPort, clientPort)
        let seq = side == .client ? sequence.client : sequence.server
        let ack = flags == 0x02 ? 0 : (side == .client ? sequence.server : sequence.client)
        let consumed = UInt32(payload.count) + (flags & 0x03 != 0 ? 1 : 0) // SYN and FIN count as one byte
        if side == .client { sequence.client &+= consumed } else { sequence.server &+= consumed }
        sequences[index] = sequence

        var tcp: [UInt8] = []
        tcp += Self.bytes16(source) + Self.bytes16(destination) + Self.bytes32(seq) + Self.bytes32(ack)
        tcp += [0x50, flags] + Self.bytes16(65535) + [0, 0, 0, 0]
        let totalLength = 20 + tcp.count + payload.count
        var ip: [UInt8] = [0x45, 0, UInt8(totalLength >> 8), UInt8(totalLength & 0xFF), 0, 0, 0x40, 0, 64, 6, 0, 0]
        ip += [127, 0, 0, 1, 127, 0, 0, 1]
        let ethernet: [UInt8] = Array(repeating: 0, count: 12) + [0x08, 0x00]
        let data = ethernet + ip + tcp + payload
        let whole = Int64(time.rounded(.down))
        let nanoseconds = UInt32(((time - Double(whole)) * 1e9).rounded())
        packets.append(CapturedPacket(number: packets.count + 1, timestamp: Timestamp(seconds: whole, nanoseconds: nanoseconds),
                                      originalLength: data.count, linkType: .ethernet, data: data))
        time += 0.0001
    }

    private static func bytes16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    private static func bytes32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// An HTTP/1.1 request with a Content-Length (RFC 9112).
    public static func request(_ method: String, _ uri: String, body: [UInt8] = []) -> [UInt8] {
        Array("\(method) \(uri) HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    public static func response(_ status: Int = 200, body: [UInt8]) -> [UInt8] {
        Array("HTTP/1.1 \(status) \(status == 200 ? "OK" : "Bad Request")\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    /// The upgrade request and its 101 (RFC 6455 §4: the key and accept of §1.3's example).
    public static func upgradeRequest(_ uri: String) -> [UInt8] {
        Array("GET \(uri) HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".utf8)
    }
    public static let upgradeResponse = Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n".utf8)

    /// One WebSocket frame, FIN set (RFC 6455 §5.2); client frames masked with a fixed key.
    public static func frame(_ side: Side, opcode: UInt8 = 1, _ payload: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = [0x80 | opcode]
        let mask: UInt8 = side == .client ? 0x80 : 0
        if payload.count < 126 {
            frame.append(mask | UInt8(payload.count))
        } else if payload.count < 65536 {
            frame += [mask | 126] + bytes16(UInt16(payload.count))
        } else {
            frame += [mask | 127] + bytes32(0) + bytes32(UInt32(payload.count))
        }
        guard side == .client else { return frame + payload }
        let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        return frame + key + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    }

    public static func frame(_ side: Side, _ text: String) -> [UInt8] { frame(side, Array(text.utf8)) }
}
