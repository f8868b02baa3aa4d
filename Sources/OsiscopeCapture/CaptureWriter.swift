#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes packets to a capture file as they come: pcapng (one interface block per link type
/// and interface met, nanosecond timestamps, packet comments kept), or classic pcap
/// (nanosecond magic, one link type) when the name ends in .pcap. Standard output is "-".
public final class CaptureWriter {
    public enum Format: Sendable { case pcap, pcapng }

    private let file: UnsafeMutablePointer<FILE>
    public let format: Format
    public let path: String
    /// pcapng interface numbers by (interface in the source, link type).
    private var interfaces: [InterfaceKey: UInt32] = [:]
    private var pcapLinkType: LinkType?
    private var buffer: [UInt8] = []
    /// Interface names for pcapng's `if_name`, by the packets' interface index (a live capture).
    public var interfaceNames: [Int: String] = [:]
    /// Bytes of the file so far, written or buffered (a ring buffer turns files over by it).
    public private(set) var bytesWritten = 0

    private struct InterfaceKey: Hashable {
        var index: Int
        var linkType: LinkType
    }

    /// pcap for a name ending in ".pcap", else pcapng (also for "-").
    public static func format(forPath path: String) -> Format {
        path.lowercased().hasSuffix(".pcap") ? .pcap : .pcapng
    }

    public init(path: String, format: Format? = nil) throws(CaptureError) {
        self.path = path
        self.format = format ?? Self.format(forPath: path)
        guard let opened = path == "-" ? fdopen(dup(STDOUT_FILENO), "wb") : fopen(path, "wb") else {
            throw CaptureError(.cannotOpen, at: 0, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        file = opened
        if self.format == .pcapng { sectionHeader() }
    }

    deinit {
        fclose(file)
    }

    public func write(_ packet: CapturedPacket) throws(CaptureError) {
        switch format {
        case .pcapng: try enhancedPacket(packet)
        case .pcap: try record(packet)
        }
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes what is buffered; the file is complete and readable after each call.
    public func flush() throws(CaptureError) {
        if !buffer.isEmpty {
            let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard written == buffer.count else {
                throw CaptureError(.io, at: 0, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            buffer.removeAll(keepingCapacity: true)
        }
        guard fflush(file) == 0 else { throw CaptureError(.io, at: 0, "cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    // MARK: pcapng (draft-ietf-opsawg-pcapng §4)

    private func sectionHeader() {
        var body: [UInt8] = []
        append32(0x1A2B_3C4D, to: &body) // byte-order magic: the host's order
        append16(1, to: &body)
        append16(0, to: &body)
        append64(UInt64.max, to: &body) // section length unknown: written as it streams
        option(4, Array("osiscope".utf8), to: &body) // shb_userappl
        append32(0, to: &body) // opt_endofopt
        block(0x0A0D_0D0A, body)
    }

    private func interface(for packet: CapturedPacket) -> UInt32 {
        let key = InterfaceKey(index: packet.interfaceIndex, linkType: packet.linkType)
        if let number = interfaces[key] { return number }
        var body: [UInt8] = []
        append16(UInt16(truncatingIfNeeded: packet.linkType.rawValue), to: &body)
        append16(0, to: &body)
        append32(0, to: &body) // no snap length limit
        if let name = interfaceNames[packet.interfaceIndex] { option(2, Array(name.utf8), to: &body) } // if_name
        option(9, [9], to: &body) // if_tsresol: nanoseconds
        append32(0, to: &body)
        block(1, body)
        let number = UInt32(interfaces.count)
        interfaces[key] = number
        return number
    }

    private func enhancedPacket(_ packet: CapturedPacket) throws(CaptureError) {
        let interface = interface(for: packet)
        var body: [UInt8] = []
        body.reserveCapacity(packet.data.count + 40)
        append32(interface, to: &body)
        let units = nanoseconds(packet.timestamp)
        append32(UInt32(truncatingIfNeeded: units >> 32), to: &body)
        append32(UInt32(truncatingIfNeeded: units), to: &body)
        append32(UInt32(packet.data.count), to: &body)
        append32(UInt32(clamping: max(packet.originalLength, packet.data.count)), to: &body)
        body += packet.data
        pad(&body)
        for comment in packet.comments { option(1, Array(comment.utf8), to: &body) }
        if !packet.comments.isEmpty { append32(0, to: &body) }
        block(6, body)
    }

    private func block(_ type: UInt32, _ body: [UInt8]) {
        let total = UInt32(12 + body.count)
        bytesWritten += Int(total)
        append32(type, to: &buffer)
        append32(total, to: &buffer)
        buffer += body
        append32(total, to: &buffer)
    }

    private func option(_ code: UInt16, _ value: [UInt8], to body: inout [UInt8]) {
        append16(code, to: &body)
        append16(UInt16(value.count), to: &body)
        body += value
        pad(&body)
    }

    // MARK: pcap

    private func record(_ packet: CapturedPacket) throws(CaptureError) {
        if pcapLinkType == nil {
            pcapLinkType = packet.linkType
            bytesWritten += 24
            append32(0xA1B2_3C4D, to: &buffer) // nanosecond timestamps
            append16(2, to: &buffer)
            append16(4, to: &buffer)
            append32(0, to: &buffer)
            append32(0, to: &buffer)
            append32(262_144, to: &buffer)
            append32(packet.linkType.rawValue, to: &buffer)
        }
        guard packet.linkType == pcapLinkType else {
            throw CaptureError(.io, at: 0, "packet \(packet.number) has link type \(packet.linkType.name), and a pcap file holds one (\(pcapLinkType!.name)): write .pcapng")
        }
        let units = nanoseconds(packet.timestamp)
        append32(UInt32(truncatingIfNeeded: units / 1_000_000_000), to: &buffer)
        append32(UInt32(units % 1_000_000_000), to: &buffer)
        append32(UInt32(packet.data.count), to: &buffer)
        append32(UInt32(clamping: max(packet.originalLength, packet.data.count)), to: &buffer)
        buffer += packet.data
        bytesWritten += 16 + packet.data.count
    }

    // MARK: bytes

    private func nanoseconds(_ time: Timestamp) -> UInt64 {
        UInt64(clamping: max(0, time.seconds)) &* 1_000_000_000 &+ UInt64(time.nanoseconds)
    }

    private func pad(_ bytes: inout [UInt8]) {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    private func append16(_ value: UInt16, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value) { bytes += $0 }
    }

    private func append32(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value) { bytes += $0 }
    }

    private func append64(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value) { bytes += $0 }
    }
}
