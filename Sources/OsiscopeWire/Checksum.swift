/// The Internet checksum (RFC 1071) and the pseudo-header that TCP, UDP and ICMPv6 add to it.
struct PseudoHeader {
    var source: [UInt8]
    var destination: [UInt8]
    /// Upper-layer length: set by IP from its own length fields.
    var length: Int
    var protocolNumber: UInt8

    /// One's-complement sum of the pseudo-header (RFC 793 for IPv4, RFC 8200 §8.1 for IPv6).
    var sum: UInt32 {
        var total = InternetChecksum.add(source[...], to: 0)
        total = InternetChecksum.add(destination[...], to: total)
        if source.count == 16 {
            total += UInt32(length >> 16) + UInt32(length & 0xffff) + UInt32(protocolNumber)
        } else {
            total += UInt32(protocolNumber) + UInt32(length & 0xffff)
        }
        return total
    }
}

enum InternetChecksum {
    static func add(_ bytes: ArraySlice<UInt8>, to initial: UInt32) -> UInt32 {
        var total = UInt64(initial)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            total += UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            index += 2
        }
        if index < bytes.endIndex { total += UInt64(bytes[index]) << 8 }
        return fold64(total)
    }

    static func fold(_ value: UInt32) -> UInt16 {
        var sum = value
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return UInt16(sum)
    }

    private static func fold64(_ value: UInt64) -> UInt32 {
        var sum = value
        while sum >> 32 != 0 { sum = (sum & 0xffff_ffff) + (sum >> 32) }
        return UInt32(sum & 0xffff) + UInt32(sum >> 16)
    }

    /// The verdict on a checksum, with the note shown next to it.
    enum Verdict {
        case correct, incorrect(expected: UInt16), offloaded, unchecked(String)

        var note: String {
            switch self {
            case .correct: "[correct]"
            case .incorrect(let expected): "[incorrect, should be 0x\(String(expected, radix: 16).leftPadded(to: 4))]"
            case .offloaded: "[not yet computed: left to the network card (checksum offload)]"
            case .unchecked(let why): "[unverified: \(why)]"
            }
        }
    }

    /// Checks a transport checksum over `segment` with the pseudo-header sum. When the stored
    /// value is just the pseudo-header sum, the sender left the work to its network card, as
    /// Linux does on loopback: that is not an error.
    static func verify(segment: ArraySlice<UInt8>, stored: UInt16, pseudoSum: UInt32) -> Verdict {
        if fold(add(segment, to: pseudoSum)) == 0xffff { return .correct }
        let pseudo = fold(pseudoSum)
        if stored == pseudo || stored == ~pseudo { return .offloaded }
        // Recompute with the checksum field treated as zero to tell the user what it should be.
        return .incorrect(expected: ~fold(add(segment, to: pseudoSum) &+ UInt32(~stored)))
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
