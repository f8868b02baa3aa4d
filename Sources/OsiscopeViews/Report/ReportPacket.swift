import OsiscopeCapture
import OsiscopeWire

/// One packet of the report: its line of the packet list, which opens onto its layers (each in
/// its OSI layer's colour, fields with their keys), its problems, and its bytes coloured by the
/// layer that owns them. A field row knows its bytes, so pointing at it lights them up.
public struct ReportPacket: Sendable {
    public init() {}

    public func render(_ packet: DecodedPacket, time: String) -> String {
        let number = packet.packet.number
        let (source, destination) = PacketList.endpoints(packet)
        let top = packet.layers.last { $0.protocolKey != "data" } ?? packet.layers.last
        let protocolName = top.map { PacketList.names[$0.protocolKey] ?? $0.protocolKey } ?? "?"
        let osi = top?.osi.rawValue ?? 1
        var html = "<details class=\"packet\" id=\"p\(number)\"><summary class=\"row\"><span>\(number)</span><span>\(time)</span>"
        html += "<span>\(HTMLText.escape(source))</span><span>\(HTMLText.escape(destination))</span>"
        html += "<span class=\"o\(osi)\">\(HTMLText.escape(protocolName))</span><span>\(packet.packet.originalLength)</span>"
        html += "<span>\(HTMLText.escape(PacketList.info(packet)))</span></summary>\n<div class=\"body\">"
        html += "<p class=\"frame\">Packet \(number) · \(TreeRenderer.utcTime(packet.packet.timestamp)) · "
        html += packet.packet.isTruncated ? "\(packet.packet.capturedLength) of \(packet.packet.originalLength) bytes captured"
            : "\(packet.packet.originalLength) bytes"
        html += " · \(HTMLText.escape(packet.packet.linkType.title))</p>\n"
        for comment in packet.packet.comments { html += "<p class=\"frame\">Comment: \(HTMLText.escape(comment))</p>\n" }
        html += diagnostics(packet.diagnostics)
        for layer in packet.layers { html += self.layer(layer) }
        html += hex(packet)
        return html + "</div></details>\n"
    }

    func layer(_ layer: Layer) -> String {
        var html = "<div class=\"layer o\(layer.osi.rawValue)\"><h4>Layer \(layer.osi.rawValue) · \(layer.osi.title) · \(HTMLText.escape(layer.title))"
        let summary = LayerSummary.text(layer)
        if !summary.isEmpty { html += " <small>\(HTMLText.escape(summary))</small>" }
        var range = layer.length > 0 ? "bytes \(layer.offset)–\(layer.offset + layer.length - 1)" : "no bytes"
        if let source = layer.source { range = "\(HexDump.name(of: source.kind)) \(range), from packets \(TreeRenderer.packetList(source.packets))" }
        html += " <small>[\(range)]</small></h4>\n<table>"
        for field in layer.fields { html += row(field, depth: 0, inPacket: layer.source == nil) }
        html += "</table>" + diagnostics(layer.diagnostics)
        for inner in layer.quoted { html += self.layer(inner) }
        return html + "</div>\n"
    }

    /// A field's row: its text as the tree view writes it, its filter key, and (for bytes of
    /// the packet itself) where they are, for the script.
    func row(_ field: Field, depth: Int, inPacket: Bool) -> String {
        let place = inPacket && !field.generated && field.length > 0 ? " data-o=\"\(field.offset)\" data-l=\"\(field.length)\"" : ""
        let indent = depth > 0 ? " style=\"padding-left:\(depth * 18)px\"" : ""
        var html = "<tr class=\"f\"\(place)><td\(indent)>\(HTMLText.escape(FieldText.line(field)))</td>"
        html += "<td class=\"key\">\(HTMLText.escape(field.key))</td></tr>"
        for child in field.children { html += row(child, depth: depth + 1, inPacket: inPacket) }
        return html
    }

    func diagnostics(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { diagnostic in
            "<p class=\"diag \(diagnostic.severity)\">\(diagnostic.severity): [\(HTMLText.escape(diagnostic.key))] \(HTMLText.escape(diagnostic.message))</p>\n"
        }.joined()
    }

    /// The packet's bytes, sixteen to a row, each run of bytes in the colour of the innermost
    /// layer that covers it; then the bytes that exist only once decoded (an unmasked payload).
    func hex(_ packet: DecodedPacket) -> String {
        let bytes = packet.packet.data
        var owner = [Int](repeating: 1, count: bytes.count)
        for layer in packet.layers where layer.length > 0 && layer.source == nil {
            let end = min(layer.offset + layer.length, bytes.count)
            guard layer.offset < end else { continue }
            for position in layer.offset..<end { owner[position] = layer.osi.rawValue }
        }
        var html = "<div class=\"hex\">" + rows(bytes, owner: owner) + "</div>\n"
        for layer in packet.layers {
            for source in layer.derivedSources {
                guard let derived = source.bytes, !derived.isEmpty else { continue }
                html += "<p class=\"source\">\(HexDump.name(of: source.kind)) of the \(HTMLText.escape(layer.title)) frame at \(layer.offset) (\(derived.count) bytes)</p>"
                html += "<div class=\"hex derived\">" + rows(derived, owner: [Int](repeating: layer.osi.rawValue, count: derived.count)) + "</div>\n"
            }
        }
        return html
    }

    func rows(_ bytes: [UInt8], owner: [Int]) -> String {
        var html = ""
        for start in stride(from: 0, to: bytes.count, by: 16) {
            let end = min(start + 16, bytes.count)
            html += "<span class=\"off\">" + String(start, radix: 16).leftPadded(4) + "</span>  "
            var ascii = ""
            var run = -1
            for position in start..<end {
                if owner[position] != run {
                    if run >= 0 { html += "</span>" }
                    run = owner[position]
                    html += "<span class=\"o\(run)\">"
                }
                if position == start + 8 { html += " " }
                html += "<i>" + AddressFormat.hexByte(bytes[position]) + "</i>" + (position + 1 < end ? " " : "")
                ascii += HTMLText.escape(String(TerminalSafe.asciiOrDot(bytes[position])))
            }
            html += "</span>" + String(repeating: "   ", count: 16 - (end - start)) + (end - start <= 8 ? " " : "") + "  " + ascii + "\n"
        }
        return html
    }
}
