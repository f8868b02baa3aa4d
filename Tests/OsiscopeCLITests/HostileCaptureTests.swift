import Foundation
import OsiscopeTestSupport
import Testing

/// Crafted captures that push each decoding limit: the limit's diagnostic appears where it was
/// reached, decoding goes on, and the program stays within 512 MB and a minute (the run is
/// killed past that) whatever the capture claims.
@Suite struct HostileCaptureTests {
    typealias C = SyntheticConnections

    static let memoryBound = 512 << 20

    /// Runs `osiscope COMMAND FILE OPTIONS…` on the connections written as a pcap.
    static func run(_ connections: C, _ command: String, _ options: [String] = []) throws -> ChildProcess.Result {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-hostile-\(UUID()).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try connections.write(to: path)
        let result = try ChildProcess.run(CommandRunner.binary.path, [command, path] + options, seconds: 60)
        #expect(result.status == 0, "\(result.errorText)")
        #expect(result.peakMemory < memoryBound, "peak memory \(result.peakMemory >> 20) MB")
        return result
    }

    /// The packets on which a diagnostic (a filter field, as in tshark's expert info) was raised.
    static func packets(with diagnostic: String, in connections: C, _ options: [String] = []) throws -> [Int] {
        try run(connections, "packets", ["-Y", diagnostic, "-T", "fields", "-e", "frame.number"] + options).text
            .split(separator: "\n").compactMap { Int($0) }
    }

    static func webSocket(_ path: String, _ serverFrames: [[UInt8]]) -> C {
        var connections = C()
        connections.open(0)
        connections.send(0, .client, C.upgradeRequest(path))
        connections.send(0, .server, C.upgradeResponse)
        for frame in serverFrames { connections.send(0, .server, frame) }
        connections.close(0)
        return connections
    }

    /// `osiscope limits` lists every limit with its default and diagnostic; `--limit` sets one
    /// and refuses what is not one.
    @Test func limitsAreListedAndSet() throws {
        let listed = try CommandRunner.run(["limits", "--json"])
        let objects = try FilterCommandTests.objects(listed.output)
        #expect(objects.map { $0["name"] as? String ?? "" } == [
            "tcp.connections", "tcp.held_bytes", "tcp.held_segments", "http.head_bytes", "http.header_count",
            "http.decoded_body_bytes", "websocket.message_bytes", "websocket.inflated_bytes", "engine.io.payload_bytes"])
        #expect(objects.map { $0["default"] as? Int ?? 0 } == [100_000, 4 << 20, 4096, 65_536, 1_000, 8 << 20, 16 << 20, 1 << 30, 1_000_000])
        #expect(objects.map { $0["diagnostic"] as? String ?? "" } == [
            "tcp.stream.forgotten", "tcp.reassembly.limit", "tcp.reassembly.limit", "http.head.too_large", "http.headers.too_many",
            "http.content_encoding.limit", "websocket.message.limit", "websocket.deflate.stream_limit", "engine.io.payload.limit"])
        let unknown = try CommandRunner.run(["messages", "Samples/websocket-plain.pcapng", "--limit", "tcp.bytes=5"])
        #expect(unknown.status == 64)
        #expect(unknown.errors.contains("--limit takes NAME=VALUE with NAME one of tcp.connections, tcp.held_bytes"), "\(unknown.errors)")
        let notANumber = try CommandRunner.run(["messages", "Samples/websocket-plain.pcapng", "--limit", "http.head_bytes=lots"])
        #expect(notANumber.status == 64)
        #expect(notANumber.errors.contains("--limit http.head_bytes takes a whole number above 0, not 'lots'"), "\(notANumber.errors)")
    }

    /// A 10 MB request head with no line end: the head limit is reached once, in the packet
    /// that brought byte 65,537, and nothing after it is taken for a head.
    @Test func aTenMegabyteHeadWithoutALineEnd() throws {
        var connections = C()
        connections.open(0)
        connections.send(0, .client, Array("GET /".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 10 << 20))
        connections.close(0)
        // Three handshake packets, then segments of 1,448 bytes: byte 65,537 is in the 46th.
        #expect(try Self.packets(with: "http.head.too_large", in: connections) == [49])
        // Raised, the limit lets the head grow further before it gives up.
        #expect(try Self.packets(with: "http.head.too_large", in: connections, ["--limit", "http.head_bytes=1000000"]) == [694])
    }

    /// Frames claiming 2^63 - 1 payload bytes (the largest the 64-bit length allows) and 2^63
    /// (its top bit set, which RFC 6455 §5.2 forbids), followed by 2 MB: memory stays bounded
    /// and each is named for what it is.
    @Test func framesClaimingAnEnormousPayload() throws {
        let data = [UInt8](repeating: 0x41, count: 2 << 20)
        let largest = Self.webSocket("/chat", [[0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + data])
        let messages = try FilterCommandTests.objects(try Self.run(largest, "messages", ["--json", "-Y", "websocket"]).text)
        let message = try #require(messages.last)
        #expect(message["opcode"] as? String == "binary")
        // The length as claimed, the 2 MB that came kept, and the message said to be cut short.
        #expect(message["length"] as? Int == Int.max)
        #expect((message["data_base64"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 2 << 20)
        #expect(message["complete"] as? Bool == false)
        #expect((message["diagnostics"] as? [[String: Any]])?.compactMap { $0["message"] as? String }
            == ["The stream ends \(Int.max - (2 << 20)) bytes before the end of this frame's payload."])
        let topBit = Self.webSocket("/chat", [[0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0] + data])
        #expect(try Self.packets(with: "websocket.length.msb_set", in: topBit) == [6])
    }

    /// Six thousand overlapping segments, each half over the one before, all behind a hole
    /// that never fills: past 4,096 held segments the hole is declared lost, once, and what
    /// waited is delivered.
    @Test func thousandsOfOverlappingSegmentsBehindAHole() throws {
        var connections = C()
        connections.open(0)
        for index in 0..<6_000 {
            connections.send(0, .client, [UInt8](repeating: UInt8(index % 250), count: 1000), ahead: UInt32(1000 + index * 500))
        }
        connections.close(0)
        #expect(try Self.packets(with: "tcp.reassembly.limit", in: connections) == [4_100])
        #expect(try Self.packets(with: "tcp.reassembly.limit", in: connections, ["--limit", "tcp.held_segments=1000"]) == [1_004])
    }

    /// A Socket.IO event of 3 MB of JSON (a million array elements): over the Engine.IO payload
    /// limit it is not decoded, with the diagnostic on its WebSocket message; raised, it is.
    @Test func anEngineIOPayloadOverTheLimit() throws {
        let open = C.frame(.server, #"0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#)
        let event = C.frame(.server, Array(#"42["big",["#.utf8) + Array([String](repeating: "0", count: 1_500_000).joined(separator: ",").utf8) + Array("]]".utf8))
        let connections = Self.webSocket("/socket.io/?EIO=4&transport=websocket", [open, event])
        let limited = try FilterCommandTests.objects(try Self.run(connections, "messages", ["--json"]).text)
        #expect(limited.map { $0["protocol"] as? String ?? "" } == ["http", "http", "websocket", "engine.io", "websocket"])
        #expect((limited.last?["diagnostics"] as? [[String: Any]])?.map { $0["key"] as? String ?? "" } == ["engine.io.payload.limit"])
        let raised = try FilterCommandTests.objects(try Self.run(connections, "messages", ["--json", "--limit", "engine.io.payload_bytes=4000000"]).text)
        #expect(raised.map { $0["protocol"] as? String ?? "" } == ["http", "http", "websocket", "engine.io", "websocket", "engine.io", "socket.io"])
        #expect(raised.last?["event"] as? String == "big")
    }

    /// permessage-deflate seen from the middle (the handshake and first message cut off with
    /// editcap): each direction says once that compression is assumed, and every later message
    /// inflates to what the full capture gives.
    @Test func aCompressedCaptureThatStartsAfterTheHandshake() throws {
        let sample = ConformanceCaptures.root.appendingPathComponent("Samples/websocket-deflate.pcap").path
        let late = try CommandRunner.temporaryFile([]) + ".pcap"
        defer { try? FileManager.default.removeItem(atPath: late) }
        #expect(try ChildProcess.run("/usr/bin/editcap", ["-r", sample, late, "9-59"]).status == 0)
        func texts(_ path: String) throws -> [(from: String, text: String, keys: [String])] {
            try FilterCommandTests.objects(try CommandRunner.run(["messages", path, "--json", "--protocol", "websocket"]).output)
                .filter { $0["compressed"] as? Bool == true }
                .map { ($0["from"] as! String, ($0["text"] as? String) ?? ($0["data_base64"] as? String ?? ""),
                        ($0["diagnostics"] as? [[String: Any]])?.compactMap { $0["key"] as? String } ?? []) }
        }
        let whole = try texts(sample), cut = try texts(late)
        #expect(cut.map(\.text) == whole.suffix(cut.count).map(\.text))
        #expect(cut.count == whole.count - 1)
        // The first compressed message of each direction says it; no other message does.
        let firsts = Set(["client", "server"].compactMap { side in cut.firstIndex { $0.from == side } })
        #expect(cut.indices.map { firsts.contains($0) ? ["websocket.deflate.assumed"] : [] } == cut.map(\.keys))
    }
}
