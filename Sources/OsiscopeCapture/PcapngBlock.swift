/// The body of one pcapng block (between the two length fields), and the decoding of the
/// block types that matter for packets. Offsets in errors are file offsets.
struct PcapngBlock {
    static let sectionHeader: UInt32 = 0x0A0D_0D0A
    static let interfaceDescription: UInt32 = 1
    static let obsoletePacket: UInt32 = 2
    static let simplePacket: UInt32 = 3
    static let enhancedPacket: UInt32 = 6

    /// Option codes shared by all blocks, and the interface options read here.
    enum Option {
        static let endOfOptions: UInt16 = 0
        static let comment: UInt16 = 1
        static let interfaceName: UInt16 = 2
        static let interfaceDescription: UInt16 = 3
        static let timestampResolution: UInt16 = 9
        static let timestampOffset: UInt16 = 14
    }

    struct PacketRecord {
        var interfaceIndex: Int
        var timestampUnits: UInt64
        var originalLength: Int
        var data: [UInt8]
        var comments: [String]
    }

    let body: [UInt8]
    let bigEndian: Bool
    let bodyOffset: Int

    func u16(_ at: Int) -> UInt16 {
        let value = UInt16(body[at]) << 8 | UInt16(body[at + 1])
        return bigEndian ? value : value.byteSwapped
    }

    func u32(_ at: Int) -> UInt32 {
        let value = UInt32(body[at]) << 24 | UInt32(body[at + 1]) << 16 | UInt32(body[at + 2]) << 8 | UInt32(body[at + 3])
        return bigEndian ? value : value.byteSwapped
    }

    func requireBody(_ count: Int, _ what: String) throws {
        guard body.count >= count else {
            throw CaptureError(.malformedBlock, at: bodyOffset,
                               "a pcapng \(what) block is \(body.count + 12) bytes long, too short for its fixed fields")
        }
    }

    /// Walks the options that start at `start`; stops at opt_endofopt or the end of the body.
    func options(from start: Int) throws -> [(code: UInt16, value: ArraySlice<UInt8>)] {
        var result: [(code: UInt16, value: ArraySlice<UInt8>)] = []
        var at = start
        while at + 4 <= body.count {
            let code = u16(at)
            let length = Int(u16(at + 2))
            if code == Option.endOfOptions { break }
            guard at + 4 + length <= body.count else {
                throw CaptureError(.malformedBlock, at: bodyOffset + at,
                                   "a pcapng option (code \(code)) claims \(length) bytes, past the end of its block")
            }
            result.append((code, body[(at + 4)..<(at + 4 + length)]))
            at += 4 + (length + 3) & ~3
        }
        return result
    }

    static func text(_ value: ArraySlice<UInt8>) -> String {
        // Some writers include a terminating NUL in string options.
        String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
    }

    func sectionComments() throws -> [String] {
        try requireBody(16, "section header")
        let major = u16(4)
        guard major == 1 else {
            throw CaptureError(.unsupportedVersion, at: bodyOffset + 4, "pcapng version \(major) is not supported (only 1.x exists)")
        }
        return try options(from: 16).filter { $0.code == Option.comment }.map { Self.text($0.value) }
    }

    func interfaceDescription() throws -> InterfaceDescription {
        try requireBody(8, "interface description")
        var interface = InterfaceDescription(
            linkType: LinkType(rawValue: UInt32(u16(0))), snapLength: Int(u32(4)), resolution: .microseconds)
        for option in try options(from: 8) {
            switch option.code {
            case Option.timestampResolution where option.value.count >= 1:
                interface.resolution = TimestampResolution(ifTsresol: option.value.first!)
            case Option.timestampOffset where option.value.count >= 8:
                let bytes = Array(option.value)
                var raw: UInt64 = 0
                for byte in (bigEndian ? bytes : bytes.reversed()) { raw = raw << 8 | UInt64(byte) }
                interface.offsetSeconds = Int64(bitPattern: raw)
            case Option.interfaceName: interface.name = Self.text(option.value)
            case Option.interfaceDescription: interface.description = Self.text(option.value)
            case Option.comment: interface.comments.append(Self.text(option.value))
            default: break
            }
        }
        return interface
    }

    func packetRecord(type: UInt32, interfaces: [InterfaceDescription]) throws -> PacketRecord {
        let interfaceIndex: Int
        var timestamp: UInt64 = 0
        let captured: Int
        let original: Int
        let dataStart: Int
        switch type {
        case Self.simplePacket:
            try requireBody(4, "simple packet")
            interfaceIndex = 0
            original = Int(u32(0))
            dataStart = 4
            // A simple packet block has no captured length: it is what the snap length kept.
            let snap = interfaces.first?.snapLength ?? 0
            captured = min(original, body.count - 4, snap == 0 ? Int.max : snap)
        case Self.obsoletePacket:
            try requireBody(20, "packet")
            interfaceIndex = Int(u16(0))
            timestamp = UInt64(u32(4)) << 32 | UInt64(u32(8))
            captured = Int(u32(12))
            original = Int(u32(16))
            dataStart = 20
        default:
            try requireBody(20, "enhanced packet")
            interfaceIndex = Int(u32(0))
            timestamp = UInt64(u32(4)) << 32 | UInt64(u32(8))
            captured = Int(u32(12))
            original = Int(u32(16))
            dataStart = 20
        }
        guard interfaceIndex < interfaces.count else {
            throw CaptureError(.malformedBlock, at: bodyOffset,
                               "a packet names interface \(interfaceIndex), but only \(interfaces.count) interfaces were described before it")
        }
        guard dataStart + captured <= body.count else {
            throw CaptureError(.malformedBlock, at: bodyOffset,
                               "a packet block claims \(captured) captured bytes but holds only \(body.count - dataStart)")
        }
        var comments: [String] = []
        if type != Self.simplePacket {
            let optionsStart = dataStart + (captured + 3) & ~3
            comments = try options(from: optionsStart).filter { $0.code == Option.comment }.map { Self.text($0.value) }
        }
        return PacketRecord(
            interfaceIndex: interfaceIndex, timestampUnits: timestamp, originalLength: original,
            data: Array(body[dataStart..<(dataStart + captured)]), comments: comments)
    }
}
