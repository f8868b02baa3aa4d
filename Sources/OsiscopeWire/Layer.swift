/// One protocol header (or payload) within a packet, as the OSI model places it.
public struct Layer: Sendable {
    /// Short protocol key as in Wireshark: "eth", "ipv4", "tcp", …
    public var protocolKey: String
    /// Full name, e.g. "Transmission Control Protocol".
    public var title: String
    public var osi: OSILayer
    public var offset: Int
    public var length: Int
    /// One line that tells the gist, e.g. "45678 → 80 [SYN] Seq=0 Len=0".
    public var summary: String
    public var fields: [Field]
    public var diagnostics: [Diagnostic]
    /// Where the offsets point: nil for the packet itself, else a byte source (the reassembled
    /// stream, when the layer's bytes came from several packets).
    public var source: ByteSource?
    /// Bytes that exist only after decoding this layer (a WebSocket payload with its mask
    /// removed), each mapped back to the bytes it came from.
    public var derivedSources: [ByteSource] = []
    /// The start of the datagram an ICMP error message quotes (RFC 792, RFC 4443 §3): its IP
    /// header and the first bytes of its transport header, decoded as layers of their own but
    /// kept inside the ICMP layer, so that nothing takes them for the packet's own headers.
    public var quoted: [Layer] = []

    public init(protocolKey: String, title: String, osi: OSILayer, offset: Int, length: Int = 0,
                summary: String = "", fields: [Field] = [], diagnostics: [Diagnostic] = []) {
        self.protocolKey = protocolKey
        self.title = title
        self.osi = osi
        self.offset = offset
        self.length = length
        self.summary = summary
        self.fields = fields
        self.diagnostics = diagnostics
    }

    /// The first field with this key, searched depth first.
    public func field(_ key: String) -> Field? {
        for field in fields {
            if let found = field.first(withKey: key) { return found }
        }
        return nil
    }
}
