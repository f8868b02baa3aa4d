#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OsiscopeCapture

/// Times as HAR writes them: ISO 8601 in UTC with milliseconds for dates (as Chrome's
/// `Date.toJSON`), milliseconds for durations, epoch seconds for WebSocket messages.
enum HARTime {
    static func date(_ time: Timestamp) -> String {
        var seconds = time_t(time.seconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = Int(time.nanoseconds / 1_000_000)
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }

    /// Milliseconds from one time to a later one, with microsecond precision, never negative.
    static func milliseconds(from start: Timestamp, to end: Timestamp) -> String {
        String(format6: max(0, end.seconds(since: start)) * 1000)
    }

    /// Seconds since 1970 with nine decimals, written from the timestamp's own digits.
    static func epoch(_ time: Timestamp) -> String {
        let digits = String(time.nanoseconds)
        return "\(time.seconds)." + String(repeating: "0", count: 9 - digits.count) + digits
    }
}
