import OsiscopeWire
import OsiscopeTestSupport
import Testing
@testable import OsiscopeStreams

/// Lost bytes (capture gaps) and connections whose handshake was not captured.
struct WebSocketGapAndGuessTests {
    static let key: [UInt8] = [0xA1, 0xB2, 0xC3, 0xD4]

    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    /// A gap inside a payload costs only those bytes: the masking key position carries on,
    /// the next frame is where the header said.
    @Test func gapInsideAPayload() throws {
        let first = wsFrame(opcode: 1, mask: Self.key, payload: utf8("Hello, world!"))
        let second = wsFrame(opcode: 1, mask: Self.key, payload: utf8("next"))
        let run = decodeEverySplit([.bytes(Array(first[0..<10])), .gap(3), .bytes(Array(first[13...]) + second)],
                                   direction: .client, startOffset: 500)
        #expect(run.frames.count == 2)
        let frame = try #require(run.frames.first)
        #expect(frame.payload == utf8("Hellworld!"))
        #expect(frame.missingPayloadBytes == 3)
        #expect(!frame.isPayloadComplete)
        #expect(run.frames.last?.followsLostBytes == false)
        #expect(run.messages.map(\.isComplete) == [false, true])
        #expect(run.messages.last?.text == "next")
        #expect(run.diagnostics.map(\.key) == ["websocket.gap"])
        #expect(run.diagnostics.first?.streamRange == 510..<513)
    }

    /// A gap that hides frame headers: the parser looks for the next plausible frame.
    @Test func gapHidingHeadersResynchronises() throws {
        let frames = [
            wsFrame(opcode: 1, payload: utf8("first")),
            wsFrame(opcode: 2, payload: Self.randomBytes(300, seed: 3)),
            wsFrame(opcode: 1, payload: utf8("third")),
            wsFrame(opcode: 1, payload: utf8("fourth")),
            wsFrame(opcode: 8, payload: [0x03, 0xE8] + utf8("done")),
        ]
        let lost = frames[1].count - 50 + 3
        let before = frames[0] + frames[1].prefix(50)
        let after = Array(frames[2].dropFirst(3)) + frames[3] + frames[4]
        let run = decodeEverySplit([.bytes(before), .gap(lost), .bytes(after)], direction: .server)
        #expect(run.messages.map(\.opcode) == [.text, .binary, .text, .close])
        #expect(run.messages.map(\.isComplete) == [true, false, true, true])
        #expect(run.messages[2].text == "fourth")
        #expect(run.messages[3].close?.reason == "done")
        #expect(run.frames[2].followsLostBytes)
        #expect(run.diagnostics.map(\.key) == ["websocket.gap", "websocket.resync"])
        let fourthStart = Int64(before.count + lost + after.count - frames[3].count - frames[4].count)
        #expect(run.diagnostics.last?.streamRange == Int64(before.count + lost)..<fourthStart)
        #expect(run.frames[2].headerRange.lowerBound == fourthStart)
    }

    /// A gap that swallows whole fragments: the message comes out, marked incomplete.
    @Test func gapInsideAFragmentedMessage() throws {
        let start = wsFrame(fin: false, opcode: 1, mask: Self.key, payload: utf8("abc"))
        let hidden = wsFrame(fin: false, opcode: 0, mask: Self.key, payload: utf8("def"))
        let last = wsFrame(opcode: 0, mask: Self.key, payload: utf8("ghi"))
        let tail = wsFrame(opcode: 9, mask: Self.key, payload: utf8("p")) + wsFrame(opcode: 1, mask: Self.key, payload: utf8("q"))
        let run = decodeEverySplit([.bytes(start), .gap(hidden.count), .bytes(last + tail)], direction: .client)
        #expect(run.messages.map(\.opcode) == [.text, .ping, .text])
        let message = run.messages[0]
        #expect(message.text == "abcghi")
        #expect(!message.isComplete)
        #expect(message.frameCount == 2)
        #expect(run.diagnostics.map(\.key) == ["websocket.gap"])
    }

    /// After a gap, the bytes of an unseen binary payload look like anything: no frame is
    /// believed inside them.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func noFalseFramesInRandomBytes(seed: UInt64) {
        let garbage = Self.randomBytes(5000, seed: seed)
        let frames = wsFrame(opcode: 1, payload: utf8("alpha")) + wsFrame(opcode: 1, payload: utf8("beta"))
            + wsFrame(opcode: 9) + wsFrame(opcode: 8, payload: [0x03, 0xE8])
        let run = decode([.gap(10), .bytes(garbage + frames)], direction: .server,
                         chunking: { Splits.random($0, seed: seed) })
        #expect(run.messages.map(\.opcode) == [.text, .text, .ping, .close])
        #expect(run.messages.first?.text == "alpha")
        #expect(run.diagnostics.map(\.key) == ["websocket.gap", "websocket.resync"])
        #expect(run.diagnostics.last?.streamRange == 10..<5010)
    }

    /// After a gap the next frame is a big one: it is found however the bytes arrive (the
    /// parser goes on checking from where it stopped instead of starting over each time).
    @Test func resynchroniseOntoALargeFrame() {
        let text = utf8(String(repeating: "WebSocket ", count: 3000))
        let frames = wsFrame(opcode: 1, mask: Self.key, payload: text) + wsFrame(opcode: 9, mask: Self.key)
            + wsFrame(opcode: 8, mask: Self.key, payload: [0x03, 0xE8])
        let run = decodeEverySplit([.bytes(wsFrame(opcode: 2, mask: Self.key, payload: [1])), .gap(5), .bytes(frames)],
                                   direction: .client)
        #expect(run.messages.map(\.opcode) == [.binary, .text, .ping, .close])
        #expect(run.messages[1].payload == text)
        #expect(run.diagnostics.map(\.key) == ["websocket.gap"])
    }

    /// A capture that starts in the middle of a connection (and of a frame).
    @Test func captureStartingMidFrame() {
        let whole = wsFrame(opcode: 1, mask: Self.key, payload: utf8("the middle of something"))
            + wsFrame(opcode: 1, mask: Self.key, payload: utf8("one"))
            + wsFrame(opcode: 2, mask: Self.key, payload: [1, 2, 3])
            + wsFrame(opcode: 1, mask: Self.key, payload: utf8("three"))
        let run = decodeEverySplit([.bytes(Array(whole.dropFirst(9)))], direction: .client, startOffset: 9000) {
            WebSocketStreamDecoder(direction: $0, startsAtFrameBoundary: false)
        }
        #expect(run.messages.map(\.opcode) == [.text, .binary, .text])
        #expect(run.messages.map(\.payload) == [utf8("one"), [1, 2, 3], utf8("three")])
        #expect(run.frames.first?.followsLostBytes == true)
        #expect(run.diagnostics.map(\.key) == ["websocket.resync"])
        #expect(run.diagnostics.first?.streamRange?.lowerBound == 9000)
    }

    /// A compressed message after lost frames: the inflate window is reset, so a reference
    /// into the lost data fails loudly rather than producing wrong text.
    @Test func deflateAfterLostFrames() {
        // RFC 7692 §7.2.3.2: the second "Hello" refers to the first, which is lost here.
        let first: [UInt8] = [0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]
        let second: [UInt8] = [0xC1, 0x05, 0xF2, 0x00, 0x11, 0x00, 0x00]
        let more = wsFrame(opcode: 1, payload: utf8("x")) + wsFrame(opcode: 1, payload: utf8("y"))
        let run = decodeEverySplit([.bytes(first), .gap(3), .bytes(second + more)], direction: .server) {
            WebSocketStreamDecoder(direction: $0, perMessageDeflate: PerMessageDeflateSettings())
        }
        #expect(run.messages.first?.text == "Hello")
        #expect(run.messages.count == 4)
        #expect(run.messages[1].diagnostics.map(\.key) == ["websocket.deflate.failed"])
        #expect(run.messages[1].diagnostics.first?.message.contains("lost") == true)
    }

    // MARK: Guessing

    static let clientBytes = wsFrame(opcode: 1, mask: key, payload: utf8("Hello, osiscope!"))
        + wsFrame(opcode: 9, mask: key, payload: utf8("ping-1"))
    static let serverBytes = wsFrame(opcode: 1, payload: utf8("Hello, osiscope!")) + wsFrame(opcode: 0xA, payload: utf8("ping-1"))

    @Test func guessWebSocket() {
        let guess = WebSocketGuess.examine(client: Self.clientBytes[...], server: Self.serverBytes[...])
        #expect(guess.verdict == .webSocket)
        #expect(!guess.directionsSwapped)
        #expect(guess.clientFrames == 2 && guess.serverFrames == 2)
        #expect(!guess.rsv1Seen && guess.perMessageDeflate == nil)
        #expect(guess.label == "WebSocket (guessed)")
    }

    @Test func guessWithACutLastFrame() {
        let guess = WebSocketGuess.examine(client: Self.clientBytes.dropLast(3), server: Self.serverBytes[...])
        #expect(guess.verdict == .webSocket)
        #expect(guess.clientFrames == 1 && guess.serverFrames == 2)
        #expect(guess.reasons.first?.contains("1 client") == true)
    }

    @Test func guessSwappedDirections() {
        let guess = WebSocketGuess.examine(client: Self.serverBytes[...], server: Self.clientBytes[...])
        #expect(guess.verdict == .webSocket)
        #expect(guess.directionsSwapped)
        #expect(guess.clientFrames == 2 && guess.serverFrames == 2)
    }

    @Test func guessDeflateAndDecodeWithIt() throws {
        // RFC 7692 §7.2.3.2's two messages as the server's, a compressed client message.
        let server = WebSocketDeflateTests.sharedWindow
        let client = wsFrame(rsv1: true, opcode: 1, mask: Self.key, payload: [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
        let guess = WebSocketGuess.examine(client: client[...], server: server[...])
        #expect(guess.verdict == .webSocket)
        #expect(guess.rsv1Seen)
        let settings = try #require(guess.perMessageDeflate)
        #expect(!settings.noContextTakeover(for: .client) && !settings.noContextTakeover(for: .server))
        let run = decodeEverySplit([.bytes(server)], direction: .server) {
            WebSocketStreamDecoder(direction: $0, guess: guess)
        }
        #expect(run.messages.map(\.text) == ["Hello", "Hello"])
        // Compression without its handshake is said once, on the first compressed message.
        #expect(run.messages.map { $0.diagnostics.map(\.key) } == [["websocket.deflate.assumed"], []])
    }

    /// No handshake, no RSV1 in the first bytes, RSV1 later: inflated anyway, with a note.
    @Test func rsv1LaterWithoutHandshake() {
        let guess = WebSocketGuess.examine(client: Self.clientBytes[...], server: Self.serverBytes[...])
        let bytes = Self.serverBytes + [0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]
        let run = decodeEverySplit([.bytes(bytes)], direction: .server) {
            WebSocketStreamDecoder(direction: $0, guess: guess)
        }
        #expect(run.messages.last?.text == "Hello")
        #expect(run.allDiagnosticKeys == ["websocket.deflate.assumed"])
    }

    /// Without a handshake, a message that refers to a window the capture never saw fails;
    /// the assembler then retries it from a fresh window, which fails too: a diagnostic.
    @Test func guessedContextThatWasNeverSeen() {
        let guess = WebSocketGuess.examine(client: Self.clientBytes[...], server: Self.serverBytes[...])
        let run = decodeEverySplit([.bytes([0xC1, 0x05, 0xF2, 0x00, 0x11, 0x00, 0x00])], direction: .server) {
            WebSocketStreamDecoder(direction: $0, guess: guess)
        }
        #expect(run.messages.first?.diagnostics.map(\.key) == ["websocket.deflate.assumed", "websocket.deflate.failed"])
    }

    @Test func notWebSocket() {
        let http = WebSocketGuess.examine(client: utf8("GET / HTTP/1.1\r\nHost: x\r\n\r\n")[...], server: [][...])
        #expect(http.verdict == .notWebSocket)
        // A TLS ClientHello record: 0x16 would be a reserved opcode.
        let tls = WebSocketGuess.examine(client: [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC][...], server: [][...])
        #expect(tls.verdict == .notWebSocket)
        for seed in UInt64(1)...20 {
            let noise = WebSocketGuess.examine(client: Self.randomBytes(200, seed: seed)[...],
                                               server: Self.randomBytes(200, seed: seed + 100)[...])
            #expect(noise.verdict != .webSocket, "seed \(seed)")
        }
        // Unmasked frames from both sides cannot be WebSocket in either orientation.
        let bothUnmasked = WebSocketGuess.examine(client: Self.serverBytes[...], server: Self.serverBytes[...])
        #expect(bothUnmasked.verdict == .notWebSocket)
    }

    @Test func undecided() {
        #expect(WebSocketGuess.examine(client: [][...], server: [][...]).verdict == .undecided)
        let one = WebSocketGuess.examine(client: wsFrame(opcode: 1, mask: Self.key, payload: utf8("hi"))[...], server: [][...])
        #expect(one.verdict == .undecided)
        #expect(one.clientFrames == 1)
    }
}
