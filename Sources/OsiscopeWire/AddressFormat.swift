/// Text forms of link and network addresses.
public enum AddressFormat {
    /// "00:1a:2b:3c:4d:5e".
    public static func mac<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(unsafeUninitializedCapacity: max(0, bytes.count * 3 - 1)) { buffer in
            var index = 0
            for byte in bytes {
                if index > 0 { buffer[index] = UInt8(ascii: ":"); index += 1 }
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }

    /// Dotted quad for 4 bytes, RFC 5952 text for 16, hex otherwise.
    public static func ip<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let bytes = Array(bytes)
        switch bytes.count {
        case 4: return bytes.map(String.init).joined(separator: ".")
        case 16: return ipv6(bytes)
        default: return bytes.map { hexByte($0) }.joined()
        }
    }

    /// RFC 5952: lowercase, no leading zeros, the longest run of two or more zero groups as "::".
    static func ipv6(_ bytes: [UInt8]) -> String {
        let groups: [UInt16] = (0..<8).map { (index: Int) -> UInt16 in UInt16(bytes[2 * index]) << 8 | UInt16(bytes[2 * index + 1]) }
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8 && groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength { bestStart = runStart; bestLength = index - runStart }
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        // IPv4-mapped addresses keep their dotted tail, as tshark prints them.
        if bestStart == 0 && bestLength == 5 && groups[5] == 0xffff {
            return "::ffff:" + bytes[12...].map(String.init).joined(separator: ".")
        }
        var text = ""
        var index = 0
        while index < 8 {
            if index == bestStart {
                text += "::"
                index += bestLength
                continue
            }
            if !text.isEmpty && !text.hasSuffix(":") { text += ":" }
            text += String(groups[index], radix: 16)
            index += 1
        }
        return text
    }

    private static let digits = Array("0123456789abcdef".utf8)

    public static func hexByte(_ byte: UInt8) -> String {
        String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
    }

    /// Lowercase hex digits, two per byte, built in one buffer (payloads can be large).
    public static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if let text = bytes.withContiguousStorageIfAvailable(hex(buffer:)) { return text }
        return Array(bytes).withUnsafeBufferPointer(hex(buffer:))
    }

    private static func hex(buffer bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            var index = 0
            for byte in bytes {
                out[index] = digit(byte >> 4)
                out[index + 1] = digit(byte & 0x0f)
                index += 2
            }
            return index
        }
    }

    @inline(__always)
    private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }
}
