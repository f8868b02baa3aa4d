/// How much of a long value views show: decoded layers keep whole payloads and texts, and
/// views cut them here.
enum Shown {
    /// Bytes of a payload field written out in JSON.
    static let bytes = 4096
    /// Characters of a text field shown before "…".
    static let characters = 4096

    static func text(_ text: String) -> String {
        text.count > characters ? String(text.prefix(characters)) + "…" : text
    }

    /// "(unmasked, first 4096 of 70000 bytes)" from the field's own note "(unmasked)".
    static func cutNote(_ note: String?, shown: Int, of total: Int) -> String {
        let cut = "first \(shown) of \(total) bytes"
        guard let note, note.hasPrefix("("), note.hasSuffix(")") else { return "(\(cut))" }
        return String(note.dropLast()) + ", \(cut))"
    }
}

/// "1 byte", "2 bytes".
func byteCount<N: BinaryInteger>(_ count: N) -> String { count == 1 ? "1 byte" : "\(count) bytes" }

extension String {
    /// Seconds with six decimals, "0.000213"; absurd values (from hostile timestamps) are clamped.
    public init(format6 seconds: Double) { self.init(seconds, decimals: 6) }

    /// Seconds with nine decimals, "0.000679976", as tshark writes times in field output.
    public init(format9 seconds: Double) { self.init(seconds, decimals: 9) }

    private init(_ seconds: Double, decimals: Int) {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let limit = Double(Int64.max / scale / 2)
        let clamped = seconds.isFinite ? Swift.min(Swift.max(seconds, -limit), limit) : 0
        let units = Int64((clamped * Double(scale)).rounded())
        let whole = units / scale, fraction = abs(units % scale)
        let digits = String(fraction)
        self = "\(units < 0 && whole == 0 ? "-" : "")\(whole)." + String(repeating: "0", count: decimals - digits.count) + digits
    }

    /// One decimal, "147.0", for averages; clamped as `format6`.
    public init(format1 value: Double) {
        let limit = 1e15
        let tenths = Int64(((value.isFinite ? Swift.min(Swift.max(value, -limit), limit) : 0) * 10).rounded())
        self = "\(tenths < 0 && tenths > -10 ? "-" : "")\(tenths / 10).\(abs(tenths % 10))"
    }
}
