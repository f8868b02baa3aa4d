/// Maps 32-bit TCP sequence numbers onto 64-bit stream offsets, so wrap-around (RFC 9293
/// §3.4: sequence numbers are modulo 2^32) never looks like a jump backwards.
struct SequenceSpace: Sendable {
    /// The sequence number of stream offset 0 (the byte after the SYN).
    let base: UInt32

    /// The stream offset of `sequence`, taken as the one nearest to `near` (an offset already seen).
    func offset(of sequence: UInt32, near: Int64) -> Int64 {
        let low = Int64(sequence &- base)
        let epoch = near >> 32
        var best = (epoch << 32) + low
        for candidate in [best - (1 << 32), best + (1 << 32)] where candidate >= -(1 << 31) {
            if abs(candidate - near) < abs(best - near) { best = candidate }
        }
        return best
    }
}
