/// TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018): kind, length, value.
enum TCPOptions {
    static let names: [UInt64: String] = [
        0: "End of Option List", 1: "No-Operation", 2: "Maximum segment size", 3: "Window scale",
        4: "SACK permitted", 5: "SACK", 8: "Timestamps", 28: "User Timeout", 29: "TCP-AO", 30: "Multipath TCP",
        34: "TCP Fast Open Cookie",
    ]

    static func add(_ builder: inout LayerBuilder, in range: Range<Int>) {
        var children: [Field] = []
        var at = range.lowerBound
        while at < range.upperBound {
            let kind = builder.read(at..<(at + 1))!
            let name = names[kind] ?? "Unknown option \(kind)"
            if kind == 0 || kind == 1 {
                children.append(builder.makeNumber(TCPFields.optionKind, at..<(at + 1), note: "(\(name))")!)
                at += 1
                if kind == 0 { break }
                continue
            }
            guard at + 2 <= range.upperBound, let length = builder.read((at + 1)..<(at + 2)).map(Int.init),
                  length >= 2, at + length <= range.upperBound else {
                builder.diagnose(TCPDiagnostics.optionLenInvalid,
                                 "a TCP option (\(name)) has a length that runs past the header", at..<range.upperBound)
                break
            }
            var parts = [builder.makeNumber(TCPFields.optionLength, (at + 1)..<(at + 2))!]
            let value = (at + 2)..<(at + length)
            var summary = ""
            switch (kind, length) {
            case (2, 4):
                let field = builder.makeNumber(TCPFields.mss, value)!
                summary = "\(field.value.number!) bytes"
                parts.append(field)
            case (3, 3):
                let shift = builder.makeNumber(TCPFields.windowScale, value)!
                let multiplier = UInt64(1) << min(shift.value.number!, 14)
                summary = "shift \(shift.value.number!) (multiply by \(multiplier))"
                parts += [shift, Field(TCPFields.windowMultiplier, .number(multiplier), offset: builder.start + value.lowerBound,
                                       length: 1, generated: true)]
            case (8, 10):
                let tsval = builder.makeNumber(TCPFields.timestampValue, value.lowerBound..<(value.lowerBound + 4))!
                let tsecr = builder.makeNumber(TCPFields.timestampEcho, (value.lowerBound + 4)..<value.upperBound)!
                summary = "TSval \(tsval.value.number!), TSecr \(tsecr.value.number!)"
                parts += [tsval, tsecr]
            case (5, _) where (length - 2) % 8 == 0:
                var edges: [String] = []
                for block in stride(from: value.lowerBound, to: value.upperBound, by: 8) {
                    let left = builder.makeNumber(TCPFields.sackLeft, block..<(block + 4))!
                    let right = builder.makeNumber(TCPFields.sackRight, (block + 4)..<(block + 8))!
                    edges.append("\(left.value.number!)-\(right.value.number!)")
                    parts += [left, right]
                }
                summary = edges.joined(separator: " ")
            case (_, _) where groups[kind] == nil:
                summary = name
            case (4, 2):
                break
            default:
                if [2, 3, 4, 8].contains(kind) {
                    builder.diagnose(TCPDiagnostics.optionLenInvalid,
                                     "\(name) option has length \(length), which its definition does not allow", at..<(at + length))
                }
            }
            var option = Field(group(kind), .none, offset: builder.start + at, length: length,
                               note: summary.isEmpty ? nil : summary)
            option.children = [builder.makeNumber(TCPFields.optionKind, at..<(at + 1))!] + parts
            children.append(option)
            at += length
        }
        builder.value(TCPFields.options, range, .none, note: "(\(range.count) bytes)", children: children)
    }

    /// The window scale shift a SYN announces (RFC 7323 §2.2), found without building fields:
    /// conversation tracking needs it for every packet, shown or not.
    static func windowShift(_ builder: LayerBuilder, in range: Range<Int>) -> UInt8? {
        var at = range.lowerBound
        while at < range.upperBound, let kind = builder.read(at..<(at + 1)) {
            if kind == 0 { return nil }
            if kind == 1 { at += 1; continue }
            guard let length = builder.read((at + 1)..<(at + 2)).map(Int.init), length >= 2, at + length <= range.upperBound else {
                return nil
            }
            if kind == 3 && length == 3 { return builder.read((at + 2)..<(at + 3)).map { UInt8(min($0, 14)) } }
            at += length
        }
        return nil
    }

    /// One group row per option kind, as Wireshark keys them.
    static let groups: [UInt64: FieldDescriptor] = [
        2: FieldDescriptor("tcp.options.mss", "Maximum segment size", .none, blurb: TCPFields.mss.blurb),
        3: FieldDescriptor("tcp.options.wscale", "Window scale", .none, blurb: TCPFields.windowScale.blurb),
        4: TCPFields.sackPermitted,
        5: TCPFields.sack,
        8: FieldDescriptor("tcp.options.timestamp", "Timestamps", .none, blurb: TCPFields.timestampValue.blurb),
    ]
    static let unknownGroup = FieldDescriptor("tcp.options.unknown", "Unknown option", .none,
        blurb: "A TCP option this tool shows by kind and length only.")

    private static func group(_ kind: UInt64) -> FieldDescriptor { groups[kind] ?? unknownGroup }
}
