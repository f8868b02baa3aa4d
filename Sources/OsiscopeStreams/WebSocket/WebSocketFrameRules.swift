import OsiscopeWire
/// A frame header read from raw bytes, before any judgement (RFC 6455 §5.2).
struct RawFrameHeader: Equatable {
    var first: UInt8
    var second: UInt8
    var headerLength: Int
    var payloadLength: UInt64
    var extendedLength16: UInt16?
    var extendedLength64: UInt64?
    var maskingKey: [UInt8]?

    var fin: Bool { first & WebSocketFrameLayout.finBit != 0 }
    var rsv1: Bool { first & WebSocketFrameLayout.rsv1Bit != 0 }
    var rsv2: Bool { first & WebSocketFrameLayout.rsv2Bit != 0 }
    var rsv3: Bool { first & WebSocketFrameLayout.rsv3Bit != 0 }
    var opcode: WebSocketOpcode { WebSocketOpcode(rawValue: first) }
    var masked: Bool { second & WebSocketFrameLayout.maskBit != 0 }
    var lengthField: UInt8 { second & WebSocketFrameLayout.lengthMask }

    /// §5.2: "the minimal number of bytes MUST be used to encode the length".
    var lengthIsMinimal: Bool {
        if let value = extendedLength16 { return value > WebSocketFrameLayout.maxShortLength }
        if let value = extendedLength64 { return value > UInt64(UInt16.max) }
        return true
    }

    /// §5.2: "the most significant bit MUST be 0" in the 64-bit length.
    var lengthHighBitSet: Bool { (extendedLength64 ?? 0) >> 63 != 0 }

    /// Reads a header from the start of `bytes`; nil until all its bytes are there.
    static func parse<C: RandomAccessCollection>(_ bytes: C) -> RawFrameHeader? where C.Element == UInt8, C.Index == Int {
        guard bytes.count >= 2 else { return nil }
        let base = bytes.startIndex
        let first = bytes[base]
        let second = bytes[base + 1]
        let headerLength = WebSocketFrameLayout.headerLength(secondByte: second)
        guard bytes.count >= headerLength else { return nil }
        var header = RawFrameHeader(first: first, second: second, headerLength: headerLength, payloadLength: 0)
        var cursor = base + WebSocketFrameLayout.extendedLengthOffset
        switch second & WebSocketFrameLayout.lengthMask {
        case WebSocketFrameLayout.length16Marker:
            let value = UInt16(bytes[cursor]) << 8 | UInt16(bytes[cursor + 1])
            header.extendedLength16 = value
            header.payloadLength = UInt64(value)
            cursor += 2
        case WebSocketFrameLayout.length64Marker:
            var value: UInt64 = 0
            for index in 0..<8 { value = value << 8 | UInt64(bytes[cursor + index]) }
            header.extendedLength64 = value
            header.payloadLength = value
            cursor += 8
        case let short:
            header.payloadLength = UInt64(short)
        }
        if second & WebSocketFrameLayout.maskBit != 0 {
            header.maskingKey = Array(bytes[cursor..<cursor + WebSocketFrameLayout.maskingKeyLength])
        }
        return header
    }
}

/// What a plausible frame looks like for one direction: used to find frames again after lost
/// bytes, and to guess whether a connection whose handshake was not captured is WebSocket.
struct WebSocketFrameRules: Sendable {
    var direction: Direction
    /// RSV1 may be set on the first frame of a data message (permessage-deflate).
    var allowRSV1: Bool
    /// Longer payloads are not believed.
    var maxPayload: UInt64

    /// Checks that need only the first two header bytes.
    func firstBytesPlausible(_ first: UInt8, _ second: UInt8) -> Bool {
        let opcode = WebSocketOpcode(rawValue: first)
        if opcode.isReserved { return false }
        if first & (WebSocketFrameLayout.rsv2Bit | WebSocketFrameLayout.rsv3Bit) != 0 { return false }
        if first & WebSocketFrameLayout.rsv1Bit != 0 {
            guard allowRSV1, opcode == .text || opcode == .binary else { return false }
        }
        let fin = first & WebSocketFrameLayout.finBit != 0
        let lengthField = second & WebSocketFrameLayout.lengthMask
        if opcode.isControl {
            if !fin { return false }
            if UInt64(lengthField) > WebSocketFrameLayout.maxShortLength { return false }
        } else if !fin && lengthField == 0 {
            // Legal but pointless (an empty fragment that is not the last), and what a run of
            // zero bytes looks like: not believed.
            return false
        }
        let masked = second & WebSocketFrameLayout.maskBit != 0
        return masked == (direction == .client)
    }

    func headerPlausible(_ header: RawFrameHeader) -> Bool {
        firstBytesPlausible(header.first, header.second) && header.lengthIsMinimal
            && !header.lengthHighBitSet && header.payloadLength <= maxPayload
    }

    /// Checks on a complete payload (masked as on the wire): text must be UTF-8 (a fragment
    /// may end inside a character), a close payload must hold a valid code.
    func payloadPlausible<C: RandomAccessCollection>(_ header: RawFrameHeader, _ wire: C) -> Bool
    where C.Element == UInt8, C.Index == Int {
        switch header.opcode {
        case .text where !header.rsv1:
            return UTF8Validation.isValid(WebSocketMasking.unmasked(wire, key: header.maskingKey), allowIncompleteEnd: !header.fin)
        case .close:
            if wire.count == 1 { return false }
            if wire.count >= 2 {
                let payload = WebSocketMasking.unmasked(wire.prefix(2), key: header.maskingKey)
                return WebSocketCloseCode(rawValue: UInt16(payload[0]) << 8 | UInt16(payload[1])).mayBeSentOnWire
            }
            return true
        default:
            return true
        }
    }

    /// One step of a chain of frames: the plausible header at `position` of `bytes`, or why
    /// there is none. Both the guess (no handshake) and the search after lost bytes walk
    /// chains with it.
    enum ChainStep {
        case header(RawFrameHeader, payloadStart: Int)
        /// The header is not all there yet.
        case needMore
        case implausible(ChainFailure)
    }

    enum ChainFailure {
        case firstBytes, header, sequence
    }

    func chainStep(_ bytes: ArraySlice<UInt8>, at position: Int, after previous: RawFrameHeader?) -> ChainStep {
        guard bytes.endIndex - position >= 2 else { return .needMore }
        guard firstBytesPlausible(bytes[position], bytes[position + 1]) else { return .implausible(.firstBytes) }
        let headerLength = WebSocketFrameLayout.headerLength(secondByte: bytes[position + 1])
        guard bytes.endIndex - position >= headerLength else { return .needMore }
        guard let header = RawFrameHeader.parse(bytes[position..<(position + headerLength)]), headerPlausible(header) else {
            return .implausible(.header)
        }
        if let previous, !Self.sequencePlausible(previous, header) { return .implausible(.sequence) }
        return .header(header, payloadStart: position + headerLength)
    }

    /// Whether `next` may follow `previous` in one direction (RFC 6455 §5.4): continuations only
    /// inside a fragmented message, no new data message inside one. Control frames may come
    /// between fragments, so after one of them anything goes.
    static func sequencePlausible(_ previous: RawFrameHeader, _ next: RawFrameHeader) -> Bool {
        let previousOpcode = previous.opcode
        if previousOpcode.isControl { return true }
        let nextOpcode = next.opcode
        if nextOpcode.isControl { return true }
        let insideMessage = !previous.fin
        return insideMessage == (nextOpcode == .continuation)
    }
}
