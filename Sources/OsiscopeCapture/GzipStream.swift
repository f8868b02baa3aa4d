import CZlib

/// Decompresses a gzip file (RFC 1952) as it is read, for captures saved as `.pcap.gz` or
/// `.pcapng.gz` (tshark reads them too). Members written one after another are read as one
/// stream, as gzip itself does. Output comes in pieces no larger than asked for, so a small
/// file cannot swell memory whatever it inflates to.
final class GzipStream {
    private var stream = z_stream()
    private var ready = false
    /// Compressed bytes read but not yet inflated.
    private var pending: [UInt8]
    private var pendingStart = 0
    /// Compressed bytes consumed so far, for error messages.
    private(set) var compressedOffset = 0
    private(set) var failure: String?
    /// Inside a member: its end (and checksum) has not been read yet.
    private(set) var insideMember = false

    /// `initial`: the bytes already read from the file (its start).
    init(initial: [UInt8]) {
        pending = initial
        ready = osiscope_inflateInit2(&stream, 15 + 16) == Z_OK
        if !ready { failure = "zlib could not start" }
    }

    deinit {
        if ready { inflateEnd(&stream) }
    }

    /// Compressed input is needed before more output can come.
    var needsInput: Bool { pendingStart >= pending.count }

    func supply(_ bytes: ArraySlice<UInt8>) {
        pending.removeFirst(pendingStart)
        pendingStart = 0
        pending.append(contentsOf: bytes)
    }

    /// Inflates into `output`; returns the bytes written (0 when input is needed or on failure).
    func inflate(into output: UnsafeMutableRawBufferPointer) -> Int {
        guard ready, failure == nil, !needsInput, output.count > 0 else { return 0 }
        var produced = 0
        pending.withUnsafeMutableBufferPointer { input in
            stream.next_in = input.baseAddress! + pendingStart
            stream.avail_in = UInt32(input.count - pendingStart)
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.avail_out = UInt32(output.count)
            let result = CZlib.inflate(&stream, Z_NO_FLUSH)
            let consumed = input.count - pendingStart - Int(stream.avail_in)
            pendingStart += consumed
            compressedOffset += consumed
            if consumed > 0 { insideMember = true }
            produced = output.count - Int(stream.avail_out)
            switch result {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                // Another member may follow.
                insideMember = false
                inflateReset(&stream)
            default:
                failure = stream.msg.map { String(cString: $0) } ?? "invalid compressed data (zlib \(result))"
            }
        }
        return produced
    }
}
