// Builders for small capture files, following the formats byte for byte:
// classic pcap (https://www.tcpdump.org/manpages/pcap-savefile.5.html, draft-ietf-opsawg-pcap)
// and pcapng (draft-ietf-opsawg-pcapng, RFC-to-be: "PCAP Now Generic").

/// Appends integers in a chosen byte order.
struct ByteWriter {
    var bytes: [UInt8] = []
    var bigEndian: Bool

    init(bigEndian: Bool) { self.bigEndian = bigEndian }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { append(UInt64(value), 2) }
    mutating func u32(_ value: UInt32) { append(UInt64(value), 4) }
    mutating func u64(_ value: UInt64) { append(value, 8) }
    mutating func raw(_ data: [UInt8]) { bytes += data }
    mutating func pad4() { while bytes.count % 4 != 0 { bytes.append(0) } }

    private mutating func append(_ value: UInt64, _ count: Int) {
        let order = bigEndian ? Array((0..<count).reversed()) : Array(0..<count)
        for index in order { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * index))) }
    }
}

enum PcapFile {
    /// pcap file header: magic, version 2.4, thiszone, sigfigs, snaplen, network (LINKTYPE_).
    static func header(nanosecond: Bool = false, bigEndian: Bool = false, snapLength: UInt32 = 65535,
                       linkType: UInt32 = 1) -> [UInt8] {
        var writer = ByteWriter(bigEndian: bigEndian)
        writer.u32(nanosecond ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        writer.u16(2)
        writer.u16(4)
        writer.u32(0)
        writer.u32(0)
        writer.u32(snapLength)
        writer.u32(linkType)
        return writer.bytes
    }

    /// Record header (ts_sec, ts_usec or ts_nsec, incl_len, orig_len) and the packet bytes.
    static func record(seconds: UInt32, fraction: UInt32, data: [UInt8], originalLength: Int? = nil,
                       bigEndian: Bool = false) -> [UInt8] {
        var writer = ByteWriter(bigEndian: bigEndian)
        writer.u32(seconds)
        writer.u32(fraction)
        writer.u32(UInt32(data.count))
        writer.u32(UInt32(originalLength ?? data.count))
        writer.raw(data)
        return writer.bytes
    }
}

enum PcapngFile {
    /// A generic block: type, total length, body (padded to 32 bits), total length again.
    static func block(_ type: UInt32, _ body: [UInt8], bigEndian: Bool = false) -> [UInt8] {
        var padded = body
        while padded.count % 4 != 0 { padded.append(0) }
        var writer = ByteWriter(bigEndian: bigEndian)
        writer.u32(type)
        writer.u32(UInt32(padded.count + 12))
        writer.raw(padded)
        writer.u32(UInt32(padded.count + 12))
        return writer.bytes
    }

    /// Options: code, length, value padded to 32 bits, closed by opt_endofopt.
    static func options(_ list: [(UInt16, [UInt8])], bigEndian: Bool = false) -> [UInt8] {
        guard !list.isEmpty else { return [] }
        var writer = ByteWriter(bigEndian: bigEndian)
        for (code, value) in list {
            writer.u16(code)
            writer.u16(UInt16(value.count))
            writer.raw(value)
            writer.pad4()
        }
        writer.u32(0)
        return writer.bytes
    }

    /// Section Header Block: byte-order magic 0x1A2B3C4D, version 1.0, section length -1 (unknown).
    static func sectionHeader(bigEndian: Bool = false, comment: String? = nil) -> [UInt8] {
        var writer = ByteWriter(bigEndian: bigEndian)
        writer.u32(0x1A2B_3C4D)
        writer.u16(1)
        writer.u16(0)
        writer.u64(UInt64.max)
        writer.raw(options(comment.map { [(UInt16(1), Array($0.utf8))] } ?? [], bigEndian: bigEndian))
        return block(0x0A0D_0D0A, writer.bytes, bigEndian: bigEndian)
    }

    /// Interface Description Block: link type, reserved, snap length, options (if_tsresol is code 9).
    static func interface(linkType: UInt16 = 1, snapLength: UInt32 = 0, tsresol: UInt8? = nil,
                          name: String? = nil, tsoffset: Int64? = nil, bigEndian: Bool = false) -> [UInt8] {
        var writer = ByteWriter(bigEndian: bigEndian)
        writer.u16(linkType)
        writer.u16(0)
        writer.u32(snapLength)
        var list: [(UInt16, [UInt8])] = []
        if let name { list.append((2, Array(name.utf8))) }
        if let tsresol { list.append((9, [tsresol])) }
        if let tsoffset {
            var offset = ByteWriter(bigEndian: bigEndian)
            offset.u64(UInt64(bitPattern: tsoffset))
            list.append((14, offset.bytes))
        }
        writer.raw(options(list, bigEndian: bigEndian))
        return block(1, writer.bytes, bigEndian: bigEndian)
    }

    /// Enhanced Packet Block: interface id, timestamp high and low, captured and original length, data, options.
    static func enhancedPacket(interface: UInt32 = 0, timestamp: UInt64, data: [UInt8], originalLength: Int? = nil,
                               comment: String? = nil, bigEndian: Bool = false) -> [UInt8] {
        var writer = ByteWriter(bigEndian: bigEndian)
        writer.u32(interface)
        writer.u32(UInt32(timestamp >> 32))
        writer.u32(UInt32(timestamp & 0xFFFF_FFFF))
        writer.u32(UInt32(data.count))
        writer.u32(UInt32(originalLength ?? data.count))
        writer.raw(data)
        writer.pad4()
        writer.raw(options(comment.map { [(UInt16(1), Array($0.utf8))] } ?? [], bigEndian: bigEndian))
        return block(6, writer.bytes, bigEndian: bigEndian)
    }

    /// Simple Packet Block: original length and data only; no interface id, no timestamp.
    static func simplePacket(data: [UInt8], originalLength: Int? = nil, bigEndian: Bool = false) -> [UInt8] {
        var writer = ByteWriter(bigEndian: bigEndian)
        writer.u32(UInt32(originalLength ?? data.count))
        writer.raw(data)
        return block(3, writer.bytes, bigEndian: bigEndian)
    }

    /// Obsolete Packet Block (type 2): 16-bit interface id and drops count, then as the EPB.
    static func obsoletePacket(interface: UInt16 = 0, timestamp: UInt64, data: [UInt8], bigEndian: Bool = false) -> [UInt8] {
        var writer = ByteWriter(bigEndian: bigEndian)
        writer.u16(interface)
        writer.u16(0)
        writer.u32(UInt32(timestamp >> 32))
        writer.u32(UInt32(timestamp & 0xFFFF_FFFF))
        writer.u32(UInt32(data.count))
        writer.u32(UInt32(data.count))
        writer.raw(data)
        return block(2, writer.bytes, bigEndian: bigEndian)
    }
}

/// Four distinct payloads so tests can tell packets apart.
func payload(_ marker: UInt8, count: Int = 5) -> [UInt8] { [UInt8](repeating: marker, count: count) }
