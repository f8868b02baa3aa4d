import CZlib

/// A zlib inflate stream that keeps its window between calls (permessage-deflate's context
/// takeover needs that) and never produces more than a caller-set number of bytes per call,
/// so a small input cannot blow up into gigabytes (a "deflate bomb").
public final class Inflater {
    public enum Format: Sendable {
        /// Raw DEFLATE (RFC 1951), as permessage-deflate sends it.
        case raw
        /// zlib (RFC 1950) or gzip (RFC 1952) framing, detected from the header (HTTP bodies).
        case zlibOrGzip
    }

    public enum Outcome: Equatable, Sendable {
        /// All input was consumed (the stream may go on with more input).
        case ok
        /// The output reached the limit; the rest was not inflated.
        case limitReached
        /// The compressed data is invalid; zlib's message.
        case failed(String)
    }

    private var stream = z_stream()
    private var ready = false
    private let format: Format

    public init(format: Format) {
        self.format = format
        // Raw DEFLATE is read with a 32 KiB window whatever was negotiated: a smaller
        // window's data is still valid input for a larger window.
        let bits: Int32 = format == .raw ? -15 : 15 + 32
        ready = osiscope_inflateInit2(&stream, bits) == Z_OK
    }

    deinit {
        if ready { inflateEnd(&stream) }
    }

    /// Inflates `input`, appending to `output` until it holds at most `limit` bytes.
    public func inflate(_ input: [UInt8], into output: inout [UInt8], limit: Int) -> Outcome {
        guard ready else { return .failed("zlib could not be initialised") }
        // Inflating one byte past the limit tells "exactly at the limit" from "over it".
        let cap = limit + 1
        var outcome = Outcome.ok
        // Where zlib writes before the bytes join the output: left uncleared (zlib overwrites
        // what is used), and not kept, since thousands of connections may each have an inflater.
        var scratch = [UInt8](unsafeUninitializedCapacity: 16_384) { _, count in count = 16_384 }
        input.withUnsafeBufferPointer { inputBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            stream.avail_in = UInt32(inputBuffer.count)
            while output.count < cap {
                let chunk = min(cap - output.count, scratch.count)
                let status: Int32 = scratch.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunk)
                    return CZlib.inflate(&stream, Z_SYNC_FLUSH)
                }
                let produced = chunk - Int(stream.avail_out)
                output.append(contentsOf: scratch[0..<produced])
                if status == Z_STREAM_END { break } // zlib/gzip bodies end here; trailing bytes are ignored.
                if status == Z_BUF_ERROR { break } // No progress possible: all input used.
                if status != Z_OK {
                    outcome = .failed(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)")
                    break
                }
                if stream.avail_in == 0 && stream.avail_out > 0 { break } // All input used, output flushed.
            }
            stream.next_in = nil
            stream.avail_in = 0
        }
        if output.count > limit {
            output.removeLast(output.count - limit)
            outcome = .limitReached
        }
        return outcome
    }

    /// Starts a fresh window (permessage-deflate's `*_no_context_takeover`).
    public func reset() {
        if ready { inflateReset(&stream) }
    }
}
