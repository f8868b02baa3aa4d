import OsiscopeCapture
@testable import OsiscopeWire
import Testing

// Helpers shared by the wire decoder tests: hex literals, captured packets, checksums
// computed independently of the decoders, and short ways to read a decoded packet.

/// Bytes from hex text such as "45 00 00 3c"; spaces and line breaks between bytes are ignored.
func hex(_ parts: String...) -> [UInt8] {
    var bytes: [UInt8] = []
    for part in parts {
        let digits = Array(part.filter { !$0.isWhitespace })
        guard digits.count % 2 == 0 else {
            Issue.record("odd number of hex digits in \"\(part)\"")
            return []
        }
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else {
                Issue.record("not hex: \"\(part)\"")
                return []
            }
            bytes.append(byte)
        }
    }
    return bytes
}

/// The bytes of an ASCII string, for payloads.
func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A captured packet as a capture reader would hand it over. `originalLength` larger than the
/// byte count means the snap length cut the packet.
func capture(_ bytes: [UInt8], link: LinkType, originalLength: Int? = nil) -> CapturedPacket {
    CapturedPacket(number: 1, timestamp: Timestamp(seconds: 1_700_000_000, nanoseconds: 0, fractionDigits: 6),
                   originalLength: originalLength ?? bytes.count, linkType: link, data: bytes)
}

/// Decodes bytes captured on a link of this type.
func decode(_ bytes: [UInt8], link: LinkType, originalLength: Int? = nil) -> DecodedPacket {
    PacketDecoder.decode(capture(bytes, link: link, originalLength: originalLength))
}

// MARK: - Byte surgery

/// A copy with `replacement` written over the bytes from `offset` on.
func replacing(_ bytes: [UInt8], at offset: Int, with replacement: [UInt8]) -> [UInt8] {
    var copy = bytes
    copy.replaceSubrange(offset..<(offset + replacement.count), with: replacement)
    return copy
}

/// A copy with a big-endian 16-bit value written at `offset`.
func setting16(_ bytes: [UInt8], at offset: Int, to value: UInt16) -> [UInt8] {
    replacing(bytes, at: offset, with: [UInt8(value >> 8), UInt8(value & 0xff)])
}

/// The big-endian 16-bit value at `offset`.
func read16(_ bytes: [UInt8], at offset: Int) -> UInt16 {
    UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
}

// MARK: - Checksums (RFC 1071), written without OsiscopeWire's InternetChecksum

/// RFC 1071 §4.1: the one's complement sum of 16-bit big-endian words (an odd last byte is
/// padded with a zero byte), folded to 16 bits and not yet complemented.
func onesComplementSum<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
    let array = Array(bytes)
    var sum: UInt32 = 0
    for index in stride(from: 0, to: array.count, by: 2) {
        let high = UInt32(array[index]) << 8
        let low = index + 1 < array.count ? UInt32(array[index + 1]) : 0
        sum += high | low
        sum = (sum & 0xffff) + (sum >> 16) // end-around carry after every word
    }
    return UInt16(sum)
}

/// The Internet checksum: the one's complement of the one's complement sum.
func internetChecksum<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
    ~onesComplementSum(bytes)
}

/// The pseudo-header that TCP, UDP and ICMPv6 checksums also cover: RFC 9293 §3.1 for IPv4
/// (source, destination, zero, protocol, 16-bit length) and RFC 8200 §8.1 for IPv6 (source,
/// destination, 32-bit length, three zero bytes, next header).
func pseudoHeader(source: [UInt8], destination: [UInt8], protocolNumber: UInt8, length: Int) -> [UInt8] {
    if source.count == 4 {
        return source + destination + [0, protocolNumber, UInt8(length >> 8), UInt8(length & 0xff)]
    }
    return source + destination
        + [UInt8(length >> 24 & 0xff), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
        + [0, 0, 0, protocolNumber]
}

/// An IPv4 header with its header checksum (bytes 10–11, RFC 791 §3.1) computed.
func withIPv4Checksum(_ header: [UInt8]) -> [UInt8] {
    let zeroed = setting16(header, at: 10, to: 0)
    return setting16(zeroed, at: 10, to: internetChecksum(zeroed))
}

/// A TCP, UDP or ICMPv6 message with its checksum field (at `checksumAt`) computed over the
/// pseudo-header and the message.
func withTransportChecksum(_ segment: [UInt8], checksumAt offset: Int, source: [UInt8], destination: [UInt8],
                           protocolNumber: UInt8) -> [UInt8] {
    let zeroed = setting16(segment, at: offset, to: 0)
    let pseudo = pseudoHeader(source: source, destination: destination, protocolNumber: protocolNumber,
                              length: segment.count)
    return setting16(zeroed, at: offset, to: internetChecksum(pseudo + zeroed))
}

/// "0x1a2b" as the decoders print 16-bit values in checksum notes.
func hex4(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
}

// MARK: - Reading a decoded packet

/// Where a field or layer lies in the packet: first byte and byte count.
struct Span: Equatable, CustomStringConvertible {
    var offset: Int
    var length: Int
    init(_ offset: Int, _ length: Int) {
        self.offset = offset
        self.length = length
    }
    var description: String { "\(offset)+\(length)" }
}

extension Field {
    var span: Span { Span(offset, length) }
}

extension Layer {
    var span: Span { Span(offset, length) }
    /// "severity key" for each diagnostic of the layer.
    var diagnosticList: [String] { diagnostics.map { "\($0.severity.rawValue) \($0.key)" } }
}

extension DecodedPacket {
    var layerKeys: [String] { layers.map(\.protocolKey) }
    var osiLevels: [OSILayer] { layers.map(\.osi) }
    /// "severity key" for every diagnostic of the packet and its layers, in layer order.
    var diagnosticList: [String] { allDiagnostics.map { "\($0.severity.rawValue) \($0.key)" } }
    func diagnostic(_ key: String) -> Diagnostic? { allDiagnostics.first { $0.key == key } }
    func value(_ key: String) -> FieldValue? { field(key)?.value }
    func span(_ key: String) -> Span? { field(key)?.span }
    func note(_ key: String) -> String? { field(key)?.note }
    /// The layers with this key (a frame can carry two VLAN tags).
    func layers(_ key: String) -> [Layer] { layers.filter { $0.protocolKey == key } }
}
