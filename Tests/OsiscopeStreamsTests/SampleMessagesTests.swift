import Crypto
import Foundation
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeWire
import Testing
import OsiscopeTestSupport

/// The whole pipeline (`PacketPipeline`: capture → packets → TCP reassembly → HTTP → WebSocket)
/// on every recorded sample, checked against its `Samples/NAME.expected.json`: the messages come
/// out exactly as the peers sent them. The expected files are the peers' own logs (see the
/// `Samples/NAME.md` notes), so these tests do not depend on tshark; packet numbers quoted here
/// were read with tshark 4.0.17 (the command is next to each list).
@Suite struct SampleMessagesTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    /// Every `Samples/*.expected.json`, by sample name ("websocket-plain", …).
    static let expectedSamples: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? []
        return names.filter { $0.hasSuffix(".expected.json") }.map { String($0.dropLast(".expected.json".count)) }.sorted()
    }()

    // MARK: the expected files

    struct Expected: Decodable {
        var messages: [ExpectedWebSocket]?
        var requests: [ExpectedRequest]?
        var responses: [ExpectedResponse]?
        var http: ExpectedHTTP?
        /// WebSocket samples: the URI the client opened, "ws://127.0.0.1:8765/echo".
        var server: String?
    }

    struct ExpectedHTTP: Decodable {
        var requests: [ExpectedRequest]
        var responses: [ExpectedResponse]
    }

    struct ExpectedRequest: Decodable {
        var method: String
        var uri: String
        var bodyLength: Int
        var body: String?
    }

    struct ExpectedResponse: Decodable {
        var status: Int
        var bodyLength: Int
        var body: String?
        var bodySha256: String?
    }

    struct ExpectedWebSocket: Decodable {
        var from: String
        var opcode: String
        var length: Int
        var text: String?
        var dataHex: String?
        var sha256: String?
        var textPrefix: String?
        var compressed: Bool?
        var closeCode: Int?
        var closeReason: String?
        var frames: Int?
        var fragments: [String]?
    }

    static func expected(_ sample: String) throws -> Expected {
        let data = try Data(contentsOf: samples.appendingPathComponent("\(sample).expected.json"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Expected.self, from: data)
    }

    // MARK: running the pipeline

    struct Run {
        var packets: [Int: DecodedPacket] = [:]
        var messages: [ApplicationMessage] = []

        var webSocket: [(message: ApplicationMessage, content: WebSocketMessage)] {
            messages.compactMap { if case .websocket(let content) = $0.content { ($0, content) } else { nil } }
        }

        var http: [(message: ApplicationMessage, content: HTTPMessage)] {
            messages.compactMap { if case .http(let content) = $0.content { ($0, content) } else { nil } }
        }

        func webSocketLayers(_ packet: Int) -> [Layer] {
            packets[packet]?.layers.filter { $0.protocolKey == "websocket" } ?? []
        }
    }

    static func capturePath(_ sample: String) throws -> String {
        let candidates = ["pcap", "pcapng"].map { samples.appendingPathComponent("\(sample).\($0)").path }
        return try #require(candidates.first { FileManager.default.fileExists(atPath: $0) }, "no capture for \(sample)")
    }

    static func run(_ sample: String) throws -> Run {
        let recording = try PipelineRecording.record(path: try capturePath(sample))
        var run = Run()
        for packet in recording.packets { run.packets[packet.packet.number] = packet }
        run.messages = recording.messages
        return run
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func sha256(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    /// The 70000-byte message of the WebSocket samples, as `Samples/peers/ws_client.py` builds it:
    /// "000000 000001 … 009999 " (10000 six-digit words and a space).
    static let bigText = (0..<10_000).map { String(format: "%06d ", $0) }.joined()

    // MARK: every sample

    @Test func everySampleHasItsExpectedFile() {
        #expect(Self.expectedSamples == ["http-keepalive", "socketio-upgrade", "websocket-deflate", "websocket-ipv6",
                                         "websocket-plain"])
    }

    /// Each WebSocket message, in each direction in the order it was sent, equals the peers' log:
    /// opcode, payload (text, bytes or sha256), length, compression, frames, close code and reason.
    @Test(arguments: expectedSamples)
    func webSocketMessagesAreWhatThePeersSent(sample: String) throws {
        let expected = try Self.expected(sample).messages ?? []
        let ours = try Self.run(sample).webSocket
        #expect(ours.count == expected.count, "\(sample): message count")
        for direction in Direction.allCases {
            let mine = ours.filter { $0.message.direction == direction }
            let sent = expected.filter { $0.from == direction.rawValue }
            #expect(mine.count == sent.count, "\(sample): \(direction) messages")
            for (index, (message, entry)) in zip(mine, sent).enumerated() {
                Self.check(message.content, against: entry, "\(sample) \(direction) message \(index + 1)")
                #expect(message.message.direction == message.content.direction)
            }
        }
        // The peers of every sample wait for each answer (or the list is in wire order, for
        // socketio-upgrade), so the order across directions is fixed too.
        #expect(ours.map { "\($0.message.direction.rawValue) \($0.content.opcode.name)" }
                == expected.map { "\($0.from) \($0.opcode)" }, "\(sample): order of messages")
    }

    static func check(_ message: WebSocketMessage, against entry: ExpectedWebSocket, _ context: String) {
        #expect(message.opcode.name == entry.opcode, "\(context): opcode")
        #expect(message.length == UInt64(entry.length), "\(context): length")
        #expect(message.payload.count == entry.length, "\(context): payload bytes kept")
        #expect(message.isComplete, "\(context): complete")
        #expect(!message.payloadTruncated, "\(context): not truncated")
        #expect(message.diagnostics.map(\.key) == [], "\(context): diagnostics")
        #expect(message.compressed == (entry.compressed ?? false), "\(context): compressed")
        #expect(message.frameCount == (entry.frames ?? 1), "\(context): frames")
        if let text = entry.text {
            #expect(message.text == text, "\(context): text")
        }
        if let data = entry.dataHex {
            #expect(hex(message.payload) == data, "\(context): data")
        }
        if let digest = entry.sha256 {
            #expect(sha256(message.payload) == digest, "\(context): sha256")
            #expect(message.text == bigText, "\(context): the generator's text")
            #expect(message.text?.hasPrefix(entry.textPrefix ?? "?") == true, "\(context): text prefix")
        }
        if entry.opcode == "close" {
            #expect(message.close?.code?.rawValue == entry.closeCode.map { UInt16($0) }, "\(context): close code")
            #expect(message.close?.reason == entry.closeReason, "\(context): close reason")
        } else {
            #expect(message.close == nil, "\(context): no close payload")
        }
    }

    /// Requests (method, URI, body) and responses (status, body), in order, each response
    /// paired with the request it answers. A WebSocket sample's only HTTP exchange is its opening
    /// handshake: a GET of the path of its `server` URI, answered by a 101.
    @Test(arguments: expectedSamples)
    func httpMessagesAreWhatThePeersSent(sample: String) throws {
        let file = try Self.expected(sample)
        var requests = file.requests ?? file.http?.requests ?? []
        var responses = file.responses ?? file.http?.responses ?? []
        if requests.isEmpty, let server = file.server {
            let path = try #require(URL(string: server)?.path)
            requests = [ExpectedRequest(method: "GET", uri: path, bodyLength: 0)]
            responses = [ExpectedResponse(status: 101, bodyLength: 0, body: "")]
        }
        #expect(!requests.isEmpty, "\(sample): the expected file names no HTTP exchange")
        let ours = try Self.run(sample).http
        let mineRequests = ours.filter { $0.content.direction == .client }
        let mineResponses = ours.filter { $0.content.direction == .server }
        #expect(mineRequests.count == requests.count, "\(sample): requests")
        #expect(mineResponses.count == responses.count, "\(sample): responses")
        for (index, (mine, entry)) in zip(mineRequests, requests).enumerated() {
            let message = mine.content
            #expect(message.index == index)
            #expect(message.head.method == entry.method, "\(sample) request \(index + 1): method")
            #expect(message.head.uri == entry.uri, "\(sample) request \(index + 1): uri")
            #expect(message.bodyLength == entry.bodyLength, "\(sample) request \(index + 1): body length")
            if let body = entry.body {
                #expect(String(decoding: message.body, as: UTF8.self) == body, "\(sample) request \(index + 1): body")
            }
            #expect(message.isComplete && message.diagnostics.isEmpty, "\(sample) request \(index + 1): \(message.diagnostics.map(\.key))")
        }
        for (index, (mine, entry)) in zip(mineResponses, responses).enumerated() {
            let message = mine.content
            #expect(message.head.status == entry.status, "\(sample) response \(index + 1): status")
            #expect(message.bodyLength == entry.bodyLength, "\(sample) response \(index + 1): body length")
            #expect(message.body.count == entry.bodyLength, "\(sample) response \(index + 1): body bytes kept")
            if let body = entry.body {
                #expect(String(decoding: message.body, as: UTF8.self) == body, "\(sample) response \(index + 1): body")
            }
            if let digest = entry.bodySha256 {
                #expect(Self.sha256(message.body) == digest, "\(sample) response \(index + 1): body sha256")
            }
            // No pipelining and no interim responses in the samples: response i answers request i.
            #expect(message.answers == index, "\(sample) response \(index + 1): answers")
            #expect(message.isComplete && message.diagnostics.isEmpty, "\(sample) response \(index + 1): \(message.diagnostics.map(\.key))")
        }
    }

    /// Recorded between well-behaved peers: no HTTP or WebSocket layer has a diagnostic.
    @Test(arguments: expectedSamples)
    func applicationLayersHaveNoDiagnostics(sample: String) throws {
        let run = try Self.run(sample)
        var found: [String] = []
        for number in run.packets.keys.sorted() {
            for layer in run.packets[number]!.layers where layer.protocolKey == "http" || layer.protocolKey == "websocket" {
                found += layer.diagnostics.map { "packet \(number) \(layer.protocolKey): \($0.key)" }
            }
        }
        #expect(found == [], "\(sample)")
    }

    // MARK: particular messages

    /// websocket-plain message 3: text FIN=0 "frag-one ", continuation "frag-two ", continuation
    /// "frag-three", empty continuation FIN=1. Packets from
    /// `tshark -r Samples/websocket-plain.pcapng -Y websocket -T fields -e frame.number -e websocket.opcode -e websocket.fin`.
    @Test func plainFragmentedMessageHasItsFourFrames() throws {
        let run = try Self.run("websocket-plain")
        let fragmented = try #require(run.webSocket.first { $0.content.frameCount > 1 })
        #expect(fragmented.message.direction == .client)
        #expect(fragmented.message.packets == [10, 11, 13, 14])
        #expect(fragmented.content.frameRanges.count == 4)
        #expect(fragmented.content.text == "frag-one frag-two frag-three")
        let layers = [10, 11, 13, 14].map { run.webSocketLayers($0) }
        #expect(layers.map(\.count) == [1, 1, 1, 1])
        let frames = layers.compactMap(\.first)
        #expect(frames.map { $0.field("websocket.opcode")?.value } == [.number(1), .number(0), .number(0), .number(0)])
        #expect(frames.map { $0.field("websocket.fin")?.value } == [.flag(false), .flag(false), .flag(false), .flag(true)])
        #expect(frames.map { $0.field("websocket.mask")?.value } == [.flag(true), .flag(true), .flag(true), .flag(true)])
        #expect(frames.map { $0.field("websocket.payload_length")?.value } == [.number(9), .number(9), .number(10), .number(0)])
        // `websocket.payload` holds the unmasked bytes: each fragment as the client sent it.
        let fragments = frames.map { frame -> String? in
            guard case .bytes(let bytes)? = frame.field("websocket.payload")?.value else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        let entry = try #require(try Self.expected("websocket-plain").messages?.first { $0.frames == 4 })
        #expect(fragments == entry.fragments)
        #expect(fragments == ["frag-one ", "frag-two ", "frag-three", ""])
        // The message is shown on the frame that completes it, and only there.
        #expect(frames.map { $0.field("websocket.payload.text")?.value }
                == [nil, nil, nil, .text("frag-one frag-two frag-three")])
        #expect(frames.last?.field("websocket.message_frames")?.value == .number(4))
        #expect(frames.last?.field("websocket.message_length")?.value == .number(28))
    }

    /// websocket-deflate message 3: one deflate stream cut at the fragment boundaries, RSV1 on the
    /// first frame only, payloads 15, 12, 12 and 1 bytes (Samples/websocket-deflate.md).
    @Test func deflateFragmentedMessageInflatesAcrossItsFourFrames() throws {
        let run = try Self.run("websocket-deflate")
        let fragmented = try #require(run.webSocket.first { $0.content.frameCount > 1 })
        #expect(fragmented.message.packets == [10, 11, 13, 14])
        #expect(fragmented.content.compressed)
        #expect(fragmented.content.wireLength == 15 + 12 + 12 + 1)
        #expect(fragmented.content.length == 28)
        #expect(fragmented.content.text == "frag-one frag-two frag-three")
        let frames = [10, 11, 13, 14].compactMap { run.webSocketLayers($0).first }
        #expect(frames.count == 4)
        #expect(frames.map { $0.field("websocket.rsv1")?.value } == [.flag(true), .flag(false), .flag(false), .flag(false)])
        #expect(frames.map { $0.field("websocket.fin")?.value } == [.flag(false), .flag(false), .flag(false), .flag(true)])
        #expect(frames.map { $0.field("websocket.payload_length")?.value } == [.number(15), .number(12), .number(12), .number(1)])
        #expect(frames.last?.field("websocket.payload.text")?.value == .text("frag-one frag-two frag-three"))
    }

    /// The 70000-byte messages span exactly the packets tshark reassembles them from:
    /// `tshark -r FILE -o tcp.reassemble_out_of_order:TRUE -Y 'websocket && tcp.segments' -T fields
    /// -e frame.number -e tcp.segment -E occurrence=a -E aggregator=,`.
    @Test func bigMessagesSpanThePacketsTsharkShows() throws {
        let plainClient = Array(21...29) + Array(33...53) + Array(55...73)
        let plainServer = Array(75...81) + Array(85...91) + Array(93...107) + Array(110...125) + Array(127...130)
        #expect(plainClient.count == 49 && plainServer.count == 49) // "49 TCP segments" each way (websocket-plain.md)
        let deflateClient = Array(21...29) + Array(33...36)
        let deflateServer = Array(38...44) + Array(48...53)
        for (sample, client, server, lengthField) in [("websocket-plain", plainClient, plainServer, UInt64(127)),
                                                        ("websocket-deflate", deflateClient, deflateServer, UInt64(126))] {
            let run = try Self.run(sample)
            let big = run.webSocket.filter { $0.content.length == 70_000 }
            #expect(big.map(\.message.direction) == [.client, .server], "\(sample)")
            #expect(big.first?.message.packets == client, "\(sample) client")
            #expect(big.last?.message.packets == server, "\(sample) server")
            #expect(big.allSatisfy { $0.message.timestamp == run.packets[$0.message.packets.last!]?.packet.timestamp },
                    "\(sample): a message is complete at its last packet")
            // The frame's layer is on the last packet, with offsets into the reassembled stream.
            for (packets, direction) in [(client, Direction.client), (server, Direction.server)] {
                let layers = run.webSocketLayers(packets.last!)
                #expect(layers.count == 1, "\(sample) \(direction)")
                #expect(layers.first?.field("websocket.payload_length")?.value == .number(lengthField), "\(sample) \(direction)")
                #expect(layers.first?.field("websocket.message_length")?.value == .number(70_000), "\(sample) \(direction)")
                #expect(layers.first?.source?.kind == .tcpStream(stream: 0, direction: direction), "\(sample) \(direction)")
                #expect(layers.first?.source?.packets == packets, "\(sample) \(direction)")
                for packet in packets.dropLast() {
                    #expect(run.webSocketLayers(packet).isEmpty, "\(sample) packet \(packet) completes no frame")
                }
            }
        }
        let plain = try Self.run("websocket-plain")
        #expect(plain.webSocketLayers(73).first?.field("websocket.payload_length_ext_64")?.value == .number(70_000))
        let deflate = try Self.run("websocket-deflate")
        #expect(deflate.webSocketLayers(36).first?.field("websocket.payload_length_ext_16")?.value == .number(17_811))
        #expect(deflate.webSocketLayers(53).first?.field("websocket.payload_length_ext_16")?.value == .number(17_811))
    }

    /// One packet per message elsewhere: the packets tshark shows each WebSocket frame in.
    @Test func singleFrameMessagesComeFromTheirPacket() throws {
        let plain = try Self.run("websocket-plain")
        #expect(plain.webSocket.filter { $0.content.frameCount == 1 && $0.content.length != 70_000 }.map(\.message.packets)
                == [[8], [9], [16], [17], [18], [19], [20], [133], [134]])
        let ipv6 = try Self.run("websocket-ipv6")
        #expect(ipv6.webSocket.map(\.message.packets) == [[8], [9], [10], [11], [12], [14]])
        let socketIO = try Self.run("socketio-upgrade")
        #expect(socketIO.webSocket.map(\.message.packets)
                == [[10], [11], [12], [13], [15], [16], [18], [19], [21], [23], [24], [26], [27], [28]])
    }

    /// websocket-ipv6: the server starts the close (1001 "going away"), the client echoes it.
    @Test func ipv6ServerCloseIsEchoed() throws {
        let run = try Self.run("websocket-ipv6")
        let closes = run.webSocket.filter { $0.content.opcode == .close }
        #expect(closes.map(\.message.direction) == [.server, .client])
        #expect(closes.map { $0.content.close?.code?.rawValue } == [1001, 1001])
        #expect(closes.map { $0.content.close?.reason } == ["going away", "going away"])
        #expect(closes.map { $0.content.wireLength } == [12, 12])
        #expect(run.webSocketLayers(12).first?.field("websocket.payload.close.status_code")?.value == .number(1001))
        #expect(run.webSocketLayers(14).first?.field("websocket.payload.close.reason")?.value == .text("going away"))
    }

    /// websocket-deflate: RSV1 on every data message, never on control frames, in both directions.
    @Test func deflateMarksEveryDataMessageCompressed() throws {
        let run = try Self.run("websocket-deflate")
        let messages = run.webSocket.map(\.content)
        #expect(messages.count == 12)
        #expect(messages.filter(\.compressed).map(\.opcode.name)
                == ["text", "text", "text", "text", "binary", "binary", "text", "text"])
        #expect(messages.filter { !$0.compressed }.map(\.opcode.name) == ["ping", "pong", "close", "close"])
        // The 101's layer says what was agreed.
        #expect(run.packets[6]?.layer("http")?.field("websocket.handshake.permessage_deflate")?.value
                == .text("client window 12 bits, server window 12 bits"))
    }

    /// http-keepalive: each response completes in the packet tshark shows it in, from the
    /// segments tshark reassembles it from, and its `http.request_in` is tshark's:
    /// `tshark -r Samples/http-keepalive.pcap -Y http -T fields -e frame.number -e http.request_in -e tcp.segment`.
    @Test func keepaliveMessagesComeFromTsharksPackets() throws {
        let run = try Self.run("http-keepalive")
        let requests = run.http.filter { $0.content.direction == .client }
        let responses = run.http.filter { $0.content.direction == .server }
        #expect(requests.map(\.message.packets) == [[4], [8], [16], [18], [20], [22]])
        #expect(responses.map(\.message.packets) == [[6], [9, 10, 12, 13, 15], [17], [19], [21], [23, 24, 25, 26]])
        let requestIn: [Int: UInt64] = [6: 4, 15: 8, 17: 16, 19: 18, 21: 20, 26: 22]
        for (packet, request) in requestIn {
            #expect(run.packets[packet]?.layer("http")?.field("http.request_in")?.value == .number(request), "packet \(packet)")
        }
        #expect(run.packets[15]?.layer("http")?.field("http.chunk_count")?.value == .number(3))
        #expect(responses.map { $0.content.framing }
                == [.contentLength(17), .chunked, .none, .none, .contentLength(41), .contentLength(5000)])
    }

    /// socketio-upgrade: an Engine.IO polling handshake (GET, 200 with the OPEN packet), then an
    /// upgrade on the same TCP connection (GET with Upgrade, 101), then WebSocket frames carrying
    /// Engine.IO/Socket.IO text packets (shown as text; Socket.IO itself is not decoded yet).
    @Test func socketIOPollingHandshakeThenUpgrade() throws {
        let run = try Self.run("socketio-upgrade")
        let expected = try #require(try Self.expected("socketio-upgrade").http)
        #expect(run.messages.allSatisfy { $0.stream == 0 }, "one TCP connection")
        let http = run.http
        #expect(http.map(\.message.packets) == [[4], [6], [8], [9]])
        #expect(http.map { $0.content.head.kind } == [.request, .response, .request, .response])
        let polling = try #require(http.first?.content)
        #expect(polling.head.uri?.hasPrefix("/socket.io/?transport=polling&EIO=4&t=") == true)
        let open = http[1].content
        #expect(open.head.status == 200)
        #expect(open.head.headers.values("Content-Type") == ["text/plain; charset=UTF-8"])
        let openText = String(decoding: open.body, as: UTF8.self)
        #expect(openText == expected.responses[0].body)
        #expect(openText.hasPrefix("0{\"sid\":\"sdzyD9k5FuB9CxaMAAAA\",\"upgrades\":[\"websocket\"]"))
        let upgrade = http[2].content
        #expect(upgrade.head.uri == "/socket.io/?transport=websocket&EIO=4&sid=sdzyD9k5FuB9CxaMAAAA&t=1795614502.250767")
        #expect(upgrade.head.headers.values("Upgrade") == ["websocket"])
        let switching = http[3].content
        #expect(switching.head.status == 101)
        #expect(switching.answers == 1)
        #expect(switching.head.reason == "Switching Protocols")
        let layer = try #require(run.packets[9]?.layer("http"))
        #expect(layer.field("websocket.handshake.accept_ok")?.value == .flag(true))
        #expect(layer.field("websocket.handshake.permessage_deflate") == nil, "no extension negotiated")
        // After the 101 everything is WebSocket, in wire order; Engine.IO types are the first character.
        let texts = run.webSocket.compactMap { $0.content.opcode == .text ? $0.content.text : nil }
        #expect(texts.map { $0.prefix(1) } == ["2", "3", "5", "4", "6", "4", "4", "4", "4", "4", "4"])
        #expect(texts.contains("421[\"chat\",\"hello\",{\"n\":1}]"))
        let attachment = try #require(run.webSocket.first { $0.content.opcode == .binary })
        #expect(attachment.content.payload == [1, 2, 3])
        #expect(attachment.message.packets == [24])
    }
}
