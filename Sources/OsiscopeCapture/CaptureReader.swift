#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file formats osiscope reads.
public enum CaptureFormat: Sendable, Equatable {
    case pcap(nanosecond: Bool, bigEndian: Bool)
    case pcapng
}

/// What a capture says about the interface a packet came from.
public struct InterfaceDescription: Sendable, Equatable {
    public var linkType: LinkType
    public var snapLength: Int
    public var resolution: TimestampResolution
    public var offsetSeconds: Int64 = 0
    public var name: String?
    public var description: String?
    public var comments: [String] = []
}

/// Reads pcap or pcapng records one at a time, from a file or standard input,
/// in memory that depends on the largest packet, never on the size of the file.
public final class CaptureReader {
    /// Records longer than this are taken as damage rather than data.
    public static let defaultMaximumRecordLength = 16 << 20

    public let format: CaptureFormat
    public private(set) var interfaces: [InterfaceDescription] = []
    /// pcapng section header comments, in file order.
    public private(set) var sectionComments: [String] = []

    private let input: ByteInput
    /// Bytes of the file read so far (compressed bytes for a gzip file).
    public var bytesRead: Int { input.sourceBytesRead }
    private let maximumRecordLength: Int
    private var packetCount = 0
    private var bigEndian: Bool

    /// Opens a capture file; `-` means standard input.
    public convenience init(path: String, maximumRecordLength: Int = CaptureReader.defaultMaximumRecordLength) throws {
        let input: ByteInput
        if path == "-" {
            input = ByteInput(fileDescriptor: STDIN_FILENO, ownsDescriptor: false)
        } else {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                throw CaptureError(.cannotOpen, at: 0, "cannot open \(path): \(String(cString: strerror(errno)))")
            }
            input = ByteInput(fileDescriptor: fd, ownsDescriptor: true)
        }
        try self.init(input: input, maximumRecordLength: maximumRecordLength)
    }

    /// Reads from an open descriptor (a pipe, a socket, a file), which the caller keeps and closes.
    public convenience init(fileDescriptor: Int32, maximumRecordLength: Int = CaptureReader.defaultMaximumRecordLength) throws {
        try self.init(input: ByteInput(fileDescriptor: fileDescriptor, ownsDescriptor: false),
                      maximumRecordLength: maximumRecordLength)
    }

    /// Reads a capture held in memory.
    public convenience init(bytes: [UInt8], maximumRecordLength: Int = CaptureReader.defaultMaximumRecordLength) throws {
        try self.init(input: ByteInput(bytes: bytes), maximumRecordLength: maximumRecordLength)
    }

    init(input: ByteInput, maximumRecordLength: Int) throws {
        self.input = input
        self.maximumRecordLength = maximumRecordLength
        guard try input.fill(4) >= 4 else {
            throw CaptureError(.notACapture, at: 0, "the file is too short to be a pcap or pcapng capture")
        }
        // A gzip-compressed capture (RFC 1952 magic 1f 8b), as `.pcap.gz` files are.
        if input.peek(2, { $0[0] == 0x1F && $0[1] == 0x8B }) {
            input.startGunzip()
            guard try input.fill(4) >= 4 else {
                throw CaptureError(.notACapture, at: 0, "the gzip file holds too few bytes to be a pcap or pcapng capture")
            }
        }
        let magic = input.peek(4) { $0.u32(0, bigEndian: true) }
        switch magic {
        case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1:
            let nanosecond = magic == 0xA1B2_3C4D || magic == 0x4D3C_B2A1
            bigEndian = magic == 0xA1B2_C3D4 || magic == 0xA1B2_3C4D
            format = .pcap(nanosecond: nanosecond, bigEndian: bigEndian)
            try readPcapHeader(nanosecond: nanosecond)
        case PcapngBlock.sectionHeader:
            format = .pcapng
            bigEndian = false
        default:
            let shown = input.peek(4) { $0.map { hex2($0) }.joined(separator: " ") }
            throw CaptureError(
                .notACapture, at: 0,
                "not a pcap or pcapng capture: it starts with bytes \(shown) instead of a capture's magic number")
        }
    }

    /// The next packet, or nil at the clean end of the file. After a throw, every earlier
    /// packet has been returned and the reader should not be used again.
    public func next() throws -> CapturedPacket? {
        switch format {
        case .pcap: try nextPcapRecord()
        case .pcapng: try nextPcapngPacket()
        }
    }

    // MARK: classic pcap

    private func readPcapHeader(nanosecond: Bool) throws {
        guard try input.fill(24) >= 24 else {
            throw CaptureError(.cutOff, at: input.offset + input.available, "the pcap file header is cut off (it needs 24 bytes)")
        }
        let (major, snap, network) = input.peek(24) { raw in
            (raw.u16(4, bigEndian: bigEndian), raw.u32(16, bigEndian: bigEndian), raw.u32(20, bigEndian: bigEndian))
        }
        guard major == 2 else {
            throw CaptureError(.unsupportedVersion, at: 4, "pcap version \(major) is not supported (only 2.x exists)")
        }
        // The top bits of the link type field carry FCS information, not the link type.
        interfaces = [InterfaceDescription(
            linkType: LinkType(rawValue: network & 0x0FFF_FFFF), snapLength: Int(snap),
            resolution: nanosecond ? .nanoseconds : .microseconds)]
        input.skip(24)
    }

    private func nextPcapRecord() throws -> CapturedPacket? {
        let recordOffset = input.offset
        let have = try input.fill(16)
        if have == 0 { return nil }
        guard have >= 16 else {
            throw CaptureError(.cutOff, at: recordOffset,
                               "the record header of packet \(packetCount + 1) is cut off: \(have) of 16 bytes")
        }
        let (seconds, fraction, captured, original) = input.peek(16) { raw in
            (raw.u32(0, bigEndian: bigEndian), raw.u32(4, bigEndian: bigEndian),
             Int(raw.u32(8, bigEndian: bigEndian)), Int(raw.u32(12, bigEndian: bigEndian)))
        }
        guard captured <= maximumRecordLength else {
            throw CaptureError(.absurdLength, at: recordOffset,
                               "packet \(packetCount + 1) claims \(captured) captured bytes, more than the limit of \(maximumRecordLength)")
        }
        input.skip(16)
        guard try input.fill(captured) >= captured else {
            throw CaptureError(.cutOff, at: recordOffset,
                               "packet \(packetCount + 1) is cut off: \(input.available) of its \(captured) bytes are in the file")
        }
        let data = input.bytes(captured)
        input.skip(captured)
        packetCount += 1
        let interface = interfaces[0]
        let nanos = UInt64(fraction) * (interface.resolution == .nanoseconds ? 1 : 1000)
        let timestamp = Timestamp(
            seconds: Int64(seconds) + Int64(nanos / 1_000_000_000), nanoseconds: UInt32(nanos % 1_000_000_000),
            fractionDigits: interface.resolution == .nanoseconds ? 9 : 6)
        return CapturedPacket(
            number: packetCount, timestamp: timestamp, originalLength: max(original, captured),
            linkType: interface.linkType, data: data, fileOffset: recordOffset)
    }

    // MARK: pcapng

    private func nextPcapngPacket() throws -> CapturedPacket? {
        while true {
            let blockOffset = input.offset
            let have = try input.fill(12)
            if have == 0 { return nil }
            guard have >= 12 else {
                throw CaptureError(.cutOff, at: blockOffset, "a pcapng block header is cut off: \(have) of 12 bytes")
            }
            var type = input.peek(4) { $0.u32(0, bigEndian: bigEndian) }
            if type == PcapngBlock.sectionHeader {
                // Each section states its own byte order.
                let order = input.peek(12) { $0.u32(8, bigEndian: true) }
                switch order {
                case 0x1A2B_3C4D: bigEndian = true
                case 0x4D3C_2B1A: bigEndian = false
                default:
                    throw CaptureError(.malformedBlock, at: blockOffset + 8,
                                       "the section header's byte-order magic is \(String(order, radix: 16)), not 1a2b3c4d")
                }
                type = PcapngBlock.sectionHeader
            }
            let length = Int(input.peek(8) { $0.u32(4, bigEndian: bigEndian) })
            guard length >= 12, length % 4 == 0, length <= maximumRecordLength + 64 else {
                throw CaptureError(.absurdLength, at: blockOffset + 4,
                                   "a pcapng block claims a length of \(length) bytes, which is impossible")
            }
            guard try input.fill(length) >= length else {
                throw CaptureError(.cutOff, at: blockOffset,
                                   "a pcapng block of \(length) bytes is cut off: only \(input.available) are in the file")
            }
            let trailer = input.peek(length) { $0.u32(length - 4, bigEndian: bigEndian) }
            guard Int(trailer) == length else {
                throw CaptureError(.malformedBlock, at: blockOffset + length - 4,
                                   "a pcapng block's closing length (\(trailer)) differs from its opening length (\(length))")
            }
            input.skip(8)
            let body = input.bytes(length - 12)
            input.skip(length - 8)
            let block = PcapngBlock(body: body, bigEndian: bigEndian, bodyOffset: blockOffset + 8)
            switch type {
            case PcapngBlock.sectionHeader:
                interfaces = []
                sectionComments += try block.sectionComments()
            case PcapngBlock.interfaceDescription:
                interfaces.append(try block.interfaceDescription())
            case PcapngBlock.enhancedPacket, PcapngBlock.obsoletePacket, PcapngBlock.simplePacket:
                let record = try block.packetRecord(type: type, interfaces: interfaces)
                let interface = interfaces[record.interfaceIndex]
                packetCount += 1
                return CapturedPacket(
                    number: packetCount,
                    timestamp: Timestamp(units: record.timestampUnits, resolution: interface.resolution,
                                         offsetSeconds: interface.offsetSeconds),
                    originalLength: max(record.originalLength, record.data.count), linkType: interface.linkType,
                    data: record.data, interfaceIndex: record.interfaceIndex, fileOffset: blockOffset,
                    comments: record.comments)
            default:
                continue // Statistics, name resolution, custom and unknown blocks carry no packets.
            }
        }
    }
}

func hex2(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
}
