#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A line on standard error while a long file is read into a terminal: bytes and packets read,
/// rate and time left. Drawn only after a second and only while no output is appearing, erased
/// before any output and at the end; never when either stream is not a terminal.
final class ProgressLine {
    private let total: Int
    private let started: Double
    /// Seconds of reading before the line first appears (`OSISCOPE_PROGRESS_AFTER` for tests).
    private let delay: Double
    private var lastDrawn = 0.0
    private var lastOutput = 0.0
    private var shown = false
    private var calls = 0

    /// Nil unless both standard output and standard error are terminals and the size is known.
    init?(file: String) {
        guard isatty(STDOUT_FILENO) == 1, isatty(STDERR_FILENO) == 1 else { return nil }
        var status = stat()
        let known = file == "-" ? fstat(STDIN_FILENO, &status) == 0 : stat(file, &status) == 0
        guard known, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0 else { return nil }
        total = Int(status.st_size)
        started = Self.now()
        delay = getenv("OSISCOPE_PROGRESS_AFTER").flatMap { Double(String(cString: $0)) } ?? 1
    }

    /// Called per event; looks at the clock only every 256 calls.
    func update(bytes: Int, packets: Int) {
        calls += 1
        guard calls & 255 == 0 || delay == 0 else { return }
        let now = Self.now()
        guard now - started >= delay, now - lastDrawn >= 0.2, now - lastOutput >= 0.5 else { return }
        lastDrawn = now
        let elapsed = max(now - started, 1e-3)
        let rate = Double(bytes) / elapsed
        let left = rate > 0 ? Double(max(0, total - bytes)) / rate : 0
        let percent = min(100, bytes * 100 / max(total, 1))
        let text = "\(Self.megabytes(bytes)) of \(Self.megabytes(total)) MB (\(percent)%) · \(packets) packets · "
            + "\(Self.megabytes(Int(rate))) MB/s · \(Int(left.rounded(.up))) s left"
        draw("\r\u{1B}[K" + text)
        shown = true
    }

    /// Erases the line (before output, and at the end).
    func clear() {
        lastOutput = Self.now()
        guard shown else { return }
        shown = false
        draw("\r\u{1B}[K")
    }

    private func draw(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// "412.3": megabytes with one decimal.
    private static func megabytes(_ bytes: Int) -> String {
        let tenths = max(0, bytes) / 100_000
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
