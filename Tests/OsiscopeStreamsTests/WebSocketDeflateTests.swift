import OsiscopeWire
import CZlib
import Testing
@testable import OsiscopeStreams

/// permessage-deflate (RFC 7692), with the RFC's examples from §7.2.3: the frames are the
/// server's (unmasked), as the RFC writes them.
struct WebSocketDeflateTests {
    static let contextTakeover = PerMessageDeflateSettings()

    static func server(_ bytes: [UInt8], _ settings: PerMessageDeflateSettings? = contextTakeover,
                       maxMessageSize: Int = WebSocketMessageAssembler.defaultMaxMessageSize) -> DecodeRun {
        decodeEverySplit([.bytes(bytes)], direction: .server) {
            WebSocketStreamDecoder(direction: $0, perMessageDeflate: settings, maxMessageSize: maxMessageSize)
        }
    }

    /// §7.2.3.1: "Hello" compressed in one frame: 0xc1 0x07 0xf2 0x48 0xcd 0xc9 0xc9 0x07 0x00.
    @Test func helloCompressed() throws {
        let run = Self.server([0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
        let message = try #require(run.messages.first)
        #expect(message.compressed)
        #expect(message.text == "Hello")
        #expect(message.length == 5)
        #expect(message.wireLength == 7)
        #expect(run.frames.first?.rsv1 == true)
        #expect(run.allDiagnosticKeys.isEmpty)
    }

    /// §7.2.3.1: the same bytes in two fragments, RSV1 only on the first:
    /// 0x41 0x03 0xf2 0x48 0xcd, then 0x80 0x04 0xc9 0xc9 0x07 0x00.
    @Test func helloCompressedInFragments() throws {
        let run = Self.server([0x41, 0x03, 0xF2, 0x48, 0xCD, 0x80, 0x04, 0xC9, 0xC9, 0x07, 0x00])
        let message = try #require(run.messages.first)
        #expect(message.compressed)
        #expect(message.frameCount == 2)
        #expect(message.text == "Hello")
        #expect(run.allDiagnosticKeys.isEmpty)
    }

    /// §7.2.3.2: with context takeover the second "Hello" refers back to the first:
    /// 0xc1 0x07 0xf2 0x48 0xcd 0xc9 0xc9 0x07 0x00, then 0xc1 0x05 0xf2 0x00 0x11 0x00 0x00.
    static let sharedWindow: [UInt8] = [0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00,
                                        0xC1, 0x05, 0xF2, 0x00, 0x11, 0x00, 0x00]

    @Test func contextTakeover() {
        let run = Self.server(Self.sharedWindow)
        #expect(run.messages.map(\.text) == ["Hello", "Hello"])
        #expect(run.allDiagnosticKeys.isEmpty)
    }

    /// The server's messages follow server_no_context_takeover, not client_no_context_takeover.
    @Test func directionUsesItsOwnParameters() {
        let clientResets = PerMessageDeflateSettings(clientNoContextTakeover: true)
        #expect(Self.server(Self.sharedWindow, clientResets).messages.map(\.text) == ["Hello", "Hello"])

        // With server_no_context_takeover the inflater starts each message afresh, so the
        // second message's back-reference has nothing to point at.
        let serverResets = PerMessageDeflateSettings(serverNoContextTakeover: true)
        let run = Self.server(Self.sharedWindow, serverResets)
        #expect(run.messages.first?.text == "Hello")
        #expect(run.messages.last?.diagnostics.map(\.key) == ["websocket.deflate.failed"])

        // The client's direction with client_no_context_takeover: masked frames this time.
        let key: [UInt8] = [1, 2, 3, 4]
        let masked = wsFrame(rsv1: true, opcode: 1, mask: key, payload: [0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
            + wsFrame(rsv1: true, opcode: 1, mask: key, payload: [0xF2, 0x00, 0x11, 0x00, 0x00])
        let client = decodeEverySplit([.bytes(masked)], direction: .client) {
            WebSocketStreamDecoder(direction: $0, perMessageDeflate: clientResets)
        }
        #expect(client.messages.last?.diagnostics.map(\.key) == ["websocket.deflate.failed"])
        let clientKeeps = decodeEverySplit([.bytes(masked)], direction: .client) {
            WebSocketStreamDecoder(direction: $0, perMessageDeflate: serverResets)
        }
        #expect(clientKeeps.messages.map(\.text) == ["Hello", "Hello"])
    }

    /// §7.2.3.3: a DEFLATE block with no compression:
    /// 0xc1 0x0b 0x00 0x05 0x00 0xfa 0xff 0x48 0x65 0x6c 0x6c 0x6f 0x00.
    @Test func storedBlock() {
        let run = Self.server([0xC1, 0x0B, 0x00, 0x05, 0x00, 0xFA, 0xFF, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00])
        #expect(run.messages.map(\.text) == ["Hello"])
        #expect(run.allDiagnosticKeys.isEmpty)
    }

    /// §7.2.3.4: a DEFLATE block with BFINAL set: 0xc1 0x08 0xf3 0x48 0xcd 0xc9 0xc9 0x07 0x00 0x00.
    /// The stream ends there; the next message starts a new one, which the assembler notices.
    @Test func finalBlockThenAnotherMessage() {
        let bfinal: [UInt8] = [0xC1, 0x08, 0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00]
        let run = Self.server(bfinal + [0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
        #expect(run.messages.map(\.text) == ["Hello", "Hello"])
        #expect(run.allDiagnosticKeys == ["websocket.deflate.window_reset"])
    }

    /// §7.2.3.5: two DEFLATE blocks in one message:
    /// 0xc1 0x0d 0xf2 0x48 0x05 0x00 0x00 0x00 0xff 0xff 0xca 0xc9 0xc9 0x07 0x00.
    @Test func twoBlocks() {
        let run = Self.server([0xC1, 0x0D, 0xF2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xCA, 0xC9, 0xC9, 0x07, 0x00])
        #expect(run.messages.map(\.text) == ["Hello"])
    }

    @Test func uncompressedMessagesStayPlain() {
        // permessage-deflate lets a sender leave a message uncompressed (RSV1 clear, §6).
        let run = Self.server(wsFrame(opcode: 1, payload: utf8("plain")) + Self.sharedWindow)
        #expect(run.messages.map(\.compressed) == [false, true, true])
        #expect(run.messages.map(\.text) == ["plain", "Hello", "Hello"])
    }

    @Test func inflateFailureIsADiagnostic() {
        // 0xff starts a block of the reserved type 3: invalid DEFLATE.
        let run = Self.server(wsFrame(rsv1: true, opcode: 2, payload: [0xFF, 0xFF, 0xFF])
            + [0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00])
        #expect(run.messages.first?.diagnostics.map(\.key) == ["websocket.deflate.failed"])
        #expect(run.messages.first?.diagnostics.first?.severity == .error)
        // The window was reset after the failure: the next (self-contained) message inflates.
        #expect(run.messages.last?.text == "Hello")
    }

    /// Raw DEFLATE of `count` zero bytes, Z_SYNC_FLUSH'ed, with the 00 00 ff ff tail removed as
    /// permessage-deflate sends it (RFC 7692 §7.2.1), made with zlib itself.
    static func deflatedZeros(_ count: Int) throws -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        try #require(status == Z_OK)
        defer { deflateEnd(&stream) }
        var input = [UInt8](repeating: 0, count: 1 << 20)
        var output: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        var left = count
        while left > 0 {
            let chunk = min(left, input.count)
            left -= chunk
            let flush = left == 0 ? Z_SYNC_FLUSH : Z_NO_FLUSH
            input.withUnsafeMutableBufferPointer { inputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = UInt32(chunk)
                repeat {
                    scratch.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(out.count)
                        _ = deflate(&stream, flush)
                        output += out[0..<(out.count - Int(stream.avail_out))]
                    }
                } while stream.avail_out == 0
            }
        }
        try #require(output.suffix(4) == [0x00, 0x00, 0xFF, 0xFF])
        return Array(output.dropLast(4))
    }

    /// A deflate bomb: 64 MiB of zeros in about 64 KB. Inflating stops at the limit, with a
    /// diagnostic, and memory stays near the limit.
    @Test func deflateBombStopsAtTheLimit() throws {
        let bomb = try Self.deflatedZeros(64 << 20)
        #expect(bomb.count < 100_000)
        let limit = 4 << 20
        let bytes = wsFrame(rsv1: true, opcode: 2, payload: bomb)
            + wsFrame(opcode: 1, payload: utf8("still here"))
        var decoder = WebSocketStreamDecoder(direction: .server, perMessageDeflate: Self.contextTakeover, maxMessageSize: limit)
        var run = DecodeRun()
        for chunk in stride(from: 0, to: bytes.count, by: 1448) {
            run.add(decoder.feed(bytes[chunk..<min(bytes.count, chunk + 1448)], at: Int64(chunk)))
        }
        run.add(decoder.finish())
        let message = try #require(run.messages.first)
        #expect(message.payload.count == limit)
        #expect(message.payload == [UInt8](repeating: 0, count: limit))
        #expect(message.payloadTruncated)
        #expect(message.length == UInt64(limit))
        #expect(message.wireLength == UInt64(bomb.count))
        #expect(message.diagnostics.map(\.key) == ["websocket.deflate.limit"])
        #expect(run.messages.last?.text == "still here")
    }

    /// With the default limit (16 MiB) too, against the same bomb.
    @Test func deflateBombWithTheDefaultLimit() throws {
        let bomb = try Self.deflatedZeros(64 << 20)
        var assembler = WebSocketMessageAssembler(direction: .server, perMessageDeflate: Self.contextTakeover)
        var parser = WebSocketFrameParser(direction: .server)
        let frames = parser.feed(wsFrame(rsv1: true, opcode: 2, payload: bomb), at: 0)
        let messages = frames.flatMap { assembler.add($0) }
        #expect(messages.first?.payload.count == WebSocketMessageAssembler.defaultMaxMessageSize)
        #expect(messages.first?.diagnostics.map(\.key) == ["websocket.deflate.limit"])
    }

    /// Many small bombs, each under the message limit: inflating stops for the direction once
    /// the connection's total is reached, and the messages after that say so; an uncompressed
    /// message still reads.
    @Test func manyBombsStopAtTheConnectionsInflateLimit() throws {
        let bomb = try Self.deflatedZeros(1 << 20)
        var assembler = WebSocketMessageAssembler(direction: .server, perMessageDeflate: PerMessageDeflateSettings(serverNoContextTakeover: true))
        assembler.maxInflatedBytes = 5 << 20
        var parser = WebSocketFrameParser(direction: .server)
        let bytes = (0..<8).flatMap { _ in wsFrame(rsv1: true, opcode: 2, payload: bomb) } + wsFrame(opcode: 1, payload: utf8("plain"))
        let messages = parser.feed(bytes[...], at: 0).flatMap { assembler.add($0) }
        #expect(messages.map(\.payload.count) == [1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 0, 0, 0, 5])
        #expect(messages.map { $0.diagnostics.map(\.key) } == Array(repeating: [], count: 5)
            + Array(repeating: ["websocket.deflate.stream_limit"], count: 3) + [[]])
        #expect(messages[5].diagnostics.first?.message.hasPrefix("5242880 bytes were inflated in this direction") == true)
        #expect(messages.last?.text == "plain")
    }

    /// A compressed message longer than the limit before inflating is not inflated at all.
    @Test func compressedBytesOverTheLimit() {
        let run = Self.server(wsFrame(rsv1: true, opcode: 2, payload: Array(repeating: 0, count: 300)), maxMessageSize: 100)
        #expect(run.messages.first?.diagnostics.map(\.key) == ["websocket.deflate.skipped"])
        #expect(run.messages.first?.payloadTruncated == true)
    }
}
