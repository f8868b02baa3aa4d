/// Finds the next byte that may need escaping in a JSON string, eight bytes at a time: ASCII
/// controls, quote, backslash, DEL, and the lead bytes C2 (C1 controls) and E2 (U+2028/U+2029).
/// Long message texts are scanned on every `messages --json` line, so this is the hot loop.
enum JSONEscapeScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    static func firstIndex(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                if mayNeedEscape(word) { break }
                index += 8
            }
        }
        while index < bytes.count {
            if needsEscape(bytes[index]) { return index }
            index += 1
        }
        return nil
    }

    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F || byte == 0xC2 || byte == 0xE2
    }

    /// True when some byte of the word may be one of them (exact for "some byte is": the
    /// classic has-zero-byte and has-less-than tests, without false negatives).
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let controls = (word &- ones &* 0x20) & ~word & highs
        return controls | hasByte(word, 0x22) | hasByte(word, 0x5C) | hasByte(word, 0x7F)
            | hasByte(word, 0xC2) | hasByte(word, 0xE2) != 0
    }

    @inline(__always)
    private static func hasByte(_ word: UInt64, _ byte: UInt64) -> UInt64 {
        let x = word ^ (ones &* byte)
        return (x &- ones) & ~x & highs
    }
}
