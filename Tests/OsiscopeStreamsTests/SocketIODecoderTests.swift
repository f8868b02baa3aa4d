import Foundation
import OsiscopeCapture
import OsiscopeTestSupport
import OsiscopeWire
import Testing
@testable import OsiscopeStreams

/// Engine.IO and Socket.IO through the whole stream stage and the session stage, on hand-built
/// connections (HTTP/1.1 per RFC 9112, WebSocket per RFC 6455; Engine.IO protocol v4 and v3,
/// socket.io-protocol v5): sessions across connections, acks, heartbeats, broadcasts, and
/// every kind of bad input as a diagnostic with the layers beneath still there.
@Suite struct SocketIODecoderTests {
    typealias C = SyntheticConnections

    struct Outcome {
        var messages: [ApplicationMessage]
        var sessions: [SessionSummary]
        var recording: PipelineRecording

        func of(_ protocolName: String) -> [ApplicationMessage] { messages.filter { $0.protocolName == protocolName } }

        var socketIO: [SocketIOMessage] {
            messages.compactMap { if case .socketIO(let io) = $0.content { io } else { nil } }
        }
        var engineIO: [EngineIOMessage] {
            messages.compactMap { if case .engineIO(let engine) = $0.content { engine } else { nil } }
        }
        func keys(_ protocolName: String) -> [[String]] { of(protocolName).map { $0.diagnostics.map(\.key) } }
    }

    static func run(_ connections: SyntheticConnections) throws -> Outcome {
        let recording = try PipelineRecording.record(connections.captured)
        var stage = SessionStage()
        var messages: [ApplicationMessage] = []
        for message in recording.messages { stage.take(message) { messages.append($0.message) } }
        stage.finish { messages.append($0.message) }
        return Outcome(messages: messages, sessions: stage.takeEnded(), recording: recording)
    }

    static let open = #"0{"sid":"S1","upgrades":["websocket"],"pingInterval":100,"pingTimeout":50,"maxPayload":1000}"#
    static let polling = "/socket.io/?EIO=4&transport=polling"

    /// One session over two polling connections: the events go up in POSTs on one, the
    /// answers come down in GETs on the other, and the ack still finds its event.
    @Test func pollingOverTwoConnectionsIsOneSession() throws {
        var c = C()
        c.open(0)
        c.open(1)
        c.send(0, .client, C.request("GET", Self.polling))
        c.send(0, .server, C.response(body: Array(Self.open.utf8)))
        c.send(1, .client, C.request("POST", Self.polling + "&sid=S1", body: Array(#"40{"token":"x"}"#.utf8)))
        c.send(1, .server, C.response(body: Array("ok".utf8)))
        c.send(0, .client, C.request("GET", Self.polling + "&sid=S1"))
        c.send(0, .server, C.response(body: Array(#"40{"sid":"K1"}"#.utf8)))
        c.send(1, .client, C.request("POST", Self.polling + "&sid=S1", body: Array(#"421["chat","hi"]"#.utf8)))
        c.send(1, .server, C.response(body: Array("ok".utf8)))
        c.send(0, .client, C.request("GET", Self.polling + "&sid=S1"))
        c.wait(0.01)
        c.send(0, .server, C.response(body: Array("431[\"ok\"]\u{1E}2".utf8)))
        c.wait(0.08)
        c.send(1, .client, C.request("POST", Self.polling + "&sid=S1", body: Array("3".utf8)))
        c.close(0)
        c.close(1)
        let outcome = try Self.run(c)

        #expect(outcome.engineIO.map(\.packet.type.name) == ["open", "message", "message", "message", "message", "ping", "pong"])
        #expect(outcome.engineIO.allSatisfy { $0.sid == "S1" && $0.transport == .polling })
        let io = outcome.socketIO
        #expect(io.map(\.packet.type.name) == ["CONNECT", "CONNECT", "EVENT", "ACK"])
        #expect(io.map(\.socketID) == [nil, "K1", "K1", "K1"])
        #expect(io[0].packet.data == .object([.init("token", .string("x"))]))
        #expect(io[2].event == "chat" && io[2].args == [.string("hi")] && io[2].packet.ackID == 1)
        let event = try #require(outcome.of("socket.io").first { if case .socketIO(let m) = $0.content { m.event == "chat" } else { false } })
        let ack = try #require(outcome.of("socket.io").last)
        #expect(event.stream == 1 && ack.stream == 0)
        #expect(io[3].rtt == ack.timestamp.seconds(since: event.timestamp))
        #expect(io[3].ackedPacket == event.packets.last)
        #expect((io[3].rtt ?? 0) > 0.01)
        // The pong came 80 ms after the ping, past the 50 ms timeout.
        let pong = try #require(outcome.engineIO.last)
        #expect(pong.sincePing.map { ($0 * 1000).rounded() } == 80)
        #expect(pong.diagnostics.map(\.key) == ["engine.io.heartbeat.late"])
        // Every HTTP message but the handshake GET belongs to the session.
        #expect(outcome.of("http").map(\.session) == [nil] + Array(repeating: "S1", count: 10))
        #expect(outcome.sessions.count == 1)
        let session = try #require(outcome.sessions.first)
        #expect(session.sid == "S1")
        #expect(session.transports.map(\.transport) == [.polling])
        #expect(session.transports.first?.streams == [0, 1])
        #expect(session.namespaces == ["/"] && session.socketIDs == ["/": "K1"])
        #expect(session.clientEvents == 1 && session.serverEvents == 0)
        #expect(session.acks.map(\.id) == [1] && session.heartbeats == 1 && session.missedHeartbeats == 0)
    }

    static func webSocketSession(_ build: (inout SyntheticConnections) -> Void) throws -> Outcome {
        var c = C()
        c.open(0)
        c.send(0, .client, C.upgradeRequest("/chat/?EIO=4&transport=websocket"))
        c.send(0, .server, C.upgradeResponse)
        c.send(0, .server, C.frame(.server, Self.open.replacingOccurrences(of: "S1", with: "S2")))
        c.send(0, .client, C.frame(.client, "40"))
        c.send(0, .server, C.frame(.server, #"40{"sid":"K2"}"#))
        build(&c)
        c.close(0)
        return try Self.run(c)
    }

    /// Bad input becomes a diagnostic on its message; the WebSocket messages beneath stay.
    @Test func badInputIsDiagnosedAndTheLayersBeneathStay() throws {
        let outcome = try Self.webSocketSession { c in
            c.send(0, .client, C.frame(.client, #"42["bad",]"#))
            c.send(0, .client, C.frame(.client, #"451-["up",{"_placeholder":true,"num":0}]"#))
            c.send(0, .client, C.frame(.client, #"42["next"]"#))
            c.send(0, .client, C.frame(.client, opcode: 2, [1, 2]))
            c.send(0, .client, C.frame(.client, opcode: 2, [0x83, 0xA4, 0x74, 0x79]))
            c.send(0, .server, C.frame(.server, #"435["late"]"#))
            c.send(0, .client, C.frame(.client, "7"))
            c.send(0, .client, C.frame(.client, "1"))
            c.send(0, .client, C.frame(.client, #"42["after"]"#))
        }
        #expect(outcome.of("websocket").count == 12) // every data message (the connection ends with FINs)
        #expect(outcome.engineIO.first?.sid == "S2")
        #expect(outcome.keys("engine.io") == [
            [], [], [], ["socket.io.malformed"], [], [], ["socket.io.attachment.unexpected"], ["socket.io.parser.other"], [],
            ["engine.io.type.unknown"], [], ["engine.io.after_close"],
        ])
        #expect(outcome.engineIO[3].diagnostics.first?.message
                == "Not a Socket.IO packet (byte 9): invalid JSON: unexpected character ']'")
        #expect(outcome.socketIO.map(\.packet.type.name) == ["CONNECT", "CONNECT", "BINARY_EVENT", "EVENT", "ACK", "EVENT"])
        #expect(outcome.keys("socket.io") == [[], [], ["socket.io.attachment.missing"], [], ["socket.io.ack.unmatched"], []])
        #expect(outcome.socketIO[2].diagnostics.first?.message == "The packet announced 1 attachments but 0 arrived before the next packet")
        // The same diagnostics are on the packets, beneath the websocket layer.
        let diagnosed = outcome.recording.packets.flatMap { $0.allDiagnostics.map(\.key) }.filter { $0.hasPrefix("engine.io") || $0.hasPrefix("socket.io") }
        #expect(diagnosed == ["socket.io.malformed", "socket.io.attachment.missing", "socket.io.attachment.unexpected",
                              "socket.io.parser.other", "engine.io.type.unknown"])
        #expect(outcome.sessions.first?.ended == "close packet from client")
    }

    /// Copies further from the group's first than the window start no chain: the third copy,
    /// 70 ms after the first, is an event of its own, even after the first was let go.
    @Test func aBroadcastWindowCountsFromTheFirstCopy() throws {
        var c = C()
        for index in 0..<4 {
            c.open(index)
            c.send(index, .client, C.upgradeRequest("/socket.io/?EIO=4&transport=websocket"))
            c.send(index, .server, C.upgradeResponse)
            c.send(index, .server, C.frame(.server, Self.open.replacingOccurrences(of: "S1", with: "B\(index)")))
        }
        c.wait(1)
        c.send(0, .server, C.frame(.server, #"42["tick",1]"#))
        c.wait(0.03)
        c.send(1, .server, C.frame(.server, #"42["tick",1]"#))
        c.wait(0.03)
        c.send(3, .server, C.frame(.server, #"42["other"]"#)) // moves the clock past the first copy's window
        c.wait(0.01)
        c.send(2, .server, C.frame(.server, #"42["tick",1]"#))
        for index in 0..<4 { c.close(index) }
        let outcome = try Self.run(c)
        let ticks = outcome.socketIO.filter { $0.event == "tick" }
        #expect(ticks.map { $0.broadcast?.id } == [1, 1, nil])
        #expect(ticks.first?.broadcast?.copies == 2)
    }

    /// Thousands of copies flowing through the delay line (its batches of released entries
    /// dropped along the way): each comes out once, in order, and every group spans at most the
    /// window from its first copy, with its size on each copy.
    @Test func manyCopiesThroughTheDelayLine() throws {
        let recording = try PipelineRecording.record(try SampleStreams.packets("socketio-broadcast.pcapng"))
        let announce = try #require(recording.messages.first { message in
            if case .socketIO(let io) = message.content { io.event == "announce" } else { false }
        })
        var line = BroadcastDelayLine<SessionStage.Item>(window: 0.05)
        var released: [SessionStage.Item] = []
        for index in 0..<3000 {
            var copy = announce
            copy.stream = index
            copy.timestamp = Timestamp(seconds: 1000, nanoseconds: UInt32(index) * 100_000)
            line.add(SessionStage.Item(message: copy, prepared: nil, changed: false), at: copy.timestamp, stream: index,
                     key: "announce", owner: "s\(index % 50)")
            line.release(at: copy.timestamp, all: false, into: &released)
        }
        line.release(at: nil, all: true, into: &released)
        let out = released.map(\.message)
        #expect(out.map(\.stream) == Array(0..<3000))
        let copies = out.compactMap { message -> (ApplicationMessage, Broadcast)? in
            if case .socketIO(let io) = message.content, let broadcast = io.broadcast { (message, broadcast) } else { nil }
        }
        #expect(copies.count == 3000)
        let groups = Dictionary(grouping: copies, by: { $0.1.id })
        for (_, members) in groups {
            let times = members.map(\.0.timestamp)
            #expect(times.last!.seconds(since: times.first!) <= 0.05)
            #expect(members.allSatisfy { $0.1.copies == members.count && $0.1.streams == members.map(\.0.stream) })
            #expect(members.map(\.1.index) == Array(0..<members.count))
            #expect(members.count <= 50) // one copy per session
        }
    }

    /// A crafted attachment count is not waited for; a long v3 payload of tiny packets is split
    /// in one pass.
    @Test func hostileCountsStayBounded() throws {
        let outcome = try Self.webSocketSession { c in
            c.send(0, .client, C.frame(.client, #"4599999999-["up",{"_placeholder":true,"num":0}]"#))
            c.send(0, .client, C.frame(.client, opcode: 2, [1]))
        }
        #expect(outcome.keys("socket.io").last == ["socket.io.attachment.limit"])
        #expect(outcome.keys("engine.io").last == ["socket.io.attachment.unexpected"])
        // A negative placeholder number, a ping interval that would overflow a sum, a body of a
        // million empty packets: diagnostics, no trap, a bounded number of them.
        var c = C()
        c.open(0)
        c.send(0, .client, C.request("GET", Self.polling))
        c.send(0, .server, C.response(body: Array(#"0{"sid":"H","pingInterval":9223372036854775807,"pingTimeout":1}"#.utf8)))
        c.send(0, .client, C.request("POST", Self.polling + "&sid=H", body: Array(#"450-["e",{"_placeholder":true,"num":-1}]"#.utf8)))
        c.send(0, .server, C.response(body: Array("ok".utf8)))
        c.send(0, .client, C.request("GET", Self.polling + "&sid=H"))
        c.send(0, .server, C.response(body: Array(repeating: 0x1E, count: 999_999))) // under the payload limit
        c.close(0)
        let hostile = try Self.run(c)
        #expect(hostile.socketIO.map(\.packet.type.name) == ["BINARY_EVENT"])
        #expect(JSONValue.arrayText(hostile.socketIO.first?.args ?? []) == #"[{"_placeholder":true,"num":-1}]"#)
        #expect(hostile.engineIO.first?.handshake?.pingInterval == nil)
        let flooded = try #require(hostile.of("http").last)
        #expect(flooded.diagnostics.count == EngineIODecoder.problemsShown)
        #expect(flooded.diagnostics.last?.message.hasSuffix("more like it in this payload)") == true)
        var parser = EngineIOPayloadParser(version: .v3)
        let body = Array(String(repeating: "1:6", count: 200_000).utf8)
        let items = parser.feed(body) + parser.finish()
        #expect(items.count == 200_000)
        #expect(items.allSatisfy { (try? $0.get().type) == .noop })
    }

    @Test func attachmentsArePutBackAcrossFrames() throws {
        let outcome = try Self.webSocketSession { c in
            c.send(0, .client, C.frame(.client, #"452-3["up",{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]"#))
            c.send(0, .client, C.frame(.client, opcode: 2, [1, 2, 3]))
            c.send(0, .client, C.frame(.client, opcode: 2, [0xFF]))
            c.send(0, .server, C.frame(.server, #"461-3[{"_placeholder":true,"num":0}]"#))
            c.send(0, .server, C.frame(.server, opcode: 2, [9]))
        }
        let io = outcome.socketIO
        #expect(io.map(\.packet.type.name) == ["CONNECT", "CONNECT", "BINARY_EVENT", "BINARY_ACK"])
        #expect(JSONValue.arrayText(io[2].args ?? []) == #"[{"_binary_base64":"/w=="},{"_binary_base64":"AQID"}]"#)
        #expect(JSONValue.arrayText(io[3].args ?? []) == #"[{"_binary_base64":"CQ=="}]"#)
        #expect(io[3].rtt != nil && io.allSatisfy { $0.diagnostics.isEmpty })
        let event = try #require(outcome.of("socket.io").dropFirst(2).first)
        #expect(event.packets.count == 3) // the event's frame and both attachments
    }

    /// Engine.IO v3: length-prefixed polling payloads; a wrong prefix breaks the payload.
    @Test func version3PollingAndABrokenLengthPrefix() throws {
        var c = C()
        c.open(0)
        let open = #"0{"sid":"V3","upgrades":[],"pingInterval":25000,"pingTimeout":5000}"#
        c.send(0, .client, C.request("GET", "/io/?EIO=3&transport=polling&t=1"))
        c.send(0, .server, C.response(body: Array("\(open.count):\(open)2:40".utf8)))
        c.send(0, .client, C.request("GET", "/io/?EIO=3&transport=polling&sid=V3"))
        c.send(0, .server, C.response(body: Array("15:42[\"news\",\"hé\"]9:42[\"cut\"".utf8)))
        c.close(0)
        let outcome = try Self.run(c)
        #expect(outcome.engineIO.map(\.packet.type.name) == ["open", "message", "message"])
        #expect(outcome.engineIO.allSatisfy { $0.version == .v3 })
        #expect(outcome.socketIO.map(\.packet.type.name) == ["CONNECT", "EVENT"])
        #expect(outcome.socketIO.map(\.socketID) == ["V3", "V3"]) // v4 protocol: the Engine.IO sid in "/"
        #expect(outcome.socketIO.last?.args == [.string("hé")])
        let responses = outcome.of("http").filter { $0.direction == .server }
        #expect(responses.map { $0.diagnostics.map(\.key) } == [[], ["engine.io.payload.framing"]])
        #expect(responses.last?.diagnostics.first?.message
                == "The long-polling payload's framing is broken at byte 19: the length prefix says 9 characters but the payload ends first; the rest of the payload is skipped")
    }

    @Test func aRefusedRequestIsATransportError() throws {
        var c = C()
        c.open(0)
        c.send(0, .client, C.request("POST", Self.polling + "&sid=gone", body: Array("42[\"x\"]".utf8)))
        c.send(0, .server, C.response(400, body: Array(#"{"code":1,"message":"Session ID unknown"}"#.utf8)))
        c.close(0)
        let outcome = try Self.run(c)
        let response = try #require(outcome.of("http").last)
        #expect(response.diagnostics.map(\.message) == [#"The server refused the Engine.IO request: 400 {"code":1,"message":"Session ID unknown"}"#])
        #expect(response.session == "gone")
    }

    /// One server event to three sessions within a few milliseconds is one broadcast.
    @Test func aRoomBroadcastIsFoundAcrossSessions() throws {
        var c = C()
        for index in 0..<3 {
            c.open(index)
            c.send(index, .client, C.upgradeRequest("/socket.io/?EIO=4&transport=websocket"))
            c.send(index, .server, C.upgradeResponse)
            c.send(index, .server, C.frame(.server, Self.open.replacingOccurrences(of: "S1", with: "B\(index)")))
        }
        c.wait(1)
        for index in 0..<3 { c.send(index, .server, C.frame(.server, #"42["announce",{"x":1}]"#)) }
        c.wait(1)
        c.send(1, .server, C.frame(.server, #"42["announce",{"x":1}]"#))
        for index in 0..<3 { c.close(index) }
        let outcome = try Self.run(c)
        let broadcasts = outcome.socketIO.map(\.broadcast)
        #expect(broadcasts.count == 4)
        #expect(broadcasts.prefix(3).map { $0?.id } == [1, 1, 1])
        #expect(broadcasts.prefix(3).map { $0?.index } == [0, 1, 2])
        #expect(broadcasts[0]?.copies == 3 && broadcasts[0]?.streams == [0, 1, 2])
        #expect(broadcasts[3] == nil) // a second later, to one session: an ordinary event
        #expect(outcome.sessions.map(\.broadcasts) == [[1], [1], [1]])
    }
}
