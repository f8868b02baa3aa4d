import OsiscopeCapture
import OsiscopeWire

/// The values a filter reads from a decoded packet: every layer's fields (ICMP's quoted
/// headers included, as in Wireshark's tree), its protocols (their bytes, for `contains` and
/// slices), its diagnostics as fields (`tcp.analysis.retransmission`), and the frame's own.
public enum PacketFields {
    public static func gather(_ packet: DecodedPacket, keys: Set<String>) -> FieldSet {
        var set = FieldSet()
        let captured = packet.packet
        if keys.contains("frame") { set.add("frame", FilterOccurrence(.bytes(captured.data))) }
        if keys.contains("frame.number") { set.add("frame.number", FilterOccurrence(.number(UInt64(captured.number)))) }
        if keys.contains("frame.len") { set.add("frame.len", FilterOccurrence(.number(UInt64(captured.originalLength)))) }
        if keys.contains("frame.cap_len") { set.add("frame.cap_len", FilterOccurrence(.number(UInt64(captured.capturedLength)))) }
        if keys.contains("frame.time_epoch") {
            // As written in the capture, to the last digit (a Double would blur nanoseconds).
            set.add("frame.time_epoch", FilterOccurrence(.text(captured.timestamp.decimalString)))
        }
        for diagnostic in packet.diagnostics where keys.contains(diagnostic.key) {
            set.add(diagnostic.key, FilterOccurrence(.none))
        }
        var analysis = false
        func gather(_ layer: Layer) {
            let name = FieldCatalog.protocolNames[layer.protocolKey] ?? layer.protocolKey
            if keys.contains(name) { set.add(name, FilterOccurrence(.bytes(bytes(of: layer, in: captured)))) }
            for field in layer.fields { add(field) }
            for diagnostic in layer.diagnostics {
                if keys.contains(diagnostic.key) { set.add(diagnostic.key, FilterOccurrence(.none)) }
                if diagnostic.key.hasPrefix("tcp.analysis.") { analysis = true }
            }
            if layer.protocolKey == "http" {
                if keys.contains("http.request"), layer.field("http.request.method") != nil {
                    set.add("http.request", FilterOccurrence(.flag(true)))
                }
                if keys.contains("http.response"), layer.field("http.response.code") != nil {
                    set.add("http.response", FilterOccurrence(.flag(true)))
                }
            }
            for quoted in layer.quoted { gather(quoted) }
        }
        func add(_ field: Field) {
            if keys.contains(field.key) { set.add(field.key, FilterOccurrence(field.value, field.descriptor)) }
            for child in field.children { add(child) }
        }
        for layer in packet.layers { gather(layer) }
        if analysis, keys.contains("tcp.analysis.flags") { set.add("tcp.analysis.flags", FilterOccurrence(.none)) }
        return set
    }

    /// A protocol's bytes as Wireshark gives them to `contains`: from its header to the end of
    /// what it carries in this packet (for a layer read from a reassembled stream, none).
    private static func bytes(of layer: Layer, in packet: CapturedPacket) -> [UInt8] {
        guard layer.source == nil, layer.offset >= 0, layer.offset <= packet.data.count else { return [] }
        return Array(packet.data[layer.offset...])
    }
}
