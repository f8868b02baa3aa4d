import Foundation
import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeTestSupport
import OsiscopeWire

/// `stats` figures computed independently: layers 2 to 4 from tshark's per-packet header lengths
/// on every capture, and layer 7, payloads, messages, turns and latency from the comparison
/// samples' ground truth (tshark's HTTP head lengths and WebSocket frame headers).
@Suite struct ConversationFiguresConformanceTests {
    static func figures(_ path: String) throws -> [Int: ConversationFigures] {
        var collector = FigureCollector()
        var figures: [Int: ConversationFigures] = [:]
        for event in try PipelineRecording.record(path: path).events {
            if let done = collector.take(event) { figures[done.stream] = done }
        }
        return figures
    }

    struct Side: Equatable, CustomStringConvertible {
        var packets = 0, wire = 0, tcpPayload = 0, l2 = 0, l3 = 0, l4 = 0
        var description: String { "packets \(packets) wire \(wire) tcp.len \(tcpPayload) l2 \(l2) l3 \(l3) l4 \(l4)" }
    }

    @Test(arguments: ConformanceCaptures.all)
    func headerBytesPerLayerEqualTsharksHeaderLengths(path: String) throws {
        let figures = try Self.figures(path)
        let rows = try Tshark.fields(["tcp.stream", "tcp.srcport", "frame.len", "ip.hdr_len", "ipv6.plen", "tcp.hdr_len", "tcp.len"],
                                     of: path)
        var expected: [String: Side] = [:]
        for row in rows {
            guard let stream = row["tcp.stream"].flatMap(Int.init), let port = row["tcp.srcport"].flatMap(UInt16.init),
                  let frame = row["frame.len"].flatMap(Int.init), let header = row["tcp.hdr_len"].flatMap(Int.init),
                  let payload = row["tcp.len"].flatMap(Int.init), let conversation = figures[stream] else { continue }
            // IPv6 without extension headers in these captures: its fixed 40 bytes.
            guard let l3 = row["ip.hdr_len"].flatMap(Int.init) ?? (row["ipv6.plen"] != nil ? 40 : nil) else { continue }
            let direction = port == conversation.client.port ? "client" : "server"
            var side = expected["\(stream) \(direction)", default: Side()]
            side.packets += 1
            side.wire += frame
            side.tcpPayload += payload
            side.l3 += l3
            side.l4 += header
            side.l2 += frame - l3 - header - payload
            expected["\(stream) \(direction)"] = side
        }
        var got: [String: Side] = [:]
        for (stream, conversation) in figures {
            for direction in Direction.allCases {
                let side = conversation.sides[direction]
                guard side.packets > 0 else { continue }
                got["\(stream) \(direction.rawValue)"] = Side(packets: side.packets, wire: side.wireBytes, tcpPayload: side.tcpPayloadBytes,
                                                              l2: side.overhead.l2, l3: side.overhead.l3, l4: side.overhead.l4)
            }
        }
        #expect(got == expected, "\(ConformanceCaptures.label(path))")
    }

    struct Totals: Decodable {
        struct PerSide: Decodable { var client: Int; var server: Int }
        var packets: PerSide
        var frame_bytes: PerSide
        var tcp_payload_bytes: PerSide
        var http_head_bytes: PerSide
        var http_body_bytes: PerSide
        var websocket_header_bytes: PerSide
        var websocket_payload_bytes: PerSide
        var websocket_messages: PerSide
        var tcp_connections: Int
        var http_requests: Int
        var update_deliveries: Int
    }

    struct Expected: Decodable { var totals: Totals; var mode: String }

    static let comparison = ["update-reload", "update-short-polling", "update-long-polling", "update-websocket"]

    @Test(arguments: comparison)
    func applicationFiguresEqualTheGroundTruth(sample: String) throws {
        let path = SampleFiles.folder.appendingPathComponent("\(sample).pcapng").path
        let truth = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: SampleFiles.folder
            .appendingPathComponent("\(sample).expected.json"))).totals
        var collector = FigureCollector()
        var conversations: [ConversationFigures] = []
        for event in try PipelineRecording.record(path: path).events {
            if let done = collector.take(event) { conversations.append(done) }
        }
        let totals = collector.totals
        #expect(totals.connections == truth.tcp_connections)
        #expect(conversations.count == truth.tcp_connections)
        for (direction, side) in [(Direction.client, \Totals.PerSide.client), (.server, \Totals.PerSide.server)] {
            let got = totals.sides[direction]
            #expect(got.packets == truth.packets[keyPath: side])
            #expect(got.wireBytes == truth.frame_bytes[keyPath: side])
            #expect(got.tcpPayloadBytes == truth.tcp_payload_bytes[keyPath: side])
            // Layer 7 is every HTTP head and every WebSocket frame header; the payload the rest.
            #expect(got.overhead.l7 == truth.http_head_bytes[keyPath: side] + truth.websocket_header_bytes[keyPath: side])
            #expect(got.payloadBytes == truth.http_body_bytes[keyPath: side] + truth.websocket_payload_bytes[keyPath: side])
            #expect(got.messages == truth.http_requests + truth.websocket_messages[keyPath: side])
            #expect(got.overhead.total + got.payloadBytes == got.wireBytes, "no retransmissions in these samples")
        }
        #expect(totals.requests == truth.http_requests)
        #expect(totals.latency?.count == truth.http_requests)
        if sample == "update-websocket" {
            // Every update was pushed; only the close was answered.
            #expect(totals.serverInitiated == truth.update_deliveries)
        } else {
            // Each request answered before the next: the sender changes at every message.
            #expect(totals.serverInitiated == 0)
            #expect(totals.turns == 2 * truth.http_requests - truth.tcp_connections)
        }
        #expect(totals.overlaps == 0)
        #expect(totals.overlapSeconds == 0)
    }

    /// tshark's `http.time` is the same request-to-response time.
    @Test(arguments: comparison)
    func latencyEqualsTsharksHTTPTime(sample: String) throws {
        let path = SampleFiles.folder.appendingPathComponent("\(sample).pcapng").path
        var collector = FigureCollector()
        for event in try PipelineRecording.record(path: path).events { _ = collector.take(event) }
        let times = try Tshark.fields(["http.time"], of: path).compactMap { $0["http.time"].flatMap(Double.init) }.sorted()
        let latency = try #require(collector.totals.latency)
        #expect(latency.count == times.count)
        #expect(abs(latency.minimum - times.first!) < 1e-6)
        #expect(abs(latency.maximum - times.last!) < 1e-6)
        let middle = times.count / 2
        let median = times.count % 2 == 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2
        #expect(abs(latency.median - median) < 1e-6)
    }

    struct DuplexTruth: Decodable {
        struct Flight: Decodable { var from: String; var start: Double; var end: Double }
        struct Duplex: Decodable { var in_flight: [Flight] }
        var duplex: Duplex
    }

    /// The duplex sample's ground truth lists each data message's flight (first packet to the
    /// other side's ACK of its last byte, from tshark): the time both sides were in flight is
    /// the overlap of the two sides' unions.
    @Test func overlapEqualsTheDuplexSamplesFlights() throws {
        let path = SampleFiles.folder.appendingPathComponent("websocket-duplex.pcapng").path
        let truth = try JSONDecoder().decode(DuplexTruth.self, from: Data(contentsOf: SampleFiles.folder
            .appendingPathComponent("websocket-duplex.expected.json"))).duplex.in_flight
        func union(_ side: String) -> [(Double, Double)] {
            var spans: [(Double, Double)] = []
            for flight in truth.filter({ $0.from == side }).sorted(by: { $0.start < $1.start }) {
                if let last = spans.last, flight.start <= last.1 { spans[spans.count - 1].1 = max(last.1, flight.end) } else { spans.append((flight.start, flight.end)) }
            }
            return spans
        }
        var expected = 0.0, stretches = 0
        for client in union("client") {
            for server in union("server") where min(client.1, server.1) > max(client.0, server.0) {
                expected += min(client.1, server.1) - max(client.0, server.0)
                stretches += 1
            }
        }
        let conversation = try #require(try Self.figures(path)[0])
        #expect(stretches == 1)
        #expect(conversation.overlaps == stretches)
        // The ground truth's times are rounded to microseconds.
        #expect(abs(conversation.overlapSeconds - expected) < 5e-6, "\(conversation.overlapSeconds) vs \(expected)")
    }
}
