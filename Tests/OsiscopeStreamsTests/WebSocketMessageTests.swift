import OsiscopeWire
import Testing
@testable import OsiscopeStreams

/// Messages from frames (RFC 6455 §5.4-§5.6), close payloads (§5.5.1, §7.4) and every rule a
/// frame sequence can break, each reported as a StreamDiagnostic.
struct WebSocketMessageTests {
    static let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]

    static func keys(_ run: DecodeRun) -> [String] { run.allDiagnosticKeys }

    static func client(_ bytes: [UInt8], deflate: PerMessageDeflateSettings? = nil) -> DecodeRun {
        decodeEverySplit([.bytes(bytes)], direction: .client) {
            WebSocketStreamDecoder(direction: $0, perMessageDeflate: deflate)
        }
    }

    static func server(_ bytes: [UInt8], deflate: PerMessageDeflateSettings? = nil) -> DecodeRun {
        decodeEverySplit([.bytes(bytes)], direction: .server) {
            WebSocketStreamDecoder(direction: $0, perMessageDeflate: deflate)
        }
    }

    /// §5.4: "Control frames MAY be injected in the middle of a fragmented message." The ping
    /// comes out first, the text message when its last fragment arrives.
    @Test func controlFramesBetweenFragmentsComeOutInOrder() throws {
        let bytes = wsFrame(fin: false, opcode: 1, mask: Self.key, payload: utf8("Hel"))
            + wsFrame(opcode: 9, mask: Self.key, payload: utf8("are you there?"))
            + wsFrame(fin: false, opcode: 0, mask: Self.key, payload: utf8("l"))
            + wsFrame(opcode: 0xA, mask: Self.key)
            + wsFrame(opcode: 0, mask: Self.key, payload: utf8("o"))
        let run = Self.client(bytes)
        #expect(run.messages.map(\.opcode) == [.ping, .pong, .text])
        let text = try #require(run.messages.last)
        #expect(text.text == "Hello")
        #expect(text.frameCount == 3)
        #expect(text.frameRanges.count == 3)
        #expect(text.streamRange == 0..<Int64(bytes.count))
        #expect(text.wireLength == 5)
        #expect(text.length == 5)
        #expect(text.headerBytes == 18)
        #expect(run.messages.first?.text == "are you there?")
        #expect(Self.keys(run).isEmpty)
    }

    /// A UTF-8 character split across fragments is fine (§5.6: validity is of the message).
    @Test func utf8SplitAcrossFragments() {
        let euro = utf8("€") // e2 82 ac
        let bytes = wsFrame(fin: false, opcode: 1, payload: [euro[0]]) + wsFrame(opcode: 0, payload: Array(euro[1...]))
        let run = Self.server(bytes)
        #expect(run.messages.first?.text == "€")
        #expect(Self.keys(run).isEmpty)
    }

    // MARK: Masking (§5.1, §5.3)

    @Test func unmaskedClientFrame() {
        let run = Self.client(wsFrame(opcode: 1, payload: utf8("Hello")))
        #expect(Self.keys(run) == ["websocket.mask.unmasked_client_frame"])
        #expect(run.messages.first?.diagnostics.first?.streamRange == 0..<2)
        #expect(run.messages.first?.text == "Hello")
    }

    @Test func maskedServerFrame() {
        let run = Self.server(WebSocketFrameParserTests.helloMasked)
        #expect(Self.keys(run) == ["websocket.mask.masked_server_frame"])
        #expect(run.messages.first?.text == "Hello")
    }

    // MARK: Control frames (§5.5)

    @Test func controlFrameTooLong() {
        let run = Self.server(wsFrame(opcode: 9, payload: Array(repeating: 0x61, count: 126)))
        #expect(Self.keys(run) == ["websocket.control.too_long"])
        #expect(run.messages.first?.opcode == .ping)
        #expect(run.messages.first?.length == 126)
    }

    @Test func fragmentedControlFrame() {
        let run = Self.server(wsFrame(fin: false, opcode: 9, payload: utf8("a")) + wsFrame(opcode: 1, payload: utf8("b")))
        #expect(Self.keys(run) == ["websocket.control.fragmented"])
        #expect(run.messages.map(\.opcode) == [.ping, .text])
    }

    // MARK: RSV bits (§5.2, RFC 7692 §6.1)

    @Test func rsvBitsWithoutExtension() {
        let rsv1 = Self.server(wsFrame(rsv1: true, opcode: 1, payload: utf8("x")))
        #expect(Self.keys(rsv1) == ["websocket.rsv.unexpected"])
        #expect(rsv1.messages.first?.compressed == false)
        #expect(rsv1.messages.first?.text == "x")
        let rsv2 = Self.server(wsFrame(rsv2: true, opcode: 2, payload: [1]))
        #expect(Self.keys(rsv2) == ["websocket.rsv.unexpected"])
        #expect(rsv2.messages.first?.diagnostics.first?.message.contains("RSV2") == true)
        let rsv3 = Self.server(wsFrame(rsv3: true, opcode: 2, payload: [1]))
        #expect(Self.keys(rsv3) == ["websocket.rsv.unexpected"])
    }

    @Test func rsv1OnlyOnTheFirstDataFrameWithDeflate() {
        let deflate = PerMessageDeflateSettings()
        // RFC 7692 §7.2.3.1's compressed "Hello" split in two, the second fragment wrongly with RSV1.
        let continuation = Self.server(
            [0x41, 0x03, 0xF2, 0x48, 0xCD] + wsFrame(rsv1: true, opcode: 0, payload: [0xC9, 0xC9, 0x07, 0x00]), deflate: deflate)
        #expect(Self.keys(continuation) == ["websocket.rsv.rsv1_continuation"])
        #expect(continuation.messages.first?.text == "Hello")
        let control = Self.server(wsFrame(rsv1: true, opcode: 9, payload: utf8("p")), deflate: deflate)
        #expect(Self.keys(control) == ["websocket.rsv.rsv1_control"])
        #expect(control.messages.first?.payload == utf8("p"))
    }

    // MARK: Opcodes and fragmentation (§5.2, §5.4)

    @Test func reservedOpcodes() {
        let run = Self.server(wsFrame(opcode: 3, payload: [1, 2]) + wsFrame(opcode: 0xB, payload: [3]) + wsFrame(opcode: 2, payload: [4]))
        #expect(run.messages.map(\.opcode) == [.reserved(3), .reserved(0xB), .binary])
        #expect(Self.keys(run) == ["websocket.opcode.reserved", "websocket.opcode.reserved"])
        #expect(run.messages.first?.payload == [1, 2])
    }

    @Test func reservedOpcodeWithAnotherExtensionIsOnlyANote() {
        let run = decodeEverySplit([.bytes(wsFrame(rsv2: true, opcode: 3, payload: [1]))], direction: .server) {
            WebSocketStreamDecoder(direction: $0, otherExtensions: true)
        }
        #expect(Self.keys(run) == ["websocket.opcode.reserved"])
        #expect(run.messages.first?.diagnostics.first?.severity == .note)
    }

    @Test func continuationWithoutStart() {
        let run = Self.server(wsFrame(fin: false, opcode: 0, payload: utf8("ab")) + wsFrame(opcode: 0, payload: utf8("c")))
        #expect(run.messages.count == 1)
        #expect(run.messages.first?.opcode == .continuation)
        #expect(run.messages.first?.payload == utf8("abc"))
        #expect(run.messages.first?.isComplete == false)
        #expect(Self.keys(run) == ["websocket.fragment.continuation_without_start"])
    }

    @Test func newDataFrameInsideAFragmentedMessage() {
        let run = Self.server(wsFrame(fin: false, opcode: 1, payload: utf8("one"))
            + wsFrame(opcode: 2, payload: [2]) + wsFrame(opcode: 0, payload: utf8("lost")))
        #expect(run.messages.map(\.opcode) == [.text, .binary, .continuation])
        #expect(run.messages.first?.isComplete == false)
        #expect(run.messages.first?.text == "one")
        #expect(Self.keys(run) == ["websocket.fragment.interleaved", "websocket.fragment.continuation_without_start"])
    }

    @Test func unfinishedFragmentedMessageAtTheEnd() {
        let run = Self.server(wsFrame(fin: false, opcode: 1, payload: utf8("never ends")))
        #expect(run.messages.count == 1)
        #expect(run.messages.first?.isComplete == false)
        #expect(Self.keys(run) == ["websocket.message.incomplete"])
    }

    // MARK: UTF-8 (§5.6, §8.1)

    @Test func invalidUTF8Text() {
        let invalidSamples: [[UInt8]] = [
            [0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0x68, 0xC3], // cut short at the end of a complete message
        ]
        for bad in invalidSamples {
            let run = Self.server(wsFrame(opcode: 1, payload: bad))
            #expect(Self.keys(run) == ["websocket.text.invalid_utf8"], "\(bad)")
            #expect(run.messages.first?.isValidUTF8 == false)
            #expect(run.messages.first?.text == nil)
        }
        // Binary messages may hold anything.
        #expect(Self.keys(Self.server(wsFrame(opcode: 2, payload: [0xFF]))).isEmpty)
        #expect(UTF8Validation.check(utf8("κόσμε 𝄞")) == .valid)
        // ASCII is skipped eight bytes at a time: a bad byte is still found at every position.
        for position in 0..<20 {
            var bytes = [UInt8](repeating: 0x61, count: 20)
            bytes[position] = 0xFF
            #expect(UTF8Validation.check(bytes) == .invalid(at: position))
            bytes[position] = 0xE2 // the first byte of a three-byte sequence
            #expect(UTF8Validation.check(bytes) == (position == 19 ? .incompleteAtEnd(at: position) : .invalid(at: position)))
        }
    }

    // MARK: Close frames (§5.5.1, §7.4)

    @Test func closeWithCodeAndReason() throws {
        let run = Self.client(wsFrame(opcode: 8, mask: Self.key, payload: [0x03, 0xE8] + utf8("bye from client")))
        let close = try #require(run.messages.first?.close)
        #expect(close.code == .normalClosure)
        #expect(close.reason == "bye from client")
        #expect(close.reasonIsValidUTF8)
        #expect(run.messages.first?.length == 17)
        #expect(Self.keys(run).isEmpty)
    }

    @Test func closePayloadOfOneByte() {
        let run = Self.server(wsFrame(opcode: 8, payload: [0x03]))
        #expect(Self.keys(run) == ["websocket.close.payload_one_byte"])
        #expect(run.messages.first?.close == nil)
    }

    @Test(arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535] as [UInt16])
    func invalidCloseCodes(_ code: UInt16) {
        let run = Self.server(wsFrame(opcode: 8, payload: [UInt8(code >> 8), UInt8(code & 0xFF)]))
        #expect(Self.keys(run) == ["websocket.close.invalid_code"])
        #expect(run.messages.first?.close?.code?.rawValue == code)
    }

    @Test(arguments: [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999] as [UInt16])
    func validCloseCodes(_ code: UInt16) {
        let run = Self.server(wsFrame(opcode: 8, payload: [UInt8(code >> 8), UInt8(code & 0xFF)]))
        #expect(Self.keys(run).isEmpty)
    }

    @Test func invalidUTF8CloseReason() {
        let run = Self.server(wsFrame(opcode: 8, payload: [0x03, 0xE8, 0xC3, 0x28]))
        #expect(Self.keys(run) == ["websocket.close.invalid_utf8"])
        #expect(run.messages.first?.close?.reasonIsValidUTF8 == false)
    }

    @Test func framesAfterClose() {
        let run = Self.server(wsFrame(opcode: 8, payload: [0x03, 0xE8]) + wsFrame(opcode: 1, payload: utf8("late")))
        #expect(Self.keys(run) == ["websocket.close.after_close"])
    }

    @Test func closeCodeMeanings() {
        let names: [UInt16: String] = [
            1000: "Normal Closure", 1001: "Going Away", 1002: "Protocol Error", 1003: "Unsupported Data",
            1004: "Reserved", 1005: "No Status Received", 1006: "Abnormal Closure", 1007: "Invalid Frame Payload Data",
            1008: "Policy Violation", 1009: "Message Too Big", 1010: "Mandatory Extension", 1011: "Internal Error",
            1012: "Service Restart", 1013: "Try Again Later", 1014: "Bad Gateway", 1015: "TLS Handshake",
        ]
        for (raw, name) in names {
            let code = WebSocketCloseCode(raw)
            #expect(code.name == name)
            #expect(code.range == .defined)
            #expect(!code.meaning.isEmpty)
            #expect(code.mayBeSentOnWire == ![1004, 1005, 1006, 1015].contains(raw), "\(raw)")
        }
        #expect(WebSocketCloseCode(1005).meaning.contains("must not"))
        #expect(WebSocketCloseCode(1006).meaning.contains("must not"))
        #expect(WebSocketCloseCode(1015).meaning.contains("must not"))
        #expect(WebSocketCloseCode(999).range == .invalid)
        #expect(WebSocketCloseCode(1016).range == .reservedForProtocol)
        #expect(WebSocketCloseCode(2999).range == .reservedForProtocol)
        #expect(WebSocketCloseCode(3000).range == .registeredByLibraries)
        #expect(WebSocketCloseCode(3999).range == .registeredByLibraries)
        #expect(WebSocketCloseCode(4000).range == .privateUse)
        #expect(WebSocketCloseCode(4999).range == .privateUse)
        #expect(WebSocketCloseCode(5000).range == .undefined)
        #expect(WebSocketCloseCode(4001).meaning.contains("private"))
        #expect(WebSocketCloseCode(3001).name == nil)
        #expect(WebSocketCloseCode.normalClosure.description == "1000 (Normal Closure)")
    }

    // MARK: Limits

    @Test func messageLimitAcrossFragments() {
        let bytes = wsFrame(fin: false, opcode: 2, payload: Array(repeating: 1, count: 60))
            + wsFrame(opcode: 0, payload: Array(repeating: 2, count: 60))
        let run = decodeEverySplit([.bytes(bytes)], direction: .server) {
            WebSocketStreamDecoder(direction: $0, maxMessageSize: 100)
        }
        let message = run.messages.first
        #expect(message?.payload.count == 100)
        #expect(message?.payloadTruncated == true)
        #expect(message?.length == 120)
        #expect(Self.keys(run) == ["websocket.message.limit"])
    }
}
