import OsiscopeCapture

/// The time column of the packet and message lists, in tshark's `-t` formats. Absolute times
/// are in UTC, so that output is the same on every machine.
public struct TimeColumn: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        /// Absolute time of day: "13:46:31.967262".
        case absolute = "a"
        /// Absolute with the date: "2026-11-25 13:46:31.967262".
        case absoluteWithDate = "ad"
        /// Seconds since the first packet: "0.000613".
        case relative = "r"
        /// Seconds since the previous line: "0.000007".
        case delta = "d"
        /// Seconds since 1970: "1795614391.967262".
        case epoch = "e"
    }

    public var format: Format
    private var previous: Timestamp?

    public init(_ format: Format = .relative) { self.format = format }

    /// The text for a line at `time`, the capture having begun at `start`.
    public mutating func text(_ time: Timestamp, start: Timestamp) -> String {
        defer { previous = time }
        switch format {
        case .relative: return String(format6: time.seconds(since: start))
        case .delta: return String(format6: time.seconds(since: previous ?? time))
        case .epoch: return time.decimalString
        case .absoluteWithDate: return String(TreeRenderer.utcTime(time).dropLast(4))
        case .absolute:
            let full = TreeRenderer.utcTime(time).dropLast(4)
            return String(full[full.index(after: full.firstIndex(of: " ")!)...])
        }
    }
}
