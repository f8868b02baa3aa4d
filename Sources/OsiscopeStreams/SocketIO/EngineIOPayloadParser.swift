/// Splits an HTTP long-polling body into Engine.IO packets, taking bytes as they come.
///
/// - v4: packets separated by the record separator 0x1E, binary ones as `b` + base64.
/// - v3: each packet prefixed by its length in characters and a colon (`6:4hello`); or, in
///   the binary payload form (first byte 0 or 1), a byte 0 (text) or 1 (binary), the length as
///   one byte per decimal digit, 0xFF, then the packet.
///
/// After a framing error the rest of the payload is skipped: its packet boundaries are lost.
public struct EngineIOPayloadParser {
    public typealias Item = Result<EngineIOPacket, EngineIOParseError>

    public let version: EngineIOVersion
    private var held: [UInt8] = []
    /// Payload offset of `held[0]`.
    private var heldOffset = 0
    /// Bytes of `held` already split off (dropped once per feed, not per packet: a body of
    /// thousands of small packets must not be shifted thousands of times).
    private var read = 0
    private var failed = false
    private var emittedAny = false
    /// v3 only: the binary payload form, decided by the first byte.
    private var binaryForm: Bool?

    static let recordSeparator: UInt8 = 0x1E
    /// Length prefixes longer than this are not lengths (and would overflow).
    static let maximumLengthDigits = 10

    public init(version: EngineIOVersion) {
        self.version = version
    }

    public mutating func feed(_ bytes: some Collection<UInt8>) -> [Item] {
        guard !failed else { return [] }
        held.append(contentsOf: bytes)
        return version == .v4 ? splitV4(atEnd: false) : splitV3(atEnd: false)
    }

    /// The payload ended: what is held is the last packet (v4) or a cut one (v3).
    public mutating func finish() -> [Item] {
        guard !failed else { return [] }
        var items = version == .v4 ? splitV4(atEnd: true) : splitV3(atEnd: true)
        if !held.isEmpty && !failed {
            items.append(.failure(EngineIOParseError(offset: heldOffset, reason: "the payload ends inside a packet", framing: true)))
            failed = true
        } else if !emittedAny && items.isEmpty && !failed {
            items.append(.failure(EngineIOParseError(offset: 0, reason: "an empty payload")))
        }
        held = []
        return items
    }

    private mutating func compact() {
        held.removeFirst(read)
        heldOffset += read
        read = 0
    }

    private mutating func splitV4(atEnd: Bool) -> [Item] {
        var items: [Item] = []
        var start = 0
        while let separator = held[start...].firstIndex(of: Self.recordSeparator) {
            items.append(EngineIOPacket.parseText(held[start..<separator], version: .v4, at: heldOffset + start))
            start = separator + 1
        }
        if atEnd && start < held.count {
            items.append(EngineIOPacket.parseText(held[start...], version: .v4, at: heldOffset + start))
            start = held.count
        } else if atEnd && (start > 0 || emittedAny) {
            // The payload ends with a separator: an empty last packet.
            items.append(.failure(EngineIOParseError(offset: heldOffset + start, reason: "an empty packet")))
        }
        read = start
        compact()
        emittedAny = emittedAny || !items.isEmpty
        return items
    }

    /// The v3 readers work on `held[read...]` with `held`'s own indices.
    private mutating func splitV3(atEnd: Bool) -> [Item] {
        var items: [Item] = []
        while read < held.count && !failed {
            if binaryForm == nil { binaryForm = held[read] <= 1 }
            let next = binaryForm == true ? nextBinaryFormPacket(atEnd: atEnd) : nextLengthPrefixedPacket(atEnd: atEnd)
            guard let next else { break }
            items.append(next)
            if case .failure(let error) = next, error.framing { failed = true }
        }
        compact()
        emittedAny = emittedAny || !items.isEmpty
        return items
    }

    private func fail(_ offset: Int, _ reason: String) -> Item {
        .failure(EngineIOParseError(offset: heldOffset + offset, reason: reason, framing: true))
    }

    /// `len:packet`; nil while more bytes are needed.
    private mutating func nextLengthPrefixedPacket(atEnd: Bool) -> Item? {
        let unread = held[read...]
        guard let colon = unread.prefix(Self.maximumLengthDigits + 1).firstIndex(of: UInt8(ascii: ":")) else {
            if unread.count > Self.maximumLengthDigits || unread.contains(where: { !$0.isASCIIDigit }) {
                return fail(read, "a v3 packet must start with its length and ':'")
            }
            return nil
        }
        guard colon > read, held[read..<colon].allSatisfy(\.isASCIIDigit),
              let length = Int(String(decoding: held[read..<colon], as: UTF8.self)) else {
            return fail(read, "a v3 packet must start with its length and ':'")
        }
        let start = colon + 1
        guard let end = endOfPacket(from: start, characters: length, atEnd: atEnd) else {
            return atEnd ? fail(read, "the length prefix says \(length) characters but the payload ends first") : nil
        }
        let item = EngineIOPacket.parseText(held[start..<end], version: .v3, at: heldOffset + start)
        read = end
        return item
    }

    /// Where `characters` characters from `start` end, counted as JavaScript counts (UTF-16
    /// units) and, when that does not land on a packet boundary, as Python counts (code
    /// points); nil when the bytes held are not enough yet.
    private func endOfPacket(from start: Int, characters: Int, atEnd: Bool) -> Int? {
        let utf16 = advance(from: start, characters: characters, astralCountsTwo: true)
        let scalars = advance(from: start, characters: characters, astralCountsTwo: false)
        func boundary(_ end: Int?) -> Bool? {
            guard let end else { return nil }
            if end == held.count { return atEnd ? true : nil }
            return held[end].isASCIIDigit
        }
        switch (boundary(utf16), boundary(scalars)) {
        case (true, _): return utf16
        case (_, true): return scalars
        case (nil, _), (_, nil): return nil
        default: return utf16
        }
    }

    private func advance(from start: Int, characters: Int, astralCountsTwo: Bool) -> Int? {
        var index = start, counted = 0
        while counted < characters {
            guard index < held.count else { return nil }
            let lead = held[index]
            let width = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            index += width
            counted += width == 4 && astralCountsTwo ? 2 : 1
        }
        return index <= held.count ? index : nil
    }

    /// The v3 binary payload form: kind byte, length digits as bytes, 0xFF, packet.
    private mutating func nextBinaryFormPacket(atEnd: Bool) -> Item? {
        let unread = held[read...]
        let kind = held[read]
        guard kind <= 1 else { return fail(read, "a v3 binary payload packet starts with 0 (text) or 1 (binary)") }
        guard let marker = unread.prefix(Self.maximumLengthDigits + 2).firstIndex(of: 0xFF) else {
            if unread.count > Self.maximumLengthDigits + 1 || unread.dropFirst().contains(where: { $0 > 9 }) {
                return fail(read + 1, "the length digits of a v3 binary payload packet must end with 0xFF")
            }
            return nil
        }
        let digits = held[(read + 1)..<marker]
        guard !digits.isEmpty, digits.allSatisfy({ $0 <= 9 }) else {
            return fail(read + 1, "the length of a v3 binary payload packet is one byte per decimal digit")
        }
        let length = digits.reduce(0) { $0 * 10 + Int($1) }
        let start = marker + 1
        guard held.count >= start + length else {
            return atEnd ? fail(read, "the length says \(length) bytes but the payload ends first") : nil
        }
        let body = held[start..<(start + length)]
        let item: Item
        if kind == 0 {
            item = EngineIOPacket.parseText(body, version: .v3, at: heldOffset + start)
        } else if let type = body.first {
            // The range is the data's: the type byte before it is not part of the packet's bytes shown.
            item = .success(EngineIOPacket(type: EngineIOPacketType(code: type), data: Array(body.dropFirst()), isBinary: true,
                                           range: (heldOffset + start + 1)..<(heldOffset + start + length)))
        } else {
            item = .failure(EngineIOParseError(offset: heldOffset + start, reason: "an empty binary packet"))
        }
        read = start + length
        return item
    }

}
