import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OsiscopeViews

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

extension TimeColumn.Format: ExpressibleByArgument {}

/// `-t`, as tshark's: how the time column of line views reads.
struct TimeOptions: ParsableArguments {
    @Option(name: .customShort("t"), help: ArgumentHelp(
        "Time column: a (absolute time of day, UTC), ad (with the date), r (since the first packet), d (since the previous line), e (seconds since 1970).",
        valueName: "format"))
    var timeFormat: TimeColumn.Format = .relative
}

struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Colour output: auto (only on a terminal, and unless NO_COLOR is set), always or never.")
    var color: ColorChoice = .auto

    var style: TerminalStyle {
        switch color {
        case .always: return TerminalStyle(enabled: true)
        case .never: return .plain
        case .auto:
            let noColor = getenv("NO_COLOR").map { String(cString: $0).isEmpty == false } ?? false
            let dumb = getenv("TERM").map { String(cString: $0) == "dumb" } ?? false
            return TerminalStyle(enabled: isatty(STDOUT_FILENO) == 1 && !noColor && !dumb)
        }
    }
}

/// Exit statuses documented in `osiscope --help` and the README.
enum ExitStatus {
    static let cannotRead = ExitCode(1)
    static let damaged = ExitCode(2)
    static let usage = ExitCode(64)
    /// Not allowed to capture live (sysexits EX_NOPERM).
    static let noPermission = ExitCode(77)
}

/// Standard output, buffered (one write per 64 KiB) when reading a file into a pipe or file,
/// and written as each piece is complete when a person watches (a terminal) or the input is
/// itself a stream (`tcpdump -U -w - | osiscope messages -`).
final class Output {
    private var buffer: [UInt8] = []
    private let flushesEachWrite: Bool
    /// Erased before anything is written to the terminal.
    var progress: ProgressLine?

    private let descriptor: Int32

    /// - Parameters:
    ///   - inputIsStream: the capture comes from a pipe or standard input.
    ///   - descriptor: where to write (standard output, or a file `open` gave).
    init(inputIsStream: Bool = false, descriptor: Int32 = STDOUT_FILENO) {
        self.descriptor = descriptor
        flushesEachWrite = inputIsStream || isatty(descriptor) == 1
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ text: String) {
        progress?.clear()
        buffer.append(contentsOf: text.utf8)
        if flushesEachWrite || buffer.count >= 1 << 16 { flush() }
    }

    /// `text` and a line end, without building the joined string (JSON lines can be long).
    func writeLine(_ text: String) {
        progress?.clear()
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if flushesEachWrite || buffer.count >= 1 << 16 { flush() }
    }

    /// Bytes as they are: UTF-8 a view built (the tree), or a stream's raw bytes (`follow --raw`,
    /// never for a terminal).
    func write(bytes: some Collection<UInt8>) {
        progress?.clear()
        buffer.append(contentsOf: bytes)
        if flushesEachWrite || buffer.count >= 1 << 16 { flush() }
    }

    /// `bytes` (UTF-8 already) and a line end.
    func writeLine(_ bytes: [UInt8]) {
        progress?.clear()
        buffer.append(contentsOf: bytes)
        buffer.append(UInt8(ascii: "\n"))
        if flushesEachWrite || buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    if descriptor != STDOUT_FILENO {
                        printError("cannot write: \(String(cString: strerror(errno)))")
                        exit(1)
                    }
                    // The reader went away (e.g. `| head`): stop quietly, as other Unix tools do.
                    exit(0)
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

func printError(_ message: String) {
    var line = "osiscope: " + message + "\n"
    line.withUTF8 { bytes in _ = Glibc.write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}

/// This program's own path: for the setcap advice, and to run itself for lessons.
func executablePath() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    return length > 0 ? String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "$(command -v osiscope)"
}
