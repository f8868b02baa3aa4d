/// A key as an interactive view sees it, decoded from the bytes a terminal sends.
public enum Key: Sendable, Equatable {
    case character(Character)
    case enter, tab, backspace, escape
    case up, down, left, right, pageUp, pageDown, home, end
    /// Ctrl-C in raw mode (no signal is sent then).
    case interrupt
    /// Ctrl-D on an empty line, or the input ended.
    case endOfInput
}

/// Turns the bytes read from a terminal in raw mode into keys: plain characters (UTF-8), the
/// control keys, and the escape sequences of arrows and page keys (both the CSI `ESC [` and the
/// SS3 `ESC O` forms). Bytes of a sequence split across reads are kept for the next read.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// The keys these bytes complete. `final`: nothing more is coming at once, so a lone ESC
    /// is the Escape key rather than the start of a sequence.
    public mutating func keys(_ bytes: [UInt8], final: Bool = true) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        var index = 0
        while index < pending.count {
            let byte = pending[index]
            switch byte {
            case 0x1B:
                guard index + 1 < pending.count else {
                    if final { keys.append(.escape); index += 1 }
                    pending.removeFirst(index)
                    return keys
                }
                guard let (key, length) = Self.sequence(pending[index...]) else {
                    if final || pending.count - index > 8 {
                        keys.append(.escape)
                        index += 1
                        continue
                    }
                    pending.removeFirst(index)
                    return keys
                }
                if let key { keys.append(key) }
                index += length
            case 0x0D, 0x0A: keys.append(.enter); index += 1
            case 0x09: keys.append(.tab); index += 1
            case 0x7F, 0x08: keys.append(.backspace); index += 1
            case 0x03: keys.append(.interrupt); index += 1
            case 0x04: keys.append(.endOfInput); index += 1
            case 0x00..<0x20: index += 1 // other control bytes mean nothing here
            default:
                let length = byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
                guard index + length <= pending.count else {
                    pending.removeFirst(index)
                    return keys
                }
                let text = String(decoding: pending[index..<(index + length)], as: UTF8.self)
                if let character = text.first, text != "\u{FFFD}" || length == 3 { keys.append(.character(character)) }
                index += length
            }
        }
        pending.removeAll()
        return keys
    }

    /// An escape sequence at the start of `bytes`: the key (nil for one that means nothing
    /// here) and its length; nil when it is not complete yet.
    static func sequence(_ bytes: ArraySlice<UInt8>) -> (Key?, Int)? {
        let start = bytes.startIndex
        guard bytes.count >= 2 else { return nil }
        let introducer = bytes[start + 1]
        if introducer == UInt8(ascii: "O") {
            guard bytes.count >= 3 else { return nil }
            return (arrow(bytes[start + 2]), 3)
        }
        guard introducer == UInt8(ascii: "[") else { return (.escape, 1) }
        // CSI: parameters (digits and ;), then one final byte in 0x40...0x7E.
        var index = start + 2
        while index < bytes.endIndex, (0x30...0x3F).contains(bytes[index]) { index += 1 }
        guard index < bytes.endIndex else { return nil }
        let final = bytes[index], length = index - start + 1
        if final == UInt8(ascii: "~") {
            let number = Int(String(decoding: bytes[(start + 2)..<index], as: UTF8.self).split(separator: ";").first ?? "")
            let key: Key? = switch number {
            case 1, 7: .home
            case 4, 8: .end
            case 5: .pageUp
            case 6: .pageDown
            default: nil
            }
            return (key, length)
        }
        return (arrow(final), length)
    }

    static func arrow(_ byte: UInt8) -> Key? {
        switch byte {
        case UInt8(ascii: "A"): .up
        case UInt8(ascii: "B"): .down
        case UInt8(ascii: "C"): .right
        case UInt8(ascii: "D"): .left
        case UInt8(ascii: "H"): .home
        case UInt8(ascii: "F"): .end
        default: nil
        }
    }
}
