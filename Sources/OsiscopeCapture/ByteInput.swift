#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered sequential reads from a file descriptor (a file, a pipe or standard input),
/// so readers never need the whole capture in memory.
final class ByteInput {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var reachedEnd = false
    /// File offset of `buffer[start]`.
    private(set) var offset = 0

    init(fileDescriptor: Int32, ownsDescriptor: Bool, bufferSize: Int = 1 << 20) {
        fd = fileDescriptor
        self.ownsDescriptor = ownsDescriptor
        buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    /// In-memory input, for tests and for bytes already read.
    convenience init(bytes: [UInt8]) {
        self.init(fileDescriptor: -1, ownsDescriptor: false, bufferSize: max(bytes.count, 1))
        buffer.replaceSubrange(0..<bytes.count, with: bytes)
        end = bytes.count
        reachedEnd = true
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    var available: Int { end - start }

    /// Makes at least `count` bytes available unless the input ends first; returns how many are.
    @discardableResult
    func fill(_ count: Int) throws -> Int {
        if available >= count || reachedEnd { return available }
        if count > buffer.count - start {
            // Move unread bytes to the front, and grow only when one record needs more room.
            if start > 0 {
                buffer.withUnsafeMutableBufferPointer { pointer in
                    let base = pointer.baseAddress!
                    base.update(from: base + start, count: end - start)
                }
                end -= start
                start = 0
            }
            if count > buffer.count {
                buffer.append(contentsOf: repeatElement(0, count: count - buffer.count))
            }
        }
        while available < count && !reachedEnd {
            let got = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + end, raw.count - end)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw CaptureError(.io, at: offset + available, "read failed: \(String(cString: strerror(errno)))")
            }
            if got == 0 { reachedEnd = true } else { end += got }
        }
        return available
    }

    /// The next `count` bytes without consuming them; call `fill` first.
    func peek<T>(_ count: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        precondition(count <= available)
        return try buffer.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + count)]))
        }
    }

    func bytes(_ count: Int) -> [UInt8] {
        precondition(count <= available)
        return Array(buffer[start..<(start + count)])
    }

    func skip(_ count: Int) {
        precondition(count <= available)
        start += count
        offset += count
    }

    /// Skips `count` bytes that may lie beyond the buffer; returns false if the input ended first.
    func discard(_ count: Int) throws -> Bool {
        var remaining = count
        while remaining > 0 {
            let chunk = min(remaining, buffer.count)
            let have = try fill(chunk)
            let step = min(have, chunk)
            if step == 0 { return false }
            skip(step)
            remaining -= step
        }
        return true
    }
}

extension UnsafeRawBufferPointer {
    func u16(_ at: Int, bigEndian: Bool) -> UInt16 {
        let value = loadUnaligned(fromByteOffset: at, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: value) : UInt16(littleEndian: value)
    }

    func u32(_ at: Int, bigEndian: Bool) -> UInt32 {
        let value = loadUnaligned(fromByteOffset: at, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: value) : UInt32(littleEndian: value)
    }

    func u64(_ at: Int, bigEndian: Bool) -> UInt64 {
        let value = loadUnaligned(fromByteOffset: at, as: UInt64.self)
        return bigEndian ? UInt64(bigEndian: value) : UInt64(littleEndian: value)
    }
}
