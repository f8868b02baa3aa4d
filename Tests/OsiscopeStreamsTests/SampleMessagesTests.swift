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
/// `Samples/NAME.md` notes), so these tests do not run tshark; packet numbers, frame headers and
/// byte ranges come from the files' `"capture"` key, which `Samples/verify.py capture-facts`
/// derived with tshark 4.0 (`CaptureFacts`).
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
        /// The opening handshake as captured, when its request carries a query the recording
        /// chose (websocket-duplex's shared start time).
        var handshake: ExpectedHandshake?
    }

    struct ExpectedHandshake: Decodable {
        struct Request: Decodable { var uri: String }
        var request: Request
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
        /// http-keepalive: how the server framed the body ("content-length", "chunked", …).
        var framing: String?
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

    /// The `"capture"` facts of the sample's expected file.
    static func facts(_ sample: String) throws -> CaptureFacts { try SampleFiles.capture(sample) }

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

        /// The websocket layer of a frame tshark shows: the k-th frame tshark completes in a
        /// packet is the k-th websocket layer there.
        func webSocketLayer(_ frame: CaptureFacts.Frame, _ facts: CaptureFacts) -> Layer? {
            let inPacket = facts.framesCompleted(in: frame.packet)
            guard let k = inPacket.firstIndex(where: { $0.stream == frame.stream && $0.streamRange == frame.streamRange }) else {
                return nil
            }
            let layers = webSocketLayers(frame.packet)
            return k < layers.count ? layers[k] : nil
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
        #expect(Self.expectedSamples == ["http-keepalive", "socketio-broadcast", "socketio-browser", "socketio-polling", "socketio-upgrade",
                                         "socketio-v3", "socketio-websocket", "update-long-polling", "update-reload",
                                         "update-short-polling", "update-websocket", "websocket-deflate", "websocket-duplex",
                                         "websocket-ipv6", "websocket-plain"])
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
            if entry.textPrefix?.hasPrefix("000000 ") == true { #expect(message.text == bigText, "\(context): the generator's text") }
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
            let path = try #require(file.handshake?.request.uri ?? URL(string: server)?.path)
            requests = [ExpectedRequest(method: "GET", uri: path, bodyLength: 0)]
            responses = [ExpectedResponse(status: 101, bodyLength: 0, body: "")]
        }
        #expect(!requests.isEmpty, "\(sample): the expected file names no HTTP exchange")
        let ours = try Self.run(sample).http
        let mineRequests = ours.filter { $0.content.direction == .client }
        let mineResponses = ours.filter { $0.content.direction == .server }
        #expect(mineRequests.count == requests.count, "\(sample): requests")
        #expect(mineResponses.count == responses.count, "\(sample): responses")
        var perStream: [Int: Int] = [:]
        for (index, (mine, entry)) in zip(mineRequests, requests).enumerated() {
            let message = mine.content
            // Requests are numbered per connection (polling samples use several).
            #expect(message.index == perStream[mine.message.stream, default: 0], "\(sample) request \(index + 1): index")
            perStream[mine.message.stream, default: 0] += 1
            #expect(message.head.method == entry.method, "\(sample) request \(index + 1): method")
            #expect(message.head.uri == entry.uri, "\(sample) request \(index + 1): uri")
            #expect(message.bodyLength == entry.bodyLength, "\(sample) request \(index + 1): body length")
            if let body = entry.body {
                #expect(String(decoding: message.body, as: UTF8.self) == body, "\(sample) request \(index + 1): body")
            }
            #expect(message.isComplete && message.diagnostics.isEmpty, "\(sample) request \(index + 1): \(message.diagnostics.map(\.key))")
        }
        var answeredPerStream: [Int: Int] = [:]
        for (index, (mine, entry)) in zip(mineResponses, responses).enumerated() {
            let message = mine.content
            let asked = answeredPerStream[mine.message.stream, default: 0]
            answeredPerStream[mine.message.stream] = asked + 1
            #expect(message.head.status == entry.status, "\(sample) response \(index + 1): status")
            #expect(message.bodyLength == entry.bodyLength, "\(sample) response \(index + 1): body length")
            #expect(message.body.count == entry.bodyLength, "\(sample) response \(index + 1): body bytes kept")
            if let body = entry.body {
                #expect(String(decoding: message.body, as: UTF8.self) == body, "\(sample) response \(index + 1): body")
            }
            if let digest = entry.bodySha256 {
                #expect(Self.sha256(message.body) == digest, "\(sample) response \(index + 1): body sha256")
            }
            // No pipelining and no interim responses in the samples: on each connection, response i
            // answers request i.
            #expect(message.answers == asked, "\(sample) response \(index + 1): answers")
            #expect(message.isComplete, "\(sample) response \(index + 1): complete")
            // python-engineio answers the long poll still pending when a client leaves with 400:
            // Engine.IO's refusal, said on the response.
            let refusal = entry.status == 400 && sample.hasPrefix("socketio") ? ["engine.io.transport_error"] : []
            #expect(message.diagnostics.map(\.key) == refusal, "\(sample) response \(index + 1)")
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
        // The 400 that ends a polling client's last long poll (see httpMessagesAreWhatThePeersSent).
        let refusals = try Self.run(sample).http.filter { $0.content.head.status == 400 }.map {
            "packet \($0.message.packets.last ?? 0) http: engine.io.transport_error"
        }
        #expect(found == refusals, "\(sample)")
    }

    // MARK: particular messages

    /// The fields `name` of some layers, in order.
    static func values(_ layers: [Layer], _ name: String) -> [FieldValue?] { layers.map { $0.field(name)?.value } }

    static func numbers(_ values: [Int]) -> [FieldValue?] { values.map { FieldValue.number(UInt64($0)) } }

    static func flags(_ values: [Bool]) -> [FieldValue?] { values.map { FieldValue.flag($0) } }

    /// websocket-plain message 3: text FIN=0 "frag-one ", continuation "frag-two ", continuation
    /// "frag-three", empty continuation FIN=1. Packets and frame headers are tshark's (the
    /// capture facts).
    @Test func plainFragmentedMessageHasItsFourFrames() throws {
        let run = try Self.run("websocket-plain")
        let facts = try Self.facts("websocket-plain")
        let entry = try #require(try Self.expected("websocket-plain").messages?.first { ($0.frames ?? 1) > 1 })
        let text = try #require(entry.text)
        let message = try #require(facts.websocket.messages.first { $0.frames.count > 1 })
        let wire = facts.websocket.frames(of: message)
        #expect(wire.count == entry.frames)
        let fragmented = try #require(run.webSocket.first { $0.content.frameCount > 1 })
        #expect(fragmented.message.direction == message.direction)
        #expect(fragmented.message.packets == message.packets)
        #expect(fragmented.content.frameRanges == wire.map(\.range))
        #expect(fragmented.content.text == text)
        // As many websocket layers in each of its packets as tshark shows frames there.
        #expect(wire.map { run.webSocketLayers($0.packet).count } == wire.map { facts.framesCompleted(in: $0.packet).count })
        let frames = wire.compactMap { run.webSocketLayer($0, facts) }
        #expect(frames.count == wire.count)
        #expect(Self.values(frames, "websocket.opcode") == Self.numbers(wire.map(\.opcode)))
        #expect(Self.values(frames, "websocket.fin") == Self.flags(wire.map(\.fin)))
        #expect(Self.values(frames, "websocket.mask") == Self.flags(wire.map(\.masked)))
        #expect(Self.values(frames, "websocket.payload_length") == Self.numbers(wire.map(\.lengthField)))
        // `websocket.payload` holds the unmasked bytes: each fragment as the client sent it.
        let fragments = frames.map { frame -> String? in
            guard case .bytes(let bytes)? = frame.field("websocket.payload")?.value else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(fragments == entry.fragments)
        // The message is shown on the frame that completes it, and only there.
        var shown = [FieldValue?](repeating: nil, count: max(wire.count - 1, 0))
        shown.append(FieldValue.text(text))
        #expect(Self.values(frames, "websocket.payload.text") == shown)
        #expect(frames.last?.field("websocket.message_frames")?.value == .number(UInt64(wire.count)))
        #expect(frames.last?.field("websocket.message_length")?.value == .number(UInt64(entry.length)))
    }

    /// websocket-deflate message 3: one deflate stream cut at the fragment boundaries, RSV1 on the
    /// first frame only (RFC 7692 §6.1), payload lengths as tshark reads them.
    @Test func deflateFragmentedMessageInflatesAcrossItsFourFrames() throws {
        let run = try Self.run("websocket-deflate")
        let facts = try Self.facts("websocket-deflate")
        let entry = try #require(try Self.expected("websocket-deflate").messages?.first { ($0.frames ?? 1) > 1 })
        let text = try #require(entry.text)
        let message = try #require(facts.websocket.messages.first { $0.frames.count > 1 })
        let wire = facts.websocket.frames(of: message)
        #expect(wire.count == entry.frames)
        #expect(wire.map(\.rsv1) == [true] + Array(repeating: false, count: max(wire.count - 1, 0)))
        let fragmented = try #require(run.webSocket.first { $0.content.frameCount > 1 })
        #expect(fragmented.message.packets == message.packets)
        #expect(fragmented.content.frameRanges == wire.map(\.range))
        #expect(fragmented.content.compressed)
        #expect(entry.compressed == true)
        #expect(fragmented.content.wireLength == UInt64(message.payloadLength))
        #expect(fragmented.content.length == UInt64(entry.length))
        #expect(fragmented.content.text == text)
        let frames = wire.compactMap { run.webSocketLayer($0, facts) }
        #expect(frames.count == wire.count)
        #expect(Self.values(frames, "websocket.rsv1") == Self.flags(wire.map(\.rsv1)))
        #expect(Self.values(frames, "websocket.fin") == Self.flags(wire.map(\.fin)))
        #expect(Self.values(frames, "websocket.payload_length") == Self.numbers(wire.map(\.lengthField)))
        #expect(frames.last?.field("websocket.payload.text")?.value == .text(text))
    }

    /// The 70000-byte messages span exactly the packets tshark reassembles them from (the
    /// capture facts: tshark's `tcp.segment` list of the frame), with the 64-bit length field in
    /// websocket-plain and the 16-bit one for the compressed payload of websocket-deflate.
    @Test(arguments: ["websocket-plain", "websocket-deflate"])
    func bigMessagesSpanThePacketsTsharkShows(sample: String) throws {
        let run = try Self.run(sample)
        let facts = try Self.facts(sample)
        let expected = try Self.expected(sample).messages ?? []
        let bigLength = try #require(expected.first { $0.sha256 != nil }?.length)
        let ours = run.webSocket
        // The same messages in the same order (checked one by one in messagesComeFromThePacketsTsharkShows).
        try #require(ours.count == facts.websocket.messages.count, "\(sample)")
        let big = ours.indices.filter { ours[$0].content.length == UInt64(bigLength) }
        #expect(big.map { ours[$0].message.direction }
                == expected.filter { $0.sha256 != nil }.compactMap { Direction(rawValue: $0.from) }, "\(sample)")
        for index in big {
            let mine = ours[index], theirs = facts.websocket.messages[index]
            let direction = mine.message.direction
            #expect(theirs.direction == direction, "\(sample) \(direction)")
            #expect(theirs.packets.count > 1, "\(sample) \(direction): several segments")
            #expect(mine.message.packets == theirs.packets, "\(sample) \(direction)")
            // A message is complete at its last packet.
            #expect(theirs.packet == theirs.packets.last, "\(sample) \(direction)")
            #expect(mine.message.timestamp == run.packets[theirs.packet]?.packet.timestamp, "\(sample) \(direction)")
            // One frame, whose layer is on the last packet, with offsets into the reassembled stream.
            try #require(theirs.frames.count == 1, "\(sample) \(direction)")
            let frame = facts.websocket.frames[theirs.frames[0]]
            #expect(frame.lengthField == (frame.payloadLength > 65_535 ? 127 : 126), "\(sample) \(direction)")
            #expect(run.webSocketLayers(frame.packet).count == facts.framesCompleted(in: frame.packet).count,
                    "\(sample) \(direction)")
            let layer = run.webSocketLayer(frame, facts)
            #expect(layer?.field("websocket.payload_length")?.value == .number(UInt64(frame.lengthField)), "\(sample) \(direction)")
            let extended = frame.lengthField == 127 ? "websocket.payload_length_ext_64" : "websocket.payload_length_ext_16"
            #expect(layer?.field(extended)?.value == .number(UInt64(frame.payloadLength)), "\(sample) \(direction)")
            #expect(layer?.field("websocket.message_length")?.value == .number(UInt64(bigLength)), "\(sample) \(direction)")
            #expect(layer?.source?.kind == .tcpStream(stream: theirs.stream, direction: direction), "\(sample) \(direction)")
            #expect(layer?.source?.packets == frame.packets, "\(sample) \(direction)")
            for packet in frame.packets.dropLast() {
                #expect(run.webSocketLayers(packet).count == facts.framesCompleted(in: packet).count,
                        "\(sample) packet \(packet) completes no frame of this message")
            }
        }
    }

    /// Every WebSocket message comes from the packets tshark shows its frames in: one packet per
    /// message, but for the fragmented and the 70000-byte ones.
    @Test(arguments: ["websocket-plain", "websocket-deflate", "websocket-ipv6", "socketio-upgrade"])
    func messagesComeFromThePacketsTsharkShows(sample: String) throws {
        let run = try Self.run(sample)
        let messages = try Self.facts(sample).websocket.messages
        #expect(run.webSocket.map(\.message.packets) == messages.map(\.packets), "\(sample)")
        #expect(run.webSocket.map(\.message.direction) == messages.map(\.direction), "\(sample)")
        #expect(run.webSocket.map(\.content.opcode.name) == messages.map(\.opcode), "\(sample)")
        #expect(run.webSocket.map(\.content.frameCount) == messages.map(\.frames.count), "\(sample)")
        #expect(run.webSocket.map(\.content.wireLength) == messages.map { UInt64($0.payloadLength) }, "\(sample)")
    }

    /// websocket-ipv6: the server starts the close (1001 "going away"), the client echoes it.
    @Test func ipv6ServerCloseIsEchoed() throws {
        let run = try Self.run("websocket-ipv6")
        let facts = try Self.facts("websocket-ipv6")
        let sent = (try Self.expected("websocket-ipv6").messages ?? []).filter { $0.opcode == "close" }
        #expect(sent.map(\.from) == ["server", "client"])
        let closes = run.webSocket.filter { $0.content.opcode == .close }
        #expect(closes.map(\.message.direction) == sent.compactMap { Direction(rawValue: $0.from) })
        #expect(closes.map { $0.content.close?.code?.rawValue } == sent.map { $0.closeCode.map { UInt16($0) } })
        #expect(closes.map { $0.content.close?.reason } == sent.map(\.closeReason))
        #expect(closes.map { $0.content.wireLength } == sent.map { UInt64($0.length) })
        // Each close frame's layer, on the packet tshark shows it in.
        let closeFrames = facts.websocket.messages.filter { $0.opcode == "close" }.flatMap { facts.websocket.frames(of: $0) }
        #expect(closeFrames.count == sent.count)
        for (frame, entry) in zip(closeFrames, sent) {
            let layer = run.webSocketLayer(frame, facts)
            let code = try #require(entry.closeCode), reason = try #require(entry.closeReason)
            #expect(layer?.field("websocket.payload.close.status_code")?.value == .number(UInt64(code)), "packet \(frame.packet)")
            #expect(layer?.field("websocket.payload.close.reason")?.value == .text(reason), "packet \(frame.packet)")
        }
    }

    /// websocket-deflate: RSV1 on every data message, never on control frames, in both directions.
    @Test func deflateMarksEveryDataMessageCompressed() throws {
        let run = try Self.run("websocket-deflate")
        let facts = try Self.facts("websocket-deflate")
        let expected = try Self.expected("websocket-deflate").messages ?? []
        #expect(expected.allSatisfy { ($0.compressed == true) == ["text", "binary"].contains($0.opcode) })
        let messages = run.webSocket.map(\.content)
        #expect(messages.count == expected.count)
        #expect(messages.filter(\.compressed).map(\.opcode.name) == expected.filter { $0.compressed == true }.map(\.opcode))
        #expect(messages.filter { !$0.compressed }.map(\.opcode.name) == expected.filter { $0.compressed != true }.map(\.opcode))
        // The 101's layer says what was agreed: the server's Sec-WebSocket-Extensions, with
        // context takeover and 15-bit windows where it names none.
        let response = try #require(facts.responses.first { $0.status == 101 })
        let agreed = try #require(response.header("Sec-WebSocket-Extensions").first)
        #expect(agreed.hasPrefix("permessage-deflate"))
        #expect(!agreed.contains("no_context_takeover"), "the sample keeps its context")
        let clientBits = CaptureFacts.parameter("client_max_window_bits", in: agreed) ?? "15"
        let serverBits = CaptureFacts.parameter("server_max_window_bits", in: agreed) ?? "15"
        #expect(run.packets[response.packet]?.layer("http")?.field("websocket.handshake.permessage_deflate")?.value
                == .text("client window \(clientBits) bits, server window \(serverBits) bits"))
    }

    /// The body framing osiscope reports for a response the aiohttp server logged with `framing`
    /// (Samples/peers/http_server.py): a HEAD answer and a 304 have no body whatever their headers say.
    static func framing(_ logged: String, bodyLength: Int) -> HTTPBodyFraming? {
        switch logged {
        case "content-length": return .contentLength(Int64(bodyLength))
        case "chunked": return .chunked
        case "none (304)", "content-length (HEAD: no body)": return HTTPBodyFraming.none
        default: return nil
        }
    }

    /// http-keepalive: each message completes in the packet tshark shows it in, from the segments
    /// tshark reassembles it from, and a response's `http.request_in` and chunk count are
    /// tshark's (the capture facts).
    @Test func keepaliveMessagesComeFromTsharksPackets() throws {
        let run = try Self.run("http-keepalive")
        let facts = try Self.facts("http-keepalive")
        let logged = try Self.expected("http-keepalive").responses ?? []
        let requests = run.http.filter { $0.content.direction == .client }
        let responses = run.http.filter { $0.content.direction == .server }
        #expect(requests.map(\.message.packets) == facts.requests.map(\.packets))
        #expect(responses.map(\.message.packets) == facts.responses.map(\.packets))
        #expect(requests.map { $0.message.packets.last ?? -1 } == facts.requests.map(\.packet))
        #expect(responses.map { $0.message.packets.last ?? -1 } == facts.responses.map(\.packet))
        #expect(facts.responses.count == logged.count)
        for response in facts.responses {
            let requestIn = try #require(response.requestIn, "packet \(response.packet)")
            let layer = run.packets[response.packet]?.layer("http")
            #expect(layer?.field("http.request_in")?.value == .number(UInt64(requestIn)), "packet \(response.packet)")
            if let chunks = response.chunks {
                #expect(layer?.field("http.chunk_count")?.value == .number(UInt64(chunks)), "packet \(response.packet)")
            }
        }
        #expect(facts.responses.contains { $0.chunks != nil }, "the chunked response")
        let framings = try logged.map { entry in
            try #require(Self.framing(entry.framing ?? "", bodyLength: entry.bodyLength), "framing \(entry.framing ?? "none logged")")
        }
        #expect(responses.map { $0.content.framing } == framings)
    }

    /// socketio-upgrade: an Engine.IO polling handshake (GET, 200 with the OPEN packet), then an
    /// upgrade on the same TCP connection (GET with Upgrade, 101), then WebSocket frames carrying
    /// Engine.IO/Socket.IO text packets (shown as text; Socket.IO itself is not decoded yet).
    @Test func socketIOPollingHandshakeThenUpgrade() throws {
        let run = try Self.run("socketio-upgrade")
        let facts = try Self.facts("socketio-upgrade")
        let file = try Self.expected("socketio-upgrade")
        let expected = try #require(file.http)
        let sent = file.messages ?? []
        let connection = try #require(facts.tcp.first)
        #expect(facts.tcp.count == 1)
        #expect(run.messages.allSatisfy { $0.stream == connection.stream }, "one TCP connection")
        let http = run.http
        #expect(http.map(\.message.packets) == facts.http.map(\.packets))
        #expect(http.map { $0.content.head.kind } == [.request, .response, .request, .response])
        try #require(http.count == 4 && facts.http.count == 4 && expected.requests.count == 2 && expected.responses.count == 2)
        let polling = http[0].content
        #expect(polling.head.uri?.hasPrefix("/socket.io/?transport=polling&EIO=4&t=") == true)
        #expect(polling.head.uri == expected.requests[0].uri)
        let open = http[1].content
        #expect(open.head.status == expected.responses[0].status)
        #expect(open.head.headers.values("Content-Type") == facts.http[1].header("Content-Type"))
        let openText = String(decoding: open.body, as: UTF8.self)
        #expect(openText == expected.responses[0].body)
        // The OPEN packet gives the session id the client then upgrades with.
        let upgradeURI = expected.requests[1].uri
        let sid = try #require(URLComponents(string: upgradeURI)?.queryItems?.first { $0.name == "sid" }?.value)
        #expect(openText.hasPrefix("0{\"sid\":\"\(sid)\",\"upgrades\":[\"websocket\"]"))
        let upgrade = http[2].content
        #expect(upgrade.head.uri == upgradeURI)
        #expect(upgrade.head.headers.values("Upgrade") == ["websocket"])
        let switching = http[3].content
        #expect(switching.head.status == 101)
        #expect(switching.head.status == expected.responses[1].status)
        #expect(switching.answers == 1)
        #expect(switching.head.reason == facts.http[3].reason)
        #expect(switching.head.reason == "Switching Protocols")
        let layer = try #require(run.packets[facts.http[3].packet]?.layer("http"))
        #expect(layer.field("websocket.handshake.accept_ok")?.value == .flag(true))
        #expect(layer.field("websocket.handshake.permessage_deflate") == nil, "no extension negotiated")
        // After the 101 everything is WebSocket, in wire order; Engine.IO types are the first character.
        let texts = run.webSocket.compactMap { $0.content.opcode == .text ? $0.content.text : nil }
        #expect(texts == sent.compactMap { $0.opcode == "text" ? $0.text : nil })
        #expect(texts.contains("421[\"chat\",\"hello\",{\"n\":1}]"))
        let attachment = try #require(run.webSocket.first { $0.content.opcode == .binary })
        let attachmentSent = try #require(sent.first { $0.opcode == "binary" })
        #expect(Self.hex(attachment.content.payload) == attachmentSent.dataHex)
        #expect(attachment.content.payload == [1, 2, 3]) // the Socket.IO client's upload
        #expect(attachment.message.packets == facts.websocket.messages.first { $0.opcode == "binary" }?.packets)
    }
}
