import Foundation
import OsiscopeWire

/// What tshark says about a sample's capture: packet numbers and counts, TCP connections and
/// their byte counts, every HTTP message and WebSocket frame and message with the packets that
/// carried it. `Samples/verify.py capture-facts` derives them (tshark 4.0, out-of-order TCP
/// reassembly on) and stores them under the key `"capture"` of `Samples/NAME.expected.json`;
/// `Samples/record.sh` does it for every new recording. Tests read such numbers from here rather
/// than quoting those of one recording, so re-recording a sample does not break them.
/// Schema: Samples/README.md, "The capture key".
public struct CaptureFacts: Decodable, Sendable {
    /// The tshark version that derived the facts ("4.0.17").
    public var tshark: String
    /// Packets in the file.
    public var packets: Int
    /// TCP connections, in `tcp.stream` order.
    public var tcp: [TCPStream]
    /// HTTP messages in the order tshark completes them (each in the packet that completes it).
    public var http: [HTTP]
    public var websocket: WebSocket

    /// "client" or "server", as the files spell it.
    public enum Side: String, Decodable, Sendable {
        case client, server

        public var direction: Direction { self == .client ? .client : .server }
    }

    /// One value per direction.
    public struct Sides<Value: Decodable & Sendable>: Decodable, Sendable {
        public var client: Value
        public var server: Value

        public subscript(direction: Direction) -> Value { direction == .client ? client : server }
    }

    public struct TCPStream: Decodable, Sendable {
        /// `tcp.stream`.
        public var stream: Int
        /// Address and port of the end that sent the SYN: "127.0.0.1:40000", "[::1]:40003".
        public var client: String
        public var server: String
        /// Packets with SYN set (the SYN and the SYN/ACK), in capture order.
        public var synPackets: [Int]
        /// Packets with FIN set, in capture order.
        public var finPackets: [Int]
        /// TCP payload bytes of each direction (its stream length; no retransmission counted).
        public var payloadBytes: Sides<Int>
        /// Packets that carry TCP payload, per direction, in capture order.
        public var dataPackets: Sides<[Int]>

        public var clientPort: UInt16? { CaptureFacts.port(of: client) }
        public var serverPort: UInt16? { CaptureFacts.port(of: server) }
    }

    public struct HTTP: Decodable, Sendable {
        public var stream: Int
        public var from: Side
        /// The packet that completes the message (where tshark shows it).
        public var packet: Int
        /// The packets whose bytes make up the message (tshark's `tcp.segment` list when it
        /// reassembled the message), in stream order.
        public var packets: [Int]
        public var method: String?
        public var uri: String?
        public var status: Int?
        public var reason: String?
        /// Responses: the packet that completed the request (`http.request_in`).
        public var requestIn: Int?
        /// Header lines as sent, each [name, value].
        public var headers: [[String]]
        /// Chunked bodies: the chunks with data (the last, empty chunk not counted).
        public var chunks: Int?
        /// [start, end) in its direction's TCP stream, and the body's part of it.
        public var streamRange: [Int64]
        public var bodyRange: [Int64]

        public var direction: Direction { from.direction }
        public var isRequest: Bool { method != nil }
        public var range: Range<Int64> { streamRange[0]..<streamRange[1] }
        public var body: Range<Int64> { bodyRange[0]..<bodyRange[1] }

        /// The values of a header, its name compared without case.
        public func header(_ name: String) -> [String] {
            headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.count > 1 ? $0[1] : nil }
        }
    }

    public struct WebSocket: Decodable, Sendable {
        /// Every frame, in the order tshark completes them.
        public var frames: [Frame]
        /// Every message, in order of completion.
        public var messages: [Message]

        /// The frames of a message, in order.
        public func frames(of message: Message) -> [Frame] { message.frames.map { frames[$0] } }
    }

    public struct Frame: Decodable, Sendable {
        public var stream: Int
        public var from: Side
        /// The packet that completes the frame (where tshark shows it).
        public var packet: Int
        /// The packets whose bytes make up the frame, in stream order.
        public var packets: [Int]
        public var opcode: Int
        public var fin: Bool
        public var rsv1: Bool
        public var masked: Bool
        /// The 7-bit payload length field: the length, or 126 / 127 for a 16- / 64-bit length.
        public var lengthField: Int
        /// The payload length (as sent: compressed for permessage-deflate).
        public var payloadLength: Int
        /// [start, end) of the whole frame, header included, in its direction's TCP stream.
        public var streamRange: [Int64]

        public var direction: Direction { from.direction }
        public var range: Range<Int64> { streamRange[0]..<streamRange[1] }
    }

    public struct Message: Decodable, Sendable {
        public var stream: Int
        public var from: Side
        /// "text", "binary", "close", "ping", "pong".
        public var opcode: String
        /// Indices of its frames in `WebSocket.frames`.
        public var frames: [Int]
        /// The packet that completes it, and all packets of all its frames, in stream order.
        public var packet: Int
        public var packets: [Int]
        /// Sum of its frames' payload lengths, as sent.
        public var payloadLength: Int

        public var direction: Direction { from.direction }
    }

    /// Requests and responses, each in order.
    public var requests: [HTTP] { http.filter(\.isRequest) }
    public var responses: [HTTP] { http.filter { !$0.isRequest } }

    /// The WebSocket frames tshark shows in a packet (those the packet completes), in stream order.
    public func framesCompleted(in packet: Int) -> [Frame] { websocket.frames.filter { $0.packet == packet } }

    /// The WebSocket messages with more than one frame.
    public var fragmentedMessages: [Message] { websocket.messages.filter { $0.frames.count > 1 } }

    /// A parameter's value in a header such as Sec-WebSocket-Extensions: "12" for
    /// server_max_window_bits in "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12"
    /// (quotes removed); nil when the parameter is absent or has no value.
    public static func parameter(_ name: String, in header: String) -> String? {
        header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix(name + "=") }
            .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    }

    /// The port of "127.0.0.1:40000" or "[::1]:40003".
    public static func port(of endpoint: String) -> UInt16? {
        guard let colon = endpoint.lastIndex(of: ":") else { return nil }
        return UInt16(endpoint[endpoint.index(after: colon)...])
    }
}

/// The files of Samples/.
public enum SampleFiles {
    public static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    /// The sample's name: "websocket-plain" for "websocket-plain", "websocket-plain.pcapng" or
    /// "websocket-plain.expected.json".
    public static func name(_ sample: String) -> String {
        var name = sample
        for suffix in [".expected.json", ".pcapng", ".pcap"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        return name
    }

    public static func expectedURL(_ sample: String) -> URL {
        folder.appendingPathComponent("\(name(sample)).expected.json")
    }

    /// The decoder for the expected files: their snake_case keys become camelCase properties.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// The `"capture"` facts of a sample ("websocket-plain", or its capture's file name).
    public static func capture(_ sample: String) throws -> CaptureFacts {
        struct File: Decodable {
            var capture: CaptureFacts?
        }
        let file = try decoder().decode(File.self, from: Data(contentsOf: expectedURL(sample)))
        guard let capture = file.capture else { throw MissingCaptureFacts(sample: name(sample)) }
        return capture
    }

    public struct MissingCaptureFacts: Error, CustomStringConvertible {
        public var sample: String
        public var description: String {
            "Samples/\(sample).expected.json has no \"capture\" key: run python3 Samples/verify.py capture-facts \(sample)"
        }
    }
}
