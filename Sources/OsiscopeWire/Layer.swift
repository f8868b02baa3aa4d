/// Where a layer's offsets point: into the packet, or into a reassembled stream when the
/// layer's bytes came from several packets (a WebSocket frame spread over segments).
public enum LayerSource: Sendable, Equatable {
    case packet
    /// Offsets are in one direction ("client" or "server") of TCP stream `stream`; `packets`
    /// lists the packets that carried the bytes.
    case reassembled(stream: Int, direction: String, packets: [Int])
}

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
    public var source: LayerSource = .packet

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
            if let found = field.flattened.first(where: { $0.key == key }) { return found }
        }
        return nil
    }
}
