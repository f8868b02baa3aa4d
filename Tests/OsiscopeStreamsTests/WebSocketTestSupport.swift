import OsiscopeWire
import OsiscopeTestSupport
import Testing
@testable import OsiscopeStreams

/// How a frame header writes its length (RFC 6455 §5.2).
enum LengthForm { case minimal, sixteen, sixtyFour }

/// Builds one frame byte by byte (RFC 6455 §5.2), masking the payload when a key is given.
func wsFrame(
    fin: Bool = true, rsv1: Bool = false, rsv2: Bool = false, rsv3: Bool = false, opcode: UInt8,
    mask: [UInt8]? = nil, payload: [UInt8] = [], lengthForm: LengthForm = .minimal, lengthOverride: UInt64? = nil
) -> [UInt8] {
    var bytes: [UInt8] = []
    var first = opcode & 0x0F
    if fin { first |= 0x80 }
    if rsv1 { first |= 0x40 }
    if rsv2 { first |= 0x20 }
    if rsv3 { first |= 0x10 }
    bytes.append(first)
    let maskBit: UInt8 = mask == nil ? 0 : 0x80
    let length = lengthOverride ?? UInt64(payload.count)
    var form = lengthForm
    if form == .minimal { form = length <= 125 ? .minimal : (length <= 0xFFFF ? .sixteen : .sixtyFour) }
    switch form {
    case .minimal:
        bytes.append(maskBit | UInt8(length))
    case .sixteen:
        bytes.append(maskBit | 126)
        bytes += [UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
    case .sixtyFour:
        bytes.append(maskBit | 127)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(length >> UInt64(shift) & 0xFF)) }
    }
    if let mask {
        bytes += mask
        bytes += payload.enumerated().map { $0.element ^ mask[$0.offset & 3] }
    } else {
        bytes += payload
    }
    return bytes
}

func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Chunk sizes that cover `count` bytes: whole, byte by byte, and random splits.
enum Splits {
    static func all(_ count: Int, seeds: [UInt64] = [1, 2, 3, 42, 2024]) -> [(String, [Int])] {
        var result: [(String, [Int])] = [("whole", [count]), ("byte by byte", Array(repeating: 1, count: count))]
        for seed in seeds {
            result.append(("random seed \(seed)", random(count, seed: seed)))
        }
        return result
    }

    static func random(_ count: Int, seed: UInt64) -> [Int] {
        var generator = SplitMix64(seed: seed)
        var sizes: [Int] = []
        var left = count
        while left > 0 {
            // Mostly small pieces (inside headers), sometimes big ones.
            let limit = generator.next() % 4 == 0 ? 4096 : 17
            let size = min(left, Int(generator.next() % UInt64(limit)) + 1)
            sizes.append(size)
            left -= size
        }
        return sizes
    }
}

/// Everything a decoder produced for one input.
struct DecodeRun: Equatable {
    var frames: [WebSocketFrame] = []
    var messages: [WebSocketMessage] = []
    var diagnostics: [StreamDiagnostic] = []

    mutating func add(_ output: WebSocketStreamDecoder.Output) {
        frames += output.frames
        messages += output.messages
        diagnostics += output.diagnostics
    }

    var allDiagnosticKeys: [String] {
        (diagnostics + messages.flatMap(\.diagnostics)).map(\.key)
    }
}

/// An input for a decoder: bytes, and stretches that were not captured.
enum Piece {
    case bytes([UInt8])
    case gap(Int)
}

/// Runs a fresh decoder over `pieces`, each byte piece split by `chunking`.
func decode(
    _ pieces: [Piece], direction: Direction, startOffset: Int64 = 0,
    chunking: (Int) -> [Int] = { [$0] },
    make: (Direction) -> WebSocketStreamDecoder = { WebSocketStreamDecoder(direction: $0) }
) -> DecodeRun {
    var decoder = make(direction)
    var run = DecodeRun()
    var offset = startOffset
    for piece in pieces {
        switch piece {
        case .bytes(let bytes):
            var index = 0
            for size in chunking(bytes.count) {
                run.add(decoder.feed(bytes[index..<index + size], at: offset))
                index += size
                offset += Int64(size)
            }
        case .gap(let length):
            run.add(decoder.gap(at: offset, length: Int64(length)))
            offset += Int64(length)
        }
    }
    run.add(decoder.finish())
    return run
}

/// Decodes the same input whole, byte by byte and in random splits, expects identical
/// results every time, and returns the result.
func decodeEverySplit(
    _ pieces: [Piece], direction: Direction, startOffset: Int64 = 0,
    make: @escaping (Direction) -> WebSocketStreamDecoder = { WebSocketStreamDecoder(direction: $0) },
    sourceLocation: SourceLocation = #_sourceLocation
) -> DecodeRun {
    let reference = decode(pieces, direction: direction, startOffset: startOffset, make: make)
    let total = pieces.reduce(0) { if case .bytes(let b) = $1 { return $0 + b.count } else { return $0 } }
    for (name, _) in Splits.all(total).dropFirst() {
        let seed: UInt64? = name.hasPrefix("random") ? UInt64(name.split(separator: " ").last!) : nil
        let run = decode(pieces, direction: direction, startOffset: startOffset, chunking: { count in
            if let seed { return Splits.random(count, seed: seed &+ UInt64(count)) }
            return Array(repeating: 1, count: count)
        }, make: make)
        #expect(run == reference, "different result when fed \(name)", sourceLocation: sourceLocation)
    }
    return reference
}

/// Frames from a bare parser, fed in the given chunk sizes.
func parseFrames(_ bytes: [UInt8], direction: Direction, chunks: [Int]? = nil,
                 configure: (inout WebSocketFrameParser) -> Void = { _ in }) -> ([WebSocketFrame], [StreamDiagnostic]) {
    var parser = WebSocketFrameParser(direction: direction)
    configure(&parser)
    var frames: [WebSocketFrame] = []
    var offset = 0
    for size in chunks ?? [bytes.count] {
        frames += parser.feed(bytes[offset..<offset + size], at: Int64(offset))
        offset += size
    }
    frames += parser.finish()
    return (frames, parser.takeDiagnostics())
}
