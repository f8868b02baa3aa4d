/// RFC 6455 §5.3: payload byte i is XORed with key byte (i mod 4). Applied eight bytes at a
/// time, since every client payload goes through it.
enum WebSocketMasking {
    /// XORs `buffer` with `key`, the buffer's first byte being payload byte `phase` (mod 4).
    static func apply(_ key: [UInt8], phase: Int, to buffer: UnsafeMutableBufferPointer<UInt8>) {
        guard key.count == 4, let base = buffer.baseAddress else { return }
        // The key as it lines up with the buffer: byte j of the word is key[(phase + j) & 3]
        // (built in a register: this runs for every client payload chunk).
        var word: UInt64 = 0
        for j in 0..<8 { word |= UInt64(key[(phase + j) & 3]) << UInt64(8 * j) }
        word = UInt64(littleEndian: word)
        let raw = UnsafeMutableRawPointer(base)
        var index = 0
        while index + 8 <= buffer.count {
            let value = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            raw.storeBytes(of: value ^ word, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < buffer.count {
            buffer[index] ^= key[(phase + index) & 3]
            index += 1
        }
    }

    static func unmasked<C: Collection>(_ bytes: C, key: [UInt8]?) -> [UInt8] where C.Element == UInt8 {
        var result = Array(bytes)
        if let key { result.withUnsafeMutableBufferPointer { apply(key, phase: 0, to: $0) } }
        return result
    }
}
