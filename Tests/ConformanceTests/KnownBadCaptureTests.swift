import Foundation
import Testing
import OsiscopeTestSupport
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeWire

/// The shared corpus of real captures from other projects, next to the project (../shared/corpus).
enum SharedCorpus {
    static let folder = ConformanceCaptures.root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    static let isPresent = FileManager.default.fileExists(atPath: folder.appendingPathComponent("INDEX.tsv").path)
}

/// The corpus captures that hold a known protocol fault or a known trap (../shared/corpus,
/// INDEX.tsv): each gives the right diagnostic on the right packet, and no wrong one.
/// Packet numbers are tshark's (`tshark -r FILE -Y 'http or websocket'`).
@Suite(.enabled(if: SharedCorpus.isPresent,
                "../shared/corpus is absent (CI may not have it): the known-bad capture checks need it"))
struct KnownBadCaptureTests {
    static let corpus = SharedCorpus.folder

    struct Run {
        var packets: [Int: DecodedPacket] = [:]
        var messages: [ApplicationMessage] = []

        var webSocket: [(message: ApplicationMessage, content: WebSocketMessage)] {
            messages.compactMap { if case .websocket(let content) = $0.content { ($0, content) } else { nil } }
        }

        func layers(_ packet: Int, _ key: String) -> [Layer] {
            packets[packet]?.layers.filter { $0.protocolKey == key } ?? []
        }

        /// Packet number → diagnostic keys of its layers with that protocol key, for every packet that has some.
        func diagnosticKeys(_ protocolKey: String) -> [Int: [String]] {
            var keys: [Int: [String]] = [:]
            for (number, packet) in packets {
                let found = packet.layers.filter { $0.protocolKey == protocolKey }.flatMap(\.diagnostics).map(\.key)
                if !found.isEmpty { keys[number] = found }
            }
            return keys
        }
    }

    static func run(_ file: String) throws -> Run {
        let recording = try PipelineRecording.record(path: corpus.appendingPathComponent(file).path)
        var run = Run()
        for packet in recording.packets { run.packets[packet.packet.number] = packet }
        run.messages = recording.messages
        return run
    }

    /// The value of a header line of an http layer (fields `http.request.line`/`http.response.line`
    /// labelled with the header's name as sent; names are case-insensitive, and these peers send
    /// them in lower case).
    static func header(_ name: String, in layer: Layer) -> String? {
        for field in layer.fields where field.key.hasPrefix("http.") && field.ownLabel?.lowercased() == name.lowercased() {
            if case .text(let value) = field.value { return value }
        }
        return nil
    }

    /// zeek/wrong-accept-header.pcap: the server answers the key with a Sec-WebSocket-Accept that
    /// has "-wrong" appended. The mismatch is reported on the 101's http layer (packet 6) with the
    /// value the key calls for; the frames after it are still decoded.
    @Test func wrongAcceptHeader() throws {
        let run = try Self.run("zeek/wrong-accept-header.pcap")
        let request = try #require(run.layers(4, "http").first)
        let response = try #require(run.layers(6, "http").first)
        #expect(response.field("http.response.code")?.value == .number(101))
        let key = try #require(Self.header("Sec-WebSocket-Key", in: request))
        let expected = "N8ntNYkX6Qerw4tK3s/CYzpSZNc="
        #expect(WebSocketHandshake.acceptValue(forKey: key) == expected)
        #expect(Self.header("Sec-WebSocket-Accept", in: response) == expected + "-wrong")
        #expect(response.field("websocket.handshake.accept_ok")?.value == .flag(false))
        #expect(response.field("websocket.handshake.expected_accept")?.value == .text(expected))
        #expect(response.diagnostics.map(\.key) == ["websocket.handshake.accept_mismatch"])
        #expect(response.diagnostics.first?.severity == .error)
        #expect(response.diagnostics.first?.message.contains(expected) == true)
        // Only the 101 says so: the request is fine, and so is the server's ping after it.
        #expect(run.diagnosticKeys("http") == [6: ["websocket.handshake.accept_mismatch"]])
        #expect(run.diagnosticKeys("websocket") == [:])
        #expect(run.webSocket.map { "\($0.message.direction.rawValue) \($0.content.opcode.name) \($0.content.text ?? "-")" }
                == ["server ping Zeek"])
        #expect(run.webSocket.first?.message.packets == [8])
    }

    /// zeek/wstunnel-http.pcap: wstunnel's client (port 51102) sends unmasked frames, packets 8
    /// (binary) and 10 (close); the server's unmasked frames (9, 12) are correct.
    @Test func unmaskedClientFrames() throws {
        let run = try Self.run("zeek/wstunnel-http.pcap")
        #expect(run.packets[8]?.transport?.source.port == 51102)
        #expect(run.packets[10]?.transport?.source.port == 51102)
        #expect(run.diagnosticKeys("websocket")
                == [8: ["websocket.mask.unmasked_client_frame"], 10: ["websocket.mask.unmasked_client_frame"]])
        #expect(run.packets[8]?.layer("websocket")?.diagnostics.first?.severity == .error)
        for packet in [8, 9, 10, 12] {
            #expect(run.layers(packet, "websocket").map { $0.field("websocket.mask")?.value } == [.flag(false)], "packet \(packet)")
        }
        let messages = run.webSocket
        #expect(messages.map { "\($0.message.direction.rawValue) \($0.content.opcode.name) \($0.message.packets)" }
                == ["client binary [8]", "server binary [9]", "client close [10]", "server close [12]"])
        for (message, content) in messages {
            let keys = content.diagnostics.map(\.key)
            #expect(keys == (message.direction == .client ? ["websocket.mask.unmasked_client_frame"] : []), "packet \(message.packets)")
        }
        // The tunnelled HTTP request is still readable: the payload was not masked, so it is as sent.
        #expect(messages.first?.content.text?.hasPrefix("GET ") == true)
    }

    /// zeek/oversized-close-frame.pcapng: a close frame of 258 payload bytes (control frames carry
    /// at most 125), its length written in the 64-bit form.
    @Test func oversizedCloseFrame() throws {
        let run = try Self.run("zeek/oversized-close-frame.pcapng")
        let layer = try #require(run.layers(6, "websocket").first)
        #expect(layer.field("websocket.opcode")?.value == .number(8))
        #expect(layer.field("websocket.payload_length")?.value == .number(127))
        #expect(layer.field("websocket.payload_length_ext_64")?.value == .number(258))
        let keys = layer.diagnostics.map(\.key)
        #expect(keys.filter { $0 == "websocket.control.too_long" }.count == 1)
        #expect(layer.diagnostics.first { $0.key == "websocket.control.too_long" }?.severity == .error)
        #expect(Set(keys) == ["websocket.control.too_long", "websocket.length.not_minimal"])
        let close = try #require(run.webSocket.first)
        #expect(run.webSocket.count == 1)
        #expect(close.content.opcode == .close)
        #expect(close.content.wireLength == 258)
        #expect(close.message.packets == [6])
        #expect(close.content.diagnostics.map(\.key).sorted() == ["websocket.control.too_long", "websocket.length.not_minimal"])
    }

    /// Each diagnostic of a frame is shown once on its layer.
    ///
    /// Known bug: a diagnostic the frame parser puts on a frame (`WebSocketFrame.diagnostics`, e.g.
    /// `websocket.length.not_minimal`) is copied into its message by `WebSocketMessageAssembler.add`
    /// (`var diagnostics = frame.diagnostics + check(frame)` … `message.diagnostics += diagnostics`), and
    /// `StreamLayers.webSocketLayer` shows `frame.diagnostics` and then `message.diagnostics` on the
    /// frame that completes the message, so it appears twice:
    /// `osiscope inspect --json ../shared/corpus/zeek/oversized-close-frame.pcapng --packet 6`.
    @Test func frameDiagnosticsAppearOnceOnTheLayer() throws {
        let run = try Self.run("zeek/oversized-close-frame.pcapng")
        let layer = try #require(run.layers(6, "websocket").first)
        #expect(layer.diagnostics.map(\.key).sorted() == ["websocket.control.too_long", "websocket.length.not_minimal"])
    }

    /// zeek/reply-ping-coalesced.pcap: the server's ping is in the same TCP segment as its 101
    /// response (packet 6); it is decoded there, after the http layer. The control capture
    /// reply-ping-separate.pcap has the ping in its own packet (8).
    @Test func pingInTheSegmentOfThe101() throws {
        let run = try Self.run("zeek/reply-ping-coalesced.pcap")
        let packet = try #require(run.packets[6])
        let application = packet.layers.filter { $0.protocolKey == "http" || $0.protocolKey == "websocket" }
        #expect(application.map(\.protocolKey) == ["http", "websocket"])
        #expect(application.first?.field("http.response.code")?.value == .number(101))
        #expect(application.first?.field("websocket.handshake.accept_ok")?.value == .flag(true))
        let ping = try #require(application.last)
        #expect(ping.field("websocket.opcode")?.value == .number(9))
        #expect(ping.field("websocket.fin")?.value == .flag(true))
        #expect(ping.field("websocket.mask")?.value == .flag(false))
        #expect(ping.field("websocket.payload.text")?.value == .text("Zeek"))
        #expect(packet.allDiagnostics.filter { $0.key.hasPrefix("websocket") || $0.key.hasPrefix("http") }.isEmpty)
        #expect(run.webSocket.map { "\($0.message.direction.rawValue) \($0.content.opcode.name) \($0.message.packets)" }
                == ["server ping [6]", "client pong [8]", "client text [9]", "server text [11]", "client close [12]",
                    "server close [13]"])
        #expect(run.webSocket.filter { $0.content.opcode != .close }.map { $0.content.text ?? "-" }
                == ["Zeek", "Zeek", "Hello Zeek!", "Hello there!"])

        let separate = try Self.run("zeek/reply-ping-separate.pcap")
        #expect(separate.layers(6, "websocket").isEmpty)
        #expect(separate.layers(8, "websocket").map { $0.field("websocket.opcode")?.value } == [.number(9)])
        #expect(separate.webSocket.map { $0.content.text ?? "-" } == run.webSocket.map { $0.content.text ?? "-" })
    }

    /// suricata-verify/websocket-control-frag/input.pcap: a text message in two fragments (packets 8
    /// and 12) with a ping between them (packet 10). The ping is its own message, completed first;
    /// the text joins both fragments. (Suricata's rule looks for its prefix
    /// "MALWARE_DOWNLOAD cmd.exe /c powershell"; the whole text ends with " -enc AAAA".)
    ///
    /// Known bug: the text message's `packets` is [8, 10, 12]. `StreamDecoder.apply` takes a
    /// WebSocket message's packets from `origins.packets(for: message.streamRange)`, and `streamRange`
    /// runs from the first byte of the first frame to the last byte of the last one, so it covers the
    /// ping frame between the fragments; the packets of `message.frameRanges` are [8, 12]:
    /// `osiscope messages --json ../shared/corpus/suricata-verify/websocket-control-frag/input.pcap`.
    @Test func pingBetweenFragments() throws {
        let run = try Self.run("suricata-verify/websocket-control-frag/input.pcap")
        let client = run.webSocket.filter { $0.message.direction == .client }
        #expect(client.map { $0.content.opcode.name } == ["ping", "text"])
        let ping = try #require(client.first)
        #expect(ping.message.packets == [10])
        #expect(ping.content.text == "ping")
        let text = try #require(client.last)
        // The ping's packet (10) carried none of the text message's bytes.
        #expect(text.message.packets == [8, 12])
        #expect(text.content.frameCount == 2)
        #expect(text.content.frameRanges.count == 2)
        #expect(text.content.text == "MALWARE_DOWNLOAD cmd.exe /c powershell -enc AAAA")
        #expect(text.content.text?.hasPrefix("MALWARE_DOWNLOAD cmd.exe /c powershell") == true)
        #expect(text.content.length == 48)
        #expect(text.content.isComplete)
        #expect(text.content.diagnostics.isEmpty, "\(text.content.diagnostics.map(\.key))")
        #expect(ping.content.diagnostics.isEmpty)
        #expect(run.webSocket.filter { $0.message.direction == .server }.map { "\($0.content.opcode.name) \($0.content.text ?? "-")" }
                == ["pong ping"])
        // Frame by frame: the first fragment shows no text, the continuation shows the whole message.
        #expect(run.layers(8, "websocket").map { $0.field("websocket.payload.text")?.value } == [nil])
        #expect(run.layers(12, "websocket").map { $0.field("websocket.payload.text")?.value }
                == [.text("MALWARE_DOWNLOAD cmd.exe /c powershell -enc AAAA")])
        #expect(run.diagnosticKeys("websocket") == [:])
        // The capture's key is the base64 of 18 bytes ("suricata-test-key!"), not 16: that is reported.
        #expect(run.diagnosticKeys("http") == [6: ["websocket.handshake.key_invalid"]])
    }

    /// evsetool/cap.pcapng: OCPP over permessage-deflate with context takeover, every message on
    /// two legs (streams 0 and 1), and each docker-leg data segment captured twice. The duplicates
    /// are recognised as retransmissions and not fed to the inflater again, so every compressed
    /// message inflates, on both legs, to the same text.
    @Test func compressedMessagesInflateDespiteDuplicateSegments() throws {
        let run = try Self.run("evsetool/cap.pcapng")
        let compressed = run.webSocket.filter { $0.content.compressed }
        #expect(compressed.count == 16)
        #expect(run.webSocket.count == 20)
        for (message, content) in run.webSocket {
            #expect(content.diagnostics.map(\.key) == [], "packets \(message.packets)")
            #expect(content.isComplete, "packets \(message.packets)")
        }
        #expect(compressed.allSatisfy { $0.content.opcode == .text && $0.content.isValidUTF8 })
        #expect(run.webSocket.filter { !$0.content.compressed }.map { $0.content.close?.code?.rawValue } == [1000, 1000, 1000, 1000])
        let texts = [
            #"[2,"bad9a3f6-ca80-4901-bb76-9034b8900b5b","BootNotification",{"chargePointModel":"CHANGEME","chargePointVendor":"TODO"}]"#,
            #"[3,"bad9a3f6-ca80-4901-bb76-9034b8900b5b",{"status":"Accepted","currentTime":"2024-12-12T12:14:42.958Z","interval":14400}]"#,
            #"[2,"6166cbe7-d6c3-438a-8d71-0875bb8e9b48","Authorize",{"idTag":"01234567890123456789"}]"#,
            #"[3,"6166cbe7-d6c3-438a-8d71-0875bb8e9b48",{"idTagInfo":{"status":"Invalid"}}]"#,
            #"[2,"0e5877e1-fb91-4aa5-a012-c76125755ae0","FirmwareStatusNotification",{"status":"Installed"}]"#,
            #"[3,"0e5877e1-fb91-4aa5-a012-c76125755ae0",{}]"#,
            #"[2,"cee3e36b-34fb-45a8-a6b8-f5d394f32beb","DiagnosticsStatusNotification",{"status":"Uploading"}]"#,
            #"[3,"cee3e36b-34fb-45a8-a6b8-f5d394f32beb",{}]"#,
        ]
        for stream in [0, 1] {
            let leg = compressed.filter { $0.message.stream == stream }
            #expect(leg.map { $0.content.text ?? "?" } == texts, "stream \(stream)")
            #expect(leg.map(\.message.direction) == [.client, .server, .client, .server, .client, .server, .client, .server])
        }
        // No deflate trouble anywhere, and a segment captured twice completes no frame the second time.
        var retransmitted: [Int] = []
        for (number, packet) in run.packets {
            #expect(!packet.allDiagnostics.contains { $0.key.hasPrefix("websocket.deflate") }, "packet \(number)")
            if packet.allDiagnostics.contains(where: { $0.key == "tcp.analysis.retransmission" }) {
                retransmitted.append(number)
                #expect(packet.layer("websocket") == nil, "packet \(number) is a duplicate")
            }
        }
        #expect(retransmitted.count >= 8)
    }
}
