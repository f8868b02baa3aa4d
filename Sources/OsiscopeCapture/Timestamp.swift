/// A capture timestamp: whole seconds since the Unix epoch plus nanoseconds, and how many
/// decimal digits the capture really recorded (6 for microsecond pcap, 9 for nanosecond).
public struct Timestamp: Sendable, Hashable, Comparable {
    public var seconds: Int64
    public var nanoseconds: UInt32
    public var fractionDigits: Int

    public init(seconds: Int64, nanoseconds: UInt32, fractionDigits: Int = 9) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.fractionDigits = fractionDigits
    }

    /// Builds a timestamp from a count of `units`, where one second holds `resolution` units.
    public init(units: UInt64, resolution: TimestampResolution, offsetSeconds: Int64 = 0) {
        switch resolution {
        case .decimal(let exponent):
            let perSecond = Timestamp.powerOfTen(exponent)
            let fraction = units % perSecond
            seconds = Int64(truncatingIfNeeded: units / perSecond) &+ offsetSeconds
            if exponent <= 9 {
                nanoseconds = UInt32(fraction * Timestamp.powerOfTen(9 - exponent))
            } else {
                nanoseconds = UInt32(fraction / Timestamp.powerOfTen(exponent - 9))
            }
            fractionDigits = min(Int(exponent), 9)
        case .binary(let exponent):
            let shift = UInt64(min(exponent, 63))
            let fraction = units & ((1 << shift) &- 1)
            seconds = Int64(truncatingIfNeeded: units >> shift) &+ offsetSeconds
            // fraction * 1e9 may overflow 64 bits, so multiply in full width before shifting.
            let product = fraction.multipliedFullWidth(by: 1_000_000_000)
            let nanos = shift == 0 ? 0 : (product.low >> shift) | (product.high << (64 - shift))
            nanoseconds = UInt32(min(nanos, 999_999_999))
            fractionDigits = 9
        }
    }

    /// Decimal seconds with the capture's own precision, e.g. "1700000000.123456".
    public var decimalString: String {
        guard fractionDigits > 0 else { return String(seconds) }
        let scaled = UInt64(nanoseconds) / Timestamp.powerOfTen(UInt8(9 - fractionDigits))
        var fraction = String(scaled)
        if fraction.count < fractionDigits {
            fraction = String(repeating: "0", count: fractionDigits - fraction.count) + fraction
        }
        return "\(seconds).\(fraction)"
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// Seconds between two timestamps as a Double, for display only.
    public func seconds(since earlier: Timestamp) -> Double {
        // In Double: hostile timestamps can be any Int64, and their difference must not trap.
        (Double(seconds) - Double(earlier.seconds)) + (Double(nanoseconds) - Double(earlier.nanoseconds)) / 1e9
    }

    static func powerOfTen(_ exponent: UInt8) -> UInt64 {
        var value: UInt64 = 1
        for _ in 0..<min(exponent, 19) { value *= 10 }
        return value
    }
}

/// How finely a capture counts time: 10^-n or 2^-n of a second (pcapng `if_tsresol`).
public enum TimestampResolution: Sendable, Hashable {
    case decimal(UInt8)
    case binary(UInt8)

    public static let microseconds = TimestampResolution.decimal(6)
    public static let nanoseconds = TimestampResolution.decimal(9)

    /// Decodes the one-byte `if_tsresol` option: high bit clear means a power of ten.
    public init(ifTsresol byte: UInt8) {
        self = byte & 0x80 == 0 ? .decimal(byte) : .binary(byte & 0x7f)
    }
}
