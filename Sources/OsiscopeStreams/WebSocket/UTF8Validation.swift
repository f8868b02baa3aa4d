/// Strict UTF-8 validation (RFC 3629 §4): no overlong forms, no surrogates, nothing above
/// U+10FFFF. WebSocket text messages and close reasons must pass it (RFC 6455 §5.6, §8.1).
enum UTF8Validation {
    enum Result: Equatable {
        case valid
        /// The byte at this index starts or continues an invalid sequence.
        case invalid(at: Int)
        /// Valid up to a sequence that the end cuts short (a fragment or a truncated payload).
        case incompleteAtEnd(at: Int)
    }

    static func check<C: Collection>(_ bytes: C) -> Result where C.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ check(buffer: $0) }) { return result }
        return Array(bytes).withUnsafeBufferPointer { check(buffer: $0) }
    }

    /// True when the bytes are valid UTF-8, or valid up to a sequence cut by the end and
    /// `allowIncompleteEnd` is set.
    static func isValid<C: Collection>(_ bytes: C, allowIncompleteEnd: Bool = false) -> Bool where C.Element == UInt8 {
        switch check(bytes) {
        case .valid: true
        case .invalid: false
        case .incompleteAtEnd: allowIncompleteEnd
        }
    }

    static func check(buffer: UnsafeBufferPointer<UInt8>) -> Result {
        let count = buffer.count
        var index = 0
        let raw = buffer.baseAddress.map(UnsafeRawPointer.init)
        while index < count {
            // ASCII eight bytes at a time: most text is ASCII.
            if let raw, index + 8 <= count,
               raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
                continue
            }
            let lead = buffer[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // Allowed range of the second byte, and the sequence length (RFC 3629 §4).
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return .invalid(at: index)
            }
            for position in 1..<length {
                let at = index + position
                if at >= count { return .incompleteAtEnd(at: index) }
                let byte = buffer[at]
                let range: ClosedRange<UInt8> = position == 1 ? low...high : 0x80...0xBF
                if !range.contains(byte) { return .invalid(at: index) }
            }
            index += length
        }
        return .valid
    }
}
