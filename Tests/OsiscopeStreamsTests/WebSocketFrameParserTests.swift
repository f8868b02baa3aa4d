import OsiscopeWire
import OsiscopeTestSupport
import Testing
@testable import OsiscopeStreams

/// Frame parsing (RFC 6455 §5.2), with the RFC's own examples from §5.7. Every input is fed
/// whole, byte by byte and in random splits, and must give the same frames.
struct WebSocketFrameParserTests {
    /// §5.7: "A single-frame unmasked text message (contains "Hello")".
    static let helloUnmasked: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
    /// §5.7: "A single-frame masked text message (contains "Hello")", key 37 fa 21 3d.
    static let helloMasked: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
    /// §5.7: "A fragmented unmasked text message": "Hel" then "lo".
    static let helFragment: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6C]
    static let loFragment: [UInt8] = [0x80, 0x02, 0x6C, 0x6F]
    /// §5.7: "Unmasked Ping request and masked Ping response" (the response is a pong).
    static let pingUnmasked: [UInt8] = [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
    static let pongMasked: [UInt8] = [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]

    @Test func unmaskedHello() throws {
        let run = decodeEverySplit([.bytes(Self.helloUnmasked)], direction: .server)
        let frame = try #require(run.frames.first)
        #expect(run.frames.count == 1)
        #expect(frame.fin && !frame.rsv1 && !frame.rsv2 && !frame.rsv3)
        #expect(frame.opcode == .text)
        #expect(!frame.masked && frame.maskingKey == nil)
        #expect(frame.payloadLengthField == 5)
        #expect(frame.extendedLength16 == nil && frame.extendedLength64 == nil)
        #expect(frame.payloadLength == 5)
        #expect(frame.headerRange == 0..<2)
        #expect(frame.payloadRange == 2..<7)
        #expect(frame.payload == utf8("Hello"))
        #expect(frame.isPayloadComplete)
        #expect(run.messages.map(\.text) == ["Hello"])
        #expect(run.allDiagnosticKeys.isEmpty)
    }

    @Test func maskedHello() throws {
        let run = decodeEverySplit([.bytes(Self.helloMasked)], direction: .client, startOffset: 1000)
        let frame = try #require(run.frames.first)
        #expect(frame.masked)
        #expect(frame.maskingKey == [0x37, 0xFA, 0x21, 0x3D])
        #expect(frame.maskingKeyValue == 0x37FA_213D)
        #expect(frame.headerRange == 1000..<1006)
        #expect(frame.payloadRange == 1006..<1011)
        #expect(frame.headerLength == 6)
        #expect(frame.payload == utf8("Hello"))
        #expect(run.messages.first?.streamRange == 1000..<1011)
        #expect(run.allDiagnosticKeys.isEmpty)
    }

    @Test func fragmentedHello() throws {
        let run = decodeEverySplit([.bytes(Self.helFragment + Self.loFragment)], direction: .server)
        #expect(run.frames.map(\.fin) == [false, true])
        #expect(run.frames.map(\.opcode) == [.text, .continuation])
        #expect(run.frames.map(\.payload) == [utf8("Hel"), utf8("lo")])
        let message = try #require(run.messages.first)
        #expect(run.messages.count == 1)
        #expect(message.opcode == .text)
        #expect(message.frameCount == 2)
        #expect(message.text == "Hello")
        #expect(message.frameRanges == [0..<5, 5..<9])
        #expect(message.streamRange == 0..<9)
        #expect(message.headerBytes == 4)
        #expect(run.allDiagnosticKeys.isEmpty)
    }

    @Test func pingAndPong() {
        let ping = decodeEverySplit([.bytes(Self.pingUnmasked)], direction: .server)
        #expect(ping.messages.map(\.opcode) == [.ping])
        #expect(ping.messages.first?.text == "Hello")
        let pong = decodeEverySplit([.bytes(Self.pongMasked)], direction: .client)
        #expect(pong.messages.map(\.opcode) == [.pong])
        #expect(pong.messages.first?.payload == utf8("Hello"))
        #expect(ping.allDiagnosticKeys.isEmpty && pong.allDiagnosticKeys.isEmpty)
    }

    /// §5.7: "256 bytes binary message in a single unmasked frame": 0x82 0x7E 0x0100 [256 bytes].
    @Test func sixteenBitLength() throws {
        let payload = (0..<256).map { UInt8($0 & 0xFF) }
        let bytes: [UInt8] = [0x82, 0x7E, 0x01, 0x00] + payload
        #expect(wsFrame(opcode: 2, payload: payload) == bytes)
        let run = decodeEverySplit([.bytes(bytes)], direction: .server)
        let frame = try #require(run.frames.first)
        #expect(frame.opcode == .binary)
        #expect(frame.payloadLengthField == 126)
        #expect(frame.extendedLength16 == 256)
        #expect(frame.payloadLength == 256)
        #expect(frame.headerRange == 0..<4)
        #expect(frame.payload == payload)
        #expect(run.messages.first?.opcode == .binary)
        #expect(run.allDiagnosticKeys.isEmpty)
    }

    /// §5.7: "64KiB binary message in a single unmasked frame":
    /// 0x82 0x7F 0x0000000000010000 [65536 bytes].
    @Test func sixtyFourBitLength() throws {
        var generator = SplitMix64(seed: 7)
        let payload = (0..<65536).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let bytes: [UInt8] = [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0] + payload
        #expect(wsFrame(opcode: 2, payload: payload) == bytes)
        let reference = parseFrames(bytes, direction: .server)
        for (name, chunks) in [("byte by byte", Array(repeating: 1, count: bytes.count)),
                               ("random", Splits.random(bytes.count, seed: 5))] {
            let split = parseFrames(bytes, direction: .server, chunks: chunks)
            #expect(split.0 == reference.0, "\(name)")
        }
        let frame = try #require(reference.0.first)
        #expect(frame.payloadLengthField == 127)
        #expect(frame.extendedLength64 == 65536)
        #expect(frame.headerRange == 0..<10)
        #expect(frame.payloadRange == 10..<65546)
        #expect(frame.payload == payload)
    }

    /// A masked 64 KiB frame: the masking key's position carries over every split.
    @Test func maskedBigFrame() throws {
        let payload = (0..<70000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let bytes = wsFrame(opcode: 2, mask: [0xDE, 0xAD, 0xBE, 0xEF], payload: payload)
        for chunks in [nil, Splits.random(bytes.count, seed: 11), Splits.random(bytes.count, seed: 12)] {
            let (frames, diagnostics) = parseFrames(bytes, direction: .client, chunks: chunks)
            #expect(frames.count == 1)
            #expect(frames.first?.payload == payload)
            #expect(diagnostics.isEmpty)
        }
    }

    @Test func everyOpcodeParsesAndReservedOnesAreKept() {
        for value in UInt8(0)...15 {
            let opcode = WebSocketOpcode(rawValue: value)
            #expect(opcode.rawValue == value)
            let reserved = [3, 4, 5, 6, 7, 11, 12, 13, 14, 15].contains(value)
            #expect(opcode.isReserved == reserved)
            #expect(opcode.isControl == (value >= 8))
            let (frames, _) = parseFrames(wsFrame(opcode: value, payload: [1, 2]), direction: .server)
            #expect(frames.first?.opcode == opcode)
        }
        #expect(WebSocketOpcode(rawValue: 0xF3) == .reserved(3))
        #expect(WebSocketOpcode.reserved(0xB).name == "reserved(0xB)")
        #expect(WebSocketOpcode.pong.name == "pong")
    }

    @Test func rsvBitsAreRead() throws {
        let (frames, _) = parseFrames(wsFrame(rsv1: true, rsv2: true, rsv3: true, opcode: 1, payload: utf8("x")), direction: .server)
        let frame = try #require(frames.first)
        #expect(frame.rsv1 && frame.rsv2 && frame.rsv3)
    }

    @Test func emptyFrames() {
        // The zero-length final fragment websockets sends (Samples/websocket-plain.md).
        let bytes = wsFrame(fin: false, opcode: 1, mask: [1, 2, 3, 4], payload: utf8("frag"))
            + wsFrame(opcode: 0, mask: [5, 6, 7, 8]) + wsFrame(opcode: 0x8, mask: [9, 9, 9, 9])
        let run = decodeEverySplit([.bytes(bytes)], direction: .client)
        #expect(run.frames.map(\.payloadLength) == [4, 0, 0])
        #expect(run.messages.map(\.opcode) == [.text, .close])
        #expect(run.messages.first?.text == "frag")
        #expect(run.messages.last?.close == WebSocketClose(code: nil))
        #expect(run.allDiagnosticKeys.isEmpty)
    }

    /// §5.2: "the minimal number of bytes MUST be used to encode the length".
    @Test func nonMinimalLengths() {
        let bytes = wsFrame(opcode: 1, payload: utf8("hi"), lengthForm: .sixteen)
            + wsFrame(opcode: 2, payload: [1, 2, 3], lengthForm: .sixtyFour)
        let run = decodeEverySplit([.bytes(bytes)], direction: .server)
        #expect(run.frames.map(\.payloadLengthField) == [126, 127])
        #expect(run.frames.map(\.extendedLength16) == [2, nil])
        #expect(run.frames.map(\.extendedLength64) == [nil, 3])
        #expect(run.frames.flatMap(\.diagnostics).map(\.key) == ["websocket.length.not_minimal", "websocket.length.not_minimal"])
        #expect(run.messages.map(\.payload) == [utf8("hi"), [1, 2, 3]])
        // The frame's diagnostics travel with its message.
        #expect(run.messages.flatMap(\.diagnostics).map(\.key) == ["websocket.length.not_minimal", "websocket.length.not_minimal"])
    }

    /// §5.2: the 64-bit length's most significant bit must be 0. Such a frame cannot be
    /// skipped over, so the parser looks for the next frame.
    @Test func lengthWithHighBitSet() {
        let bad: [UInt8] = [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0x10, 0xAA, 0xBB]
        let good = wsFrame(opcode: 1, payload: utf8("after")) + wsFrame(opcode: 1, payload: utf8("again"))
        let run = decodeEverySplit([.bytes(bad + good)], direction: .server)
        #expect(run.messages.compactMap(\.text) == ["after", "again"])
        #expect(run.diagnostics.map(\.key) == ["websocket.length.msb_set", "websocket.resync"])
        #expect(run.diagnostics.last?.streamRange == 0..<Int64(bad.count))
        #expect(run.frames.first?.followsLostBytes == true)
        #expect(run.frames.first?.headerRange.lowerBound == Int64(bad.count))
    }

    @Test func payloadLimitKeepsTheFirstBytesAndSkipsTheRest() {
        let big = (0..<1000).map { UInt8($0 & 0x7F) }
        let bytes = wsFrame(opcode: 2, mask: [1, 2, 3, 4], payload: big) + wsFrame(opcode: 1, mask: [4, 3, 2, 1], payload: utf8("next"))
        for chunks in [nil, Array(repeating: 1, count: bytes.count), Splits.random(bytes.count, seed: 9)] {
            let (frames, _) = parseFrames(bytes, direction: .client, chunks: chunks) { $0.maxPayload = 100 }
            #expect(frames.count == 2)
            #expect(frames.first?.payload == Array(big.prefix(100)))
            #expect(frames.first?.payloadTruncated == true)
            #expect(frames.first?.payloadLength == 1000)
            #expect(frames.last?.payload == utf8("next"))
            #expect(frames.last?.payloadTruncated == false)
        }
    }

    /// A retransmitted segment: bytes before the expected offset were already seen.
    @Test func overlappingBytesAreIgnored() {
        let bytes = Self.helloUnmasked + Self.pingUnmasked
        var parser = WebSocketFrameParser(direction: .server)
        var frames = parser.feed(bytes[0..<5], at: 0)
        frames += parser.feed(bytes[0..<9], at: 0)
        frames += parser.feed(bytes[3...], at: 3)
        frames += parser.feed(bytes[10...], at: 10)
        #expect(frames.map(\.opcode) == [.text, .ping])
        #expect(frames.map(\.payload) == [utf8("Hello"), utf8("Hello")])
        #expect(parser.takeDiagnostics().isEmpty)
        #expect(parser.isAtFrameBoundary)
    }

    @Test func streamEndingInsideAFrame() {
        let whole = wsFrame(opcode: 1, mask: [1, 1, 1, 1], payload: utf8("Hello, world"))
        let run = decodeEverySplit([.bytes(Array(whole.prefix(10)))], direction: .client)
        #expect(run.frames.count == 1)
        #expect(run.frames.first?.missingPayloadBytes == 8)
        #expect(run.frames.first?.payload == utf8("Hell"))
        // The stream ended inside the message's frame: the message says so (no packet comes later to).
        #expect(run.diagnostics.map(\.key) == [])
        #expect(run.messages.first?.diagnostics.map(\.key) == ["websocket.frame.incomplete"])
        #expect(run.messages.first?.isComplete == false)
        #expect(run.messages.first?.isValidUTF8 == true)

        let headerOnly = decodeEverySplit([.bytes([0x81, 0xFE, 0x01])], direction: .client)
        #expect(headerOnly.frames.isEmpty)
        #expect(headerOnly.diagnostics.map(\.key) == ["websocket.frame.incomplete"])
        #expect(headerOnly.diagnostics.first?.streamRange == 0..<3)
    }

    @Test func layoutConstants() {
        #expect(WebSocketFrameLayout.headerLength(secondByte: 0x05) == 2)
        #expect(WebSocketFrameLayout.headerLength(secondByte: 0x85) == 6)
        #expect(WebSocketFrameLayout.headerLength(secondByte: 0x7E) == 4)
        #expect(WebSocketFrameLayout.headerLength(secondByte: 0xFE) == 8)
        #expect(WebSocketFrameLayout.headerLength(secondByte: 0x7F) == 10)
        #expect(WebSocketFrameLayout.headerLength(secondByte: 0xFF) == 14)
        #expect(WebSocketFrameLayout.maskingKeyOffset(secondByte: 0xFF) == 10)
    }
}
