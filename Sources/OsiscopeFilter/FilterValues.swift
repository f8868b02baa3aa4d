#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OsiscopeWire

/// A field's value as filters compare it.
enum Scalar {
    case integer(Int128)
    case real(Double)
    case text(String)
    case bytes([UInt8])
}

extension FilterOccurrence {
    var scalar: Scalar? {
        switch value {
        case .number(let number): .integer(Int128(number))
        case .signed(let number): .integer(Int128(number))
        case .flag(let on): .integer(on ? 1 : 0)
        case .seconds(let seconds): .real(seconds)
        case .text(let text): .text(text)
        case .bytes(let bytes): .bytes(bytes)
        case .none: nil
        }
    }

    /// The value as bytes, for slices and byte-string comparisons: raw bytes as they are, a
    /// hex-formatted number at its width (Wireshark's masking key is four bytes), an address
    /// as its bytes, other text as UTF-8.
    var bytes: [UInt8]? {
        switch value {
        case .bytes(let bytes): return bytes
        case .number(let number):
            guard case .hex(let digits)? = descriptor?.format else { return nil }
            let width = max(1, (digits + 1) / 2)
            return (0..<width).reversed().map { UInt8(truncatingIfNeeded: number >> (8 * UInt64($0))) }
        case .text(let text):
            return AddressLiteral(text)?.bytes ?? ByteString.parse(text).flatMap { $0.count == 6 ? $0 : nil } ?? Array(text.utf8)
        default: return nil
        }
    }

    /// The value as text, for `matches`.
    var text: String? {
        switch value {
        case .text(let text): text
        case .bytes(let bytes): String(decoding: bytes, as: UTF8.self)
        case .number(let number): String(number)
        case .signed(let number): String(number)
        case .flag(let on): on ? "1" : "0"
        case .seconds(let seconds): String(seconds)
        case .none: nil
        }
    }

    /// The name the registry gives this value ("Text" for WebSocket opcode 1).
    var valueName: String? {
        guard case .number(let number) = value else { return nil }
        return descriptor?.names?(number)
    }
}

/// Integers as tshark reads them (C's strtol with base 0): `0x` hex, a leading 0 octal,
/// `0b` binary, else decimal; and true/false.
enum IntegerLiteral {
    static func parse(_ text: String) -> Int128? {
        switch text.lowercased() {
        case "true": return 1
        case "false": return 0
        default: break
        }
        var digits = Substring(text)
        var negative = false
        if digits.hasPrefix("-") { negative = true; digits = digits.dropFirst() }
        var radix = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { radix = 16; digits = digits.dropFirst(2) }
        else if digits.hasPrefix("0b") || digits.hasPrefix("0B") { radix = 2; digits = digits.dropFirst(2) }
        else if digits.count > 1, digits.hasPrefix("0") { radix = 8; digits = digits.dropFirst() }
        guard !digits.isEmpty, let magnitude = UInt64(digits, radix: radix) else { return nil }
        return negative ? -Int128(magnitude) : Int128(magnitude)
    }
}

/// Byte strings as Wireshark writes them: `aa:bb:cc`, `aa-bb-cc`, `aa.bb.cc`, or one byte `aa`.
enum ByteString {
    static func parse(_ text: String) -> [UInt8]? {
        let parts = text.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == "-" || $0 == "." }
        guard !parts.isEmpty else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...2).contains(part.count), let byte = UInt8(part, radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

/// An IPv4 or IPv6 address, perhaps with a prefix length (`10.0.0.0/8`).
struct AddressLiteral {
    var bytes: [UInt8]
    var prefix: Int?

    init?(_ text: String) {
        var address = Substring(text)
        if let slash = text.firstIndex(of: "/") {
            guard let bits = Int(text[text.index(after: slash)...]) else { return nil }
            prefix = bits
            address = text[..<slash]
        }
        if let four = Self.parse(String(address), family: AF_INET, size: 4) {
            bytes = four
        } else if address.contains(":"), let sixteen = Self.parse(String(address), family: AF_INET6, size: 16) {
            bytes = sixteen
        } else {
            return nil
        }
        if let prefix, !(0...(bytes.count * 8)).contains(prefix) { return nil }
    }

    private static func parse(_ text: String, family: Int32, size: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let ok = buffer.withUnsafeMutableBytes { inet_pton(family, text, $0.baseAddress) } == 1
        return ok ? Array(buffer.prefix(size)) : nil
    }

    /// True when `address` is in this network (the same address without a prefix).
    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == bytes.count else { return false }
        let bits = prefix ?? bytes.count * 8
        for index in 0..<bytes.count {
            let remaining = bits - index * 8
            if remaining <= 0 { break }
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if address[index] & mask != bytes[index] & mask { return false }
        }
        return true
    }
}

/// How a value's name may be written: the registry's name ("Connection Close"), or its last
/// word, which is what the JSON output calls it ("close"); case does not matter.
public enum ValueNames {
    public static func matches(_ name: String, _ text: String) -> Bool {
        let name = name.lowercased(), text = text.lowercased()
        return name == text || name.split(separator: " ").last.map(String.init) == text
    }
}
