/// RFC 6455 §5.3: payload byte i is XORed with key byte (i mod 4). Applied eight bytes at a
/// time, since every client payload goes through it.
enum WebSocketMasking {
    /// XORs `buffer` with `key`, the buffer's first byte being payload byte `phase` (mod 4).
    static func apply(_ key: [UInt8], phase: Int, to buffer: UnsafeMutableBufferPointer<UInt8>) {
        guard key.count == 4, let base = buffer.baseAddress else { return }
        // The key as it lines up with the buffer: byte j of the word is key[(phase + j) & 3].
        var rotated = [UInt8](repeating: 0, count: 8)
        for j in 0..<8 { rotated[j] = key[(phase + j) & 3] }
        let word = rotated.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        let raw = UnsafeMutableRawPointer(base)
        var index = 0
        while index + 8 <= buffer.count {
            let value = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            raw.storeBytes(of: value ^ word, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < buffer.count {
            buffer[index] ^= rotated[index & 7]
            index += 1
        }
    }

    static func unmasked<C: Collection>(_ bytes: C, key: [UInt8]?) -> [UInt8] where C.Element == UInt8 {
        var result = Array(bytes)
        if let key { result.withUnsafeMutableBufferPointer { apply(key, phase: 0, to: $0) } }
        return result
    }
}
