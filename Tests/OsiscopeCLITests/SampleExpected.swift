import Foundation
import Testing

/// The parts of a sample's `Samples/NAME.expected.json` these tests read: what the peers sent,
/// and the `"capture"` facts tshark derived from the recording (packet numbers and counts;
/// Samples/README.md, "The capture key"), so that no test quotes the numbers of one recording.
/// (This target depends on the `osiscope` executable only; the other test targets read the same
/// facts through `OsiscopeTestSupport.CaptureFacts`.)
struct SampleExpected: Decodable {
    struct WebSocketMessage: Decodable {
        var from: String
        var opcode: String
        var text: String?
        var closeCode: Int?
        var closeReason: String?
    }

    struct Request: Decodable {
        var method: String
        var uri: String
        var body: String?
    }

    struct Response: Decodable {
        var status: Int
        var framing: String?
        var body: String?
    }

    struct Capture: Decodable {
        struct TCP: Decodable {
            var client: String
            var server: String
            var synPackets: [Int]
        }

        struct HTTP: Decodable {
            var from: String
            var packet: Int
            var packets: [Int]
            var method: String?
            var uri: String?
            var status: Int?
            var streamRange: [Int]
        }

        struct Message: Decodable {
            var from: String
            var opcode: String
            var packets: [Int]
        }

        struct WebSocket: Decodable {
            var messages: [Message]
        }

        var packets: Int
        var tcp: [TCP]
        var http: [HTTP]
        var websocket: WebSocket

        /// Position of the `n`-th HTTP message from `from` ("client" or "server") among all of them.
        func httpPosition(from: String, _ n: Int) -> Int? {
            http.indices.filter { http[$0].from == from }.dropFirst(n).first
        }
    }

    var client: String?
    var server: String?
    var messages: [WebSocketMessage]?
    var requests: [Request]?
    var responses: [Response]?
    var capture: Capture?

    /// "http-keepalive" → Samples/http-keepalive.expected.json.
    static func load(_ sample: String) throws -> SampleExpected {
        let url = CommandRunner.root.appendingPathComponent("Samples/\(sample).expected.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(SampleExpected.self, from: Data(contentsOf: url))
    }

    /// The capture facts of a sample.
    static func capture(_ sample: String) throws -> Capture {
        try #require(try load(sample).capture,
                     "Samples/\(sample).expected.json has no \"capture\" key: run python3 Samples/verify.py capture-facts \(sample)")
    }
}
