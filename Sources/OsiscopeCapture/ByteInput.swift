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
    /// File offset of `buffer[start]` (in the decompressed bytes of a gzip file).
    private(set) var offset = 0
    /// Bytes read from the descriptor so far (compressed ones for a gzip file): the progress
    /// through a file of known size.
    private(set) var sourceBytesRead = 0
    /// Set once the input turned out to be gzip-compressed.
    private var gzip: GzipStream?
    private var compressed: [UInt8] = []

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
            if let gzip {
                try inflate(gzip)
                continue
            }
            let got = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + end, raw.count - end)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw CaptureError(.io, at: offset + available, "read failed: \(String(cString: strerror(errno)))")
            }
            if got == 0 { reachedEnd = true } else { end += got; sourceBytesRead += got }
        }
        return available
    }

    /// From here on the bytes are gzip-compressed: what is buffered is the start of the
    /// compressed file, and reads are inflated as they arrive.
    func startGunzip() {
        let gzip = GzipStream(initial: Array(buffer[start..<end]))
        self.gzip = gzip
        end = start
        reachedEnd = false
    }

    /// Inflates into the buffer's free space, reading compressed bytes when needed.
    private func inflate(_ gzip: GzipStream) throws {
        if gzip.needsInput {
            if compressed.isEmpty { compressed = [UInt8](repeating: 0, count: 1 << 16) }
            let got = compressed.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress!, raw.count) }
            if got > 0 { sourceBytesRead += got }
            if got < 0 {
                if errno == EINTR { return }
                throw CaptureError(.io, at: offset + available, "read failed: \(String(cString: strerror(errno)))")
            }
            if got == 0 {
                if gzip.insideMember {
                    throw CaptureError(.cutOff, at: offset + available,
                                       "the gzip file is cut off after \(gzip.compressedOffset) compressed bytes")
                }
                reachedEnd = true
                return
            }
            gzip.supply(compressed[0..<got])
        }
        let produced = buffer.withUnsafeMutableBytes { raw in
            gzip.inflate(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
        }
        end += produced
        if let failure = gzip.failure {
            throw CaptureError(.io, at: offset + available,
                               "the gzip compression is damaged at compressed byte \(gzip.compressedOffset): \(failure)")
        }
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
