/// One record read from a capture file, before any decoding.
public struct CapturedPacket: Sendable {
    /// 1-based position in the file, as Wireshark numbers frames.
    public var number: Int
    public var timestamp: Timestamp
    /// Bytes on the wire; `data.count` may be less when the snap length cut the packet.
    public var originalLength: Int
    public var linkType: LinkType
    public var data: [UInt8]
    /// Index of the pcapng interface the packet arrived on (0 for classic pcap).
    public var interfaceIndex: Int
    /// Byte offset of the record in the file, for error messages.
    public var fileOffset: Int
    /// pcapng `opt_comment` strings attached to the packet.
    public var comments: [String]

    public init(
        number: Int, timestamp: Timestamp, originalLength: Int, linkType: LinkType, data: [UInt8],
        interfaceIndex: Int = 0, fileOffset: Int = 0, comments: [String] = []
    ) {
        self.number = number
        self.timestamp = timestamp
        self.originalLength = originalLength
        self.linkType = linkType
        self.data = data
        self.interfaceIndex = interfaceIndex
        self.fileOffset = fileOffset
        self.comments = comments
    }

    public var capturedLength: Int { data.count }
    /// True when the snap length dropped some of the packet's bytes.
    public var isTruncated: Bool { data.count < originalLength }
}
