import Foundation
import Testing
import OsiscopeTestSupport

/// The recorded Socket.IO samples through the commands a developer runs, checked against what
/// the recording's peers logged and sent (`Samples/NAME.expected.json`, made by
/// `verify.py socketio-truth`): every event with its namespace, arguments (attachments in
/// place), ack id, connection and packets; every ack paired with its event; one session per
/// Engine.IO sid however many connections carried it; the room broadcast as one.
@Suite struct SocketIOSampleTests {
    static let samples = ["socketio-polling", "socketio-websocket", "socketio-broadcast", "socketio-v3", "socketio-browser"]

    typealias Object = [String: Any]

    static func expected(_ sample: String) throws -> Object {
        let data = try Data(contentsOf: CommandRunner.root.appendingPathComponent("Samples/\(sample).expected.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? Object)
    }

    static func lines(_ arguments: [String]) throws -> [Object] {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.errors)")
        return try result.output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? Object)
        }
    }

    /// The expected file writes attachments as hex; osiscope as base64, as the contract says.
    static func withBase64(_ value: Any?) -> Any {
        switch value {
        case let object as Object:
            if let hex = object["_binary_hex"] as? String, object.count == 1 {
                var bytes: [UInt8] = []
                var index = hex.startIndex
                while index < hex.endIndex {
                    let next = hex.index(index, offsetBy: 2)
                    bytes.append(UInt8(hex[index..<next], radix: 16)!)
                    index = next
                }
                return ["_binary_base64": Data(bytes).base64EncodedString()]
            }
            return object.mapValues { withBase64($0) }
        case let array as [Any]: return array.map { withBase64($0) }
        case nil: return NSNull()
        case let other?: return other
        }
    }

    static func same(_ a: Any?, _ b: Any?) -> Bool {
        NSArray(array: [a ?? NSNull()]).isEqual(to: [b ?? NSNull()])
    }

    @Test(arguments: samples)
    func everyEventIsWhatThePeersSent(sample: String) throws {
        let file = try Self.expected(sample)
        let events = try #require(file["events"] as? [Object])
        let ours = try Self.lines(["messages", "Samples/\(sample).pcapng", "--json", "--protocol", "socket.io"])
        #expect(ours.count == events.count, "\(sample): Socket.IO packets")
        for (index, (mine, entry)) in zip(ours, events).enumerated() {
            let name = "\(sample) event \(index + 1) (packet \(entry["packet"] ?? "?"))"
            for key in ["from", "namespace", "type", "stream", "packets", "transport"] {
                #expect(Self.same(mine[key], entry[key]), "\(name): \(key) \(mine[key] ?? "nil") ≠ \(entry[key] ?? "nil")")
            }
            let type = entry["type"] as? String ?? ""
            #expect(Self.same(mine["event"], entry["event"]), "\(name): event")
            #expect(Self.same(mine["ack_id"], entry["ack_id"]), "\(name): ack id")
            #expect(Self.same(mine["session"], entry["eio_sid"]), "\(name): session")
            // A client's CONNECT goes out before the server has named the socket.
            let known = type == "CONNECT" && entry["from"] as? String == "client" ? nil : entry["sid"]
            #expect(Self.same(mine["sid"], known), "\(name): socket id")
            let payloadKey = type.contains("EVENT") || type.contains("ACK") ? "args" : "data"
            #expect(Self.same(mine[payloadKey], Self.withBase64(entry["args"])), "\(name): \(payloadKey) \(mine[payloadKey] ?? "nil")")
            if (entry["attachments"] as? Int ?? 0) > 0 { #expect(Self.same(mine["attachments"], entry["attachments"]), "\(name): attachments") }
        }
    }

    /// Each ACK names the packet of the event it answers, and its rtt is the time between them.
    @Test(arguments: samples)
    func everyAckFindsItsEvent(sample: String) throws {
        let file = try Self.expected(sample)
        let events = try #require(file["events"] as? [Object])
        let ours = try Self.lines(["messages", "Samples/\(sample).pcapng", "--json", "--protocol", "socket.io"])
        var acks = 0
        for (index, (mine, entry)) in zip(ours, events).enumerated() where entry["ack_of"] is String {
            acks += 1
            // The event it answers: the last one before it of that name, from the other side, in its session.
            let event = try #require(Array(zip(ours, events)).prefix(index).last { pair in
                pair.1["event"] as? String == entry["ack_of"] as? String && pair.1["from"] as? String != entry["from"] as? String
                    && pair.1["eio_sid"] as? String == entry["eio_sid"] as? String && Self.same(pair.1["ack_id"], entry["ack_id"])
            }, "\(sample): the event ack \(index + 1) answers")
            #expect(Self.same(mine["event_packet"], (event.0["packets"] as? [Int])?.last), "\(sample) ack \(index + 1): event packet")
            let rtt = try #require(mine["rtt"] as? Double, "\(sample) ack \(index + 1): rtt")
            let seconds = try #require(Double(mine["timestamp"] as? String ?? "")) - (try #require(Double(event.0["timestamp"] as? String ?? "")))
            #expect(abs(rtt - seconds) < 0.000_001, "\(sample) ack \(index + 1): rtt \(rtt) vs \(seconds)")
        }
        #expect(acks >= 3, "\(sample): the samples ack in both directions")
    }

    @Test(arguments: samples)
    func oneSessionPerSid(sample: String) throws {
        let file = try Self.expected(sample)
        let expected = try #require(file["sessions"] as? [Object])
        let events = try #require(file["events"] as? [Object])
        let ours = try Self.lines(["sessions", "Samples/\(sample).pcapng", "--json"])
        let sids = expected.compactMap { $0["eio_sid"] as? String }
        #expect(Set(ours.compactMap { $0["sid"] as? String }) == Set(sids), "\(sample): sessions")
        #expect(ours.count == sids.count)
        for session in expected {
            let sid = try #require(session["eio_sid"] as? String)
            let mine = try #require(ours.first { $0["sid"] as? String == sid }, "\(sample) \(sid)")
            let transports = (mine["transports"] as? [Object]) ?? []
            #expect(Set(transports.compactMap { $0["transport"] as? String }) == Set(session["transports"] as? [String] ?? []),
                    "\(sample) \(sid): transports")
            let streams = Set(transports.flatMap { $0["streams"] as? [Int] ?? [] })
            #expect(streams == Set(session["tcp_streams"] as? [Int] ?? []), "\(sample) \(sid): connections")
            let namespaces = session["namespaces"] as? [String: String] ?? [:]
            #expect(Self.same(mine["socket_ids"], namespaces), "\(sample) \(sid): socket ids")
            let refused = (session["refused_namespaces"] as? Object)?.keys.sorted() ?? []
            #expect(((mine["refused"] as? [Object]) ?? []).compactMap { $0["namespace"] as? String } == refused, "\(sample) \(sid): refused")
            let mineEvents = mine["events"] as? Object
            for side in ["client", "server"] {
                let count = events.filter { $0["eio_sid"] as? String == sid && $0["from"] as? String == side
                    && ($0["type"] as? String ?? "").hasSuffix("EVENT") }.count
                #expect(Self.same(mineEvents?[side], count), "\(sample) \(sid): \(side) events")
            }
            let acks = events.filter { $0["eio_sid"] as? String == sid && $0["ack_of"] is String }.count
            #expect(Self.same(mine["ack_count"], acks), "\(sample) \(sid): acks")
            let heartbeats = (file["heartbeats"] as? [Object] ?? []).filter { $0["eio_sid"] as? String == sid }.count
            #expect(Self.same(mine["heartbeats"], heartbeats), "\(sample) \(sid): heartbeats")
            #expect(Self.same(mine["missed_heartbeats"], 0) && Self.same(mine["unanswered_acks"], 0), "\(sample) \(sid)")
        }
    }

    /// One room emit reached three sessions within a fraction of a millisecond: one broadcast,
    /// its copies in messages, shown once in the list; the event to one client is not one.
    @Test func theRoomEmitIsOneBroadcast() throws {
        let file = try Self.expected("socketio-broadcast")
        let broadcast = try #require((file["broadcast"] as? [Object])?.first)
        let recipients = try #require(broadcast["recipients"] as? [Object])
        let ours = try Self.lines(["messages", "Samples/socketio-broadcast.pcapng", "--json", "--protocol", "socket.io"])
        let copies = ours.filter { $0["broadcast"] != nil }
        #expect(copies.map { $0["event"] as? String } == Array(repeating: broadcast["event"] as? String, count: recipients.count))
        #expect(copies.map { $0["stream"] as? Int } == recipients.map { $0["stream"] as? Int })
        #expect(copies.map { $0["session"] as? String } == recipients.map { $0["eio_sid"] as? String })
        #expect(copies.allSatisfy { $0["broadcast"] as? Int == 1 && $0["broadcast_copies"] as? Int == recipients.count })
        #expect(ours.filter { $0["event"] as? String == "whisper" }.allSatisfy { $0["broadcast"] == nil })
        let list = try CommandRunner.run(["messages", "Samples/socketio-broadcast.pcapng", "--protocol", "socket.io"]).output
        let shown = list.split(separator: "\n").filter { $0.contains("\"announce\"") }
        #expect(shown.count == 1)
        #expect(shown.first?.contains("broadcast to 3 sockets (#0 #2 #3)") == true)
        let sessions = try Self.lines(["sessions", "Samples/socketio-broadcast.pcapng", "--json"])
        #expect(sessions.map { ($0["broadcasts"] as? [Int]) ?? [] } == [[1], [1], [1]])
    }

    /// `follow --session` tells one session across its connections, in time order.
    @Test func followASessionAcrossItsConnections() throws {
        let result = try CommandRunner.run(["follow", "Samples/socketio-polling.pcapng", "--session", "Y5sDZ-xFXolJ63EFAAAA"])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n")
        #expect(Set(lines.compactMap { $0.split(separator: " ").first { $0.hasPrefix("#") } }) == ["#0", "#1"])
        let events = try #require(try Self.expected("socketio-polling")["events"] as? [Object])
        #expect(lines.filter { $0.contains("  Socket.IO ") }.count == events.count)
        #expect(!lines.contains { $0.contains("Engine.IO message") }) // said by the Socket.IO lines
        #expect(lines.first?.contains("Engine.IO open sid Y5sDZ-xFXolJ63EFAAAA") == true || lines.first?.contains("HTTP/1.1 200 OK") == true)
        let missing = try CommandRunner.run(["follow", "Samples/socketio-polling.pcapng", "--session", "nope"])
        #expect(missing.status == 64)
        #expect(missing.errors.contains("no session nope"))
    }
}
