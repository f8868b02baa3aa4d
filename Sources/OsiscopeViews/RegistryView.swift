import OsiscopeWire

/// `osiscope fields`: every field and diagnostic a protocol can report, as text for people
/// or JSON Lines (one object per row), like `tshark -G fields`.
public struct RegistryView: Sendable {
    public var style: TerminalStyle
    /// Lines longer than this wrap, continuing under their column; nil: never.
    public var width: Int?

    public init(style: TerminalStyle = .plain, width: Int? = nil) {
        self.style = style
        self.width = width
    }

    public func render(_ registry: ProtocolRegistry) -> String {
        var lines = [style.color(style.bold("\(registry.name) · Layer \(registry.osi.rawValue) · \(registry.title)"),
                                 TerminalStyle.color(forOSI: registry.osi.rawValue))]
        let width = registry.fields.map(\.descriptor.key.count).max() ?? 0
        for row in registry.fields {
            var place = ""
            if let range = row.place { place = range.count == 1 ? "byte \(range.lowerBound)" : "bytes \(range.lowerBound)–\(range.upperBound - 1)" }
            if let mask = row.descriptor.mask { place += (place.isEmpty ? "" : ", ") + "mask 0x" + String(mask, radix: 16) }
            let column = 2 + width + 2
            append("  " + row.descriptor.key.padding(width) + "  " + row.descriptor.label
                   + (place.isEmpty ? "" : "  " + style.dim("[\(place)]")), hanging: column, into: &lines)
            append(String(repeating: " ", count: column) + style.dim(row.descriptor.blurb), hanging: column, into: &lines)
        }
        if !registry.diagnostics.isEmpty { lines.append("  " + style.bold("Diagnostics")) }
        let keyWidth = registry.diagnostics.map(\.key.count).max() ?? 0
        for diagnostic in registry.diagnostics {
            append("  " + diagnostic.key.padding(keyWidth) + "  " + diagnostic.severity.rawValue.padding(7) + " "
                   + diagnostic.summary, hanging: 2 + keyWidth + 2 + 8, into: &lines)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func append(_ line: String, hanging: Int, into lines: inout [String]) {
        guard let width else { return lines.append(line) }
        lines += LineFitting.wrap(line, width: width, indent: hanging)
    }

    /// One JSON object per row: fields first, then diagnostics.
    public static func json(_ registry: ProtocolRegistry) -> [String] {
        let fields = registry.fields.map { row in
            var json = JSONWriter()
            json.add("name", row.descriptor.key)
            json.add("protocol", registry.name)
            json.add("label", row.descriptor.label)
            json.add("osi", registry.osi.rawValue)
            json.add("blurb", row.descriptor.blurb)
            if let place = row.place {
                json.add("offset", place.lowerBound)
                json.add("length", place.count)
            }
            if let mask = row.descriptor.mask { json.add("mask", "0x" + String(mask, radix: 16)) }
            return json.finished()
        }
        let diagnostics = registry.diagnostics.map { diagnostic in
            var json = JSONWriter()
            json.add("name", diagnostic.key)
            json.add("protocol", registry.name)
            json.add("osi", registry.osi.rawValue)
            json.add("severity", diagnostic.severity.rawValue)
            json.add("message", diagnostic.summary)
            return json.finished()
        }
        return fields + diagnostics
    }
}

private extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
