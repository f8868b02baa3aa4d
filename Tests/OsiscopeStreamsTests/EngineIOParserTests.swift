import Foundation
import OsiscopeTestSupport
import Testing
@testable import OsiscopeStreams

/// The JSON values Socket.IO carries (RFC 8259), kept as written.
@Suite struct JSONParserTests {
    @Test func valuesKeepTheirTextAndOrder() throws {
        let value = try JSONParser.parse(Array(#" ["chat", -2.50e3, {"b":1,"a":[true,false,null]}, "\u00e9\ud83c\udf89\n"] "#.utf8)).get()
        #expect(value == .array([.string("chat"), .number("-2.50e3"),
                                 .object([.init("b", .number("1")), .init("a", .array([.bool(true), .bool(false), .null]))]),
                                 .string("é🎉\n")]))
        #expect(value.text == #"["chat",-2.50e3,{"b":1,"a":[true,false,null]},"é🎉\n"]"#)
    }

    @Test(arguments: [
        (#"[1,]"#, 3, "unexpected character ']'"),
        (#"{"a" 1}"#, 5, "expected ':' after an object key"),
        (#"[01]"#, 2, "expected ',' or ']' in an array"),
        ("\"tab\there\"", 4, "a control character inside a string must be escaped"),
        (#"[1] x"#, 4, "text after the JSON value"),
        (#"[1.]"#, 3, "a digit must follow the decimal point"),
        (#""\x""#, 3, #"unknown escape '\x'"#),
        ("", 0, "the text ends where a value should be"),
    ])
    func errorsSayWhere(text: String, offset: Int, reason: String) {
        #expect(JSONParser.parse(Array(text.utf8)) == .failure(JSONSyntaxError(offset: offset, reason: reason)))
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000)
        guard case .failure(let error) = JSONParser.parse(deep) else { Issue.record("parsed"); return }
        #expect(error.offset == JSONParser.maximumDepth)
        #expect(error.reason == "nested more than 256 levels deep")
    }

    @Test func aLoneSurrogateBecomesTheReplacementCharacter() throws {
        #expect(try JSONParser.parse(Array(#""a\ud800b""#.utf8)).get() == .string("a\u{FFFD}b"))
    }
}

/// Long-polling payloads (Engine.IO protocol v4 §"Payload", v3 "Payload encoding"), fed whole,
/// byte by byte and in random splits: the packets must not depend on how the bytes arrived.
@Suite struct EngineIOPayloadParserTests {
    static func parse(_ bytes: [UInt8], _ version: EngineIOVersion) -> [EngineIOPayloadParser.Item] {
        var results: [[EngineIOPayloadParser.Item]] = []
        var splits: [[Int]] = [[bytes.count], Array(repeating: 1, count: bytes.count)]
        var random = SplitMix64(seed: 7)
        for _ in 0..<6 {
            var cuts: [Int] = [], left = bytes.count
            while left > 0 {
                let take = min(left, 1 + Int(random.next() % 7))
                cuts.append(take)
                left -= take
            }
            splits.append(cuts)
        }
        for cuts in splits {
            var parser = EngineIOPayloadParser(version: version)
            var items: [EngineIOPayloadParser.Item] = []
            var at = 0
            for cut in cuts where cut > 0 {
                items += parser.feed(bytes[at..<(at + cut)])
                at += cut
            }
            items += parser.finish()
            results.append(items)
        }
        for other in results.dropFirst() { #expect(other == results[0]) }
        return results[0]
    }

    static func summary(_ items: [EngineIOPayloadParser.Item]) -> [String] {
        items.map { item in
            switch item {
            case .success(let packet):
                let data = packet.isBinary ? packet.data.map { String(format: "%02x", $0) }.joined() : String(decoding: packet.data, as: UTF8.self)
                return "\(packet.type.name)\(packet.isBinary ? " binary" : "")\(packet.base64 ? " base64" : "") \(data) @\(packet.range)"
            case .failure(let error): return "error @\(error.offset)\(error.framing ? " framing" : ""): \(error.reason)"
            }
        }
    }

    /// v4: the record separator 0x1E between packets; binary as "b" + base64.
    @Test func version4SeparatesWithTheRecordSeparator() {
        let body = Array("4hello\u{1E}2\u{1E}bAQID\u{1E}6".utf8)
        #expect(Self.summary(Self.parse(body, .v4)) == [
            "message hello @0..<6", "ping  @7..<8", "message binary base64 010203 @9..<14", "noop  @15..<16",
        ])
    }

    @Test func version4OpenPacketAlone() {
        let body = Array(#"0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#.utf8)
        #expect(Self.summary(Self.parse(body, .v4)) == [#"open {"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000} @0..<\#(body.count)"#])
    }

    /// v3: "len:packet", the length in characters; JavaScript counts UTF-16 units, Python code points.
    @Test func version3CountsCharacters() {
        #expect(Self.summary(Self.parse(Array("6:4hello2:40".utf8), .v3)) == ["message hello @2..<8", "message 0 @10..<12"])
        // "é" is one character (two bytes); "🎉" is two UTF-16 units (four bytes), one code point.
        #expect(Self.summary(Self.parse(Array("3:4é!4:4🎉!".utf8), .v3)) == ["message é! @2..<6", "message 🎉! @8..<14"])
        #expect(Self.summary(Self.parse(Array("3:4🎉!1:6".utf8), .v3)) == ["message 🎉! @2..<8", "noop  @10..<11"])
    }

    @Test func version3Base64CarriesItsType() {
        #expect(Self.summary(Self.parse(Array("6:b4AQID".utf8), .v3)) == ["message binary base64 010203 @2..<8"])
    }

    /// v3 binary payload: 0 (text) or 1 (binary), the length one byte per digit, 0xFF, the packet.
    @Test func version3BinaryForm() {
        let body: [UInt8] = [0x00, 0x06, 0xFF] + Array("4hello".utf8) + [0x01, 0x04, 0xFF, 0x04, 0x01, 0x02, 0x03]
        // A binary packet's range is its data, after the type byte (4 at 12).
        #expect(Self.summary(Self.parse(body, .v3)) == ["message hello @3..<9", "message binary 010203 @13..<16"])
    }

    @Test func brokenFramingIsReportedAndTheRestSkipped() {
        #expect(Self.summary(Self.parse(Array("6:4hello9:4cut".utf8), .v3))
            == ["message hello @2..<8", "error @8 framing: the length prefix says 9 characters but the payload ends first"])
        #expect(Self.summary(Self.parse(Array("x:4hello".utf8), .v3))
            == ["error @0 framing: a v3 packet must start with its length and ':'"])
        #expect(Self.summary(Self.parse(Array("4a\u{1E}\u{1E}4b".utf8), .v4))
            == ["message a @0..<2", "error @3: an empty packet", "message b @4..<6"])
        #expect(Self.summary(Self.parse(Array("bnot*base64".utf8), .v4)) == ["error @1: the 'b' packet's data is not base64"])
        #expect(Self.summary(Self.parse(Array("x".utf8), .v4)) == ["error @0: a packet starts with its type digit, not 'x'"])
        #expect(Self.summary(Self.parse([], .v4)) == ["error @0: an empty payload"])
    }
}

/// Socket.IO packets (socket.io-protocol v5; v4 where it differs), each type.
@Suite struct SocketIOPacketTests {
    static func parse(_ text: String) -> SocketIOPacket? { try? SocketIOPacket.parse(Array(text.utf8)).get() }

    @Test func everyType() throws {
        #expect(Self.parse("0") == SocketIOPacket(type: .connect))
        #expect(Self.parse(#"0/admin,{"token":"s3cret"}"#)
            == SocketIOPacket(type: .connect, namespace: "/admin", data: .object([.init("token", .string("s3cret"))])))
        #expect(Self.parse("1/admin,") == SocketIOPacket(type: .disconnect, namespace: "/admin"))
        let event = try #require(Self.parse(#"2/admin,13["chat","hi",{"n":1}]"#))
        #expect(event.type == .event && event.namespace == "/admin" && event.ackID == 13)
        let message = SocketIOMessage(packet: event, engineVersion: .v4, transport: .polling, session: nil)
        #expect(message.event == "chat")
        #expect(message.args == [.string("hi"), .object([.init("n", .number("1"))])])
        let ack = try #require(Self.parse(#"313["ok"]"#))
        #expect(ack.type == .ack && ack.ackID == 13 && ack.namespace == "/")
        #expect(SocketIOMessage(packet: ack, engineVersion: .v4, transport: .polling, session: nil).args == [.string("ok")])
        #expect(Self.parse(#"4{"message":"not allowed"}"#)?.data?["message"] == .string("not allowed"))
        #expect(Self.parse(#"4"not allowed""#)?.data == .string("not allowed")) // v4
        let binary = try #require(Self.parse(#"52-/up,7["upload",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#))
        #expect(binary.type == .binaryEvent && binary.attachments == 2 && binary.namespace == "/up" && binary.ackID == 7)
        #expect(Self.parse(#"61-9[{"_placeholder":true,"num":0}]"#)
            == SocketIOPacket(type: .binaryAck, attachments: 1, ackID: 9,
                              data: .array([.object([.init("_placeholder", .bool(true)), .init("num", .number("0"))])])))
        #expect(Self.parse("0/chat?token=abc,")?.namespaceQuery == "token=abc") // v4 clients
        #expect(Self.parse("9")?.type == .unknown(9))
    }

    @Test func badPacketsSayWhere() {
        #expect(SocketIOPacket.parse(Array(#"2["chat",]"#.utf8))
            == .failure(SocketIOParseError(offset: 9, reason: "invalid JSON: unexpected character ']'")))
        #expect(SocketIOPacket.parse(Array("5[]".utf8))
            == .failure(SocketIOParseError(offset: 1, reason: "a binary packet gives its number of attachments and '-' after its type")))
        #expect(SocketIOPacket.parse(Array("x".utf8)) == .failure(SocketIOParseError(offset: 0, reason: "a Socket.IO packet starts with its type digit")))
    }

    @Test func attachmentsGoWhereTheirPlaceholdersAre() throws {
        let packet = try #require(Self.parse(#"52-["upload",{"a":{"_placeholder":true,"num":1}},{"_placeholder":true,"num":0},{"_placeholder":true,"num":5}]"#))
        var missing: [Int] = []
        let filled = SocketIOPacket.fill(try #require(packet.data), with: [[1, 2, 3], [0xFF]], missing: &missing)
        #expect(filled.text == #"["upload",{"a":{"_binary_base64":"/w=="}},{"_binary_base64":"AQID"},{"_placeholder":true,"num":5}]"#)
        #expect(missing == [5])
    }
}
