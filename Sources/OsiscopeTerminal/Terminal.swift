#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal as an interactive view uses it: raw keys, the alternate screen, whole frames
/// drawn at once, the size and its changes. The terminal is put back as it was on leaving, at
/// exit, and on a fatal signal, so a crash never leaves a shell without echo.
public final class Terminal {
    public struct Size: Sendable, Equatable {
        public var rows: Int
        public var columns: Int
        public init(rows: Int, columns: Int) {
            self.rows = rows
            self.columns = columns
        }
    }

    private var decoder = KeyDecoder()

    /// nil when standard input or output is not a terminal.
    public init?() {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return nil }
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { return nil }
        TerminalRestore.save(original)
        var raw = original
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        TerminalRestore.write("\u{1B}[?1049h\u{1B}[?25l") // the alternate screen, no cursor
        TerminalRestore.installHandlers()
    }

    deinit { TerminalRestore.restore() }

    public var size: Size {
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_row > 0, window.ws_col > 0 {
            return Size(rows: Int(window.ws_row), columns: Int(window.ws_col))
        }
        return Size(rows: 24, columns: 80)
    }

    /// Draws these lines from the top left, each cleared to its end, and clears what is below.
    public func draw(_ lines: [String]) {
        var text = "\u{1B}[H"
        for (index, line) in lines.enumerated() {
            text += line + "\u{1B}[K"
            if index + 1 < lines.count { text += "\r\n" }
        }
        TerminalRestore.write(text + "\u{1B}[J")
    }

    /// The keys typed within `milliseconds` (none when nothing was; `.endOfInput` when the
    /// terminal went away). A window size change also ends the wait, with no keys.
    public func keys(waiting milliseconds: Int32 = 200) -> [Key] {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return decoder.keys([], final: true) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(STDIN_FILENO, &buffer, buffer.count)
        guard count > 0 else { return count < 0 && errno == EINTR ? [] : [.endOfInput] }
        // More bytes right behind (the rest of an escape sequence) are read before deciding.
        var more = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        let final = poll(&more, 1, 15) <= 0
        return decoder.keys(Array(buffer.prefix(count)), final: final)
    }

    /// Whether the window changed size since the last call.
    public var resized: Bool { TerminalRestore.takeResized() }

    /// Leaves raw mode and the alternate screen now.
    public func leave() { TerminalRestore.restore() }
}

/// The terminal's original settings, kept where a signal handler can reach them.
enum TerminalRestore {
    nonisolated(unsafe) private static var original: termios?
    nonisolated(unsafe) private static var resizedFlag: sig_atomic_t = 0

    static func save(_ settings: termios) { original = settings }

    static func restore() {
        guard var settings = original else { return }
        write("\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &settings)
        original = nil
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { if errno == EINTR { continue }; return }
                offset += written
            }
        }
    }

    static func takeResized() -> Bool {
        defer { resizedFlag = 0 }
        return resizedFlag != 0
    }

    static func installHandlers() {
        atexit { TerminalRestore.restore() }
        signal(SIGWINCH) { _ in TerminalRestore.resizedFlag = 1 }
        // A crash or a kill puts the terminal back before the default action.
        let handled = [SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGILL, SIGABRT, SIGFPE]
        // A mask inherited blocked (a parent that spawned us from a libdispatch worker thread
        // passes its mask on) would keep a kill, a hang-up or a resize from ever arriving.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for number in handled + [SIGWINCH, SIGINT, SIGCONT] { sigaddset(&unblocked, number) }
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        for number in handled {
            signal(number) { received in
                TerminalRestore.restore()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }
}
