import OsiscopeCapture
import OsiscopeTestSupport
import OsiscopeWire
import Testing
@testable import OsiscopeStreams

/// The TCP payloads of Samples/http-keepalive.pcap (its one connection), in capture order, one
/// entry per segment that carries data: packet number, sender, relative sequence number (the SYN
/// takes sequence number 0, so a segment's stream offset is its relative sequence number minus 1),
/// payload. Read from the capture itself, so a new recording brings its own segments; the client
/// is the end tshark names in the capture facts (the sender of the SYN).
enum HTTPKeepaliveFixture {
    struct Segment {
        var packet: Int
        var from: Direction
        var seq: Int64
        var payload: [UInt8]
    }

    static let sample = "http-keepalive.pcap"

    static func segments() throws -> [Segment] {
        let connection = try #require(try SampleFiles.capture(sample).tcp.first)
        let clientPort = try #require(connection.clientPort)
        var initial: [Direction: UInt32] = [:]
        var segments: [Segment] = []
        for packet in try SampleStreams.packets(sample) {
            let decoded = PacketDecoder.decode(packet)
            guard let transport = decoded.transport, let tcp = transport.tcp else { continue }
            let from: Direction = transport.source.port == clientPort ? .client : .server
            if tcp.has(TCPSegmentInfo.syn) { initial[from] = tcp.sequence }
            guard tcp.payloadLength > 0 else { continue }
            let start = try #require(initial[from], "packet \(packet.number): data before the SYN")
            let payload = Array(packet.data[tcp.payloadOffset..<tcp.payloadOffset + tcp.payloadLength])
            segments.append(Segment(packet: packet.number, from: from, seq: Int64(tcp.sequence &- start), payload: payload))
        }
        // The same segments tshark sees carrying data.
        #expect(segments.map(\.packet) == (connection.dataPackets.client + connection.dataPackets.server).sorted())
        return segments
    }
}
