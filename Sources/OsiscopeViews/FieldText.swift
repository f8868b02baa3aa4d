import OsiscopeWire

/// How a field's value reads in the tree view.
enum FieldText {
    /// Bytes shown before a long byte value is cut with "…".
    static let byteLimit = 24

    static func value(_ field: Field) -> String {
        let descriptor = field.descriptor
        switch field.value {
        case .none:
            return ""
        case .flag(let on):
            if descriptor.format == .check { return on ? "correct" : "wrong" }
            return on ? "Set" : "Not set"
        case .text(let text):
            return TerminalSafe.text(Shown.text(text))
        case .seconds(let seconds):
            return String(format6: seconds)
        case .signed(let number):
            return descriptor.names?(UInt64(bitPattern: number)).map { "\(number) (\($0))" } ?? String(number)
        case .bytes(let bytes):
            let shown = AddressFormat.hex(bytes.prefix(byteLimit))
            return bytes.count > byteLimit ? "\(shown)… (\(bytes.count) bytes)" : shown
        case .number(let number):
            var text = formatted(descriptor.format, number)
            if let name = descriptor.names?(number) { text += " (\(name))" }
            return text
        }
    }

    /// `value`, appended: a plain number (most fields) as digits, without a String between.
    static func appendValue(_ field: Field, to text: inout [UInt8]) {
        if case .number(let number) = field.value, field.descriptor.names == nil, !field.descriptor.format.isHex {
            appendDecimal(number, to: &text)
        } else {
            text.add(value(field))
        }
    }

    static func appendDecimal(_ number: UInt64, to text: inout [UInt8]) {
        guard number >= 10 else { return text.append(UInt8(ascii: "0") + UInt8(number)) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0, rest = number
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            text.append(contentsOf: buffer[(20 - count)...])
        }
    }

    static func formatted(_ format: FieldFormat, _ value: UInt64) -> String {
        if case .hex(let digits) = format {
            return "0x" + String(value, radix: 16).leftPadded(digits)
        }
        return String(value)
    }

    /// "Label: value note", with computed fields in brackets as Wireshark shows them.
    static func line(_ field: Field) -> String {
        var text: [UInt8] = []
        appendLine(field, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// `line`, appended piece by piece: the tree view writes thousands of them.
    static func appendLine(_ field: Field, to text: inout [UInt8]) {
        if field.generated { text.append(UInt8(ascii: "[")) }
        text.add(field.label)
        text.add(": ")
        let valueStart = text.count
        appendValue(field, to: &text)
        let hasValue = text.count > valueStart
        if !hasValue { text.removeLast(2) }
        if let note = field.note {
            // A group's own note is its value ("Maximum segment size: 1460 bytes").
            let isValue = !hasValue && !note.hasPrefix("(") && !note.hasPrefix("[")
            text.add(isValue ? ": " : " ")
            text.add(TerminalSafe.text(note))
        }
        if field.generated { text.append(UInt8(ascii: "]")) }
    }

    /// Wireshark's bit-field picture, e.g. ".... ..1. = " for the SYN bit of the flags byte:
    /// only the bytes the mask touches are drawn, set bits as 1, clear bits as 0, others as dots.
    static func bitPattern(_ field: Field, in bytes: [UInt8]) -> String? {
        var picture: [UInt8] = []
        guard appendBitPattern(field, in: bytes, to: &picture) else { return nil }
        return String(decoding: picture, as: UTF8.self)
    }

    /// `bitPattern`, appended; false (nothing appended) for a field without one.
    static func appendBitPattern(_ field: Field, in bytes: [UInt8], to picture: inout [UInt8]) -> Bool {
        guard let mask = field.descriptor.mask, field.length > 0, field.length <= 8,
              field.offset + field.length <= bytes.count else { return false }
        var raw: UInt64 = 0
        for index in field.offset..<(field.offset + field.length) { raw = raw << 8 | UInt64(bytes[index]) }
        let width = field.length * 8
        // Leave out whole bytes the mask does not touch, as Wireshark does for wide fields.
        let firstByte = (width - 1 - (63 - mask.leadingZeroBitCount)) / 8
        let lastByte = (width - 1 - mask.trailingZeroBitCount) / 8
        // Groups of four bits, separated by spaces.
        let start = picture.count
        for byte in firstByte...lastByte {
            for nibble in 0..<2 {
                if picture.count > start { picture.append(UInt8(ascii: " ")) }
                for bit in 0..<4 {
                    let selector = UInt64(1) << UInt64(width - 1 - (byte * 8 + nibble * 4 + bit))
                    picture.append(mask & selector == 0 ? UInt8(ascii: ".") : (raw & selector == 0 ? UInt8(ascii: "0") : UInt8(ascii: "1")))
                }
            }
        }
        picture.add(" = ")
        return true
    }
}
