import Foundation

/// Another program run to its end by a test (osiscope, tshark, editcap, tmux, Chromium, a
/// checker script), with a deadline: a tool that hangs fails the test that ran it, naming the
/// command, instead of holding the whole run until CI gives up.
///
/// Spawned with posix_spawn, not Foundation's Process: on Linux, Process learns of a child's end
/// when a socket the child inherited closes, so a descendant that outlives the child (the tmux
/// server, a browser's crash handler) keeps `waitUntilExit` waiting forever. Here the wait is
/// `waitpid`, and the output goes to files, which nobody waits on.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var output: Data
        public var errors: Data
        /// Peak resident memory of the child, in bytes (getrusage's ru_maxrss).
        public var peakMemory: Int
        public var text: String { String(decoding: output, as: UTF8.self) }
        public var errorText: String { String(decoding: errors, as: UTF8.self) }
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public var command: [String]
        public var seconds: Double
        public var description: String { "killed after \(Int(seconds)) s without ending: \(command.joined(separator: " "))" }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) and waits for it, at most `seconds`.
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                           environment: [String: String]? = nil, directory: URL? = nil,
                           seconds: Double = 300) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-child-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputPath = folder.appendingPathComponent("in").path
        let outputPath = folder.appendingPathComponent("out").path, errorPath = folder.appendingPathComponent("err").path
        if let input { guard FileManager.default.createFile(atPath: inputPath, contents: input) else { throw CocoaError(.fileWriteUnknown) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let directory { try changeDirectory(&actions, directory.path) }
        posix_spawn_file_actions_addopen(&actions, 0, input == nil ? "/dev/null" : inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        closeInheritedDescriptors(&actions)
        // A shell's start: no signal blocked or ignored, in a process group of its own (a test
        // runs on a libdispatch worker thread, whose mask blocks nearly every signal).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let command = [executable] + arguments
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var argv = command.map { strdup($0) } + [nil], envp = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = executable.contains("/") ? posix_spawn(&pid, executable, &actions, &attributes, &argv, &envp)
                                               : posix_spawnp(&pid, executable, &actions, &attributes, &argv, &envp)
        guard spawned == 0 else { throw CocoaError(.executableLoad, userInfo: [NSFilePathErrorKey: executable]) }

        var status: Int32 = 0
        var usage = rusage()
        let deadline = Date().addingTimeInterval(seconds)
        while wait4(pid, &status, WNOHANG, &usage) == 0 {
            if Date() > deadline {
                kill(-pid, SIGKILL)
                while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
                throw TimedOut(command: command, seconds: seconds)
            }
            usleep(2_000)
        }
        // As a shell says it: the exit code, or 128 plus the signal that ended it.
        let signal = status & 0x7f
        return Result(status: signal == 0 ? (status >> 8) & 0xff : 128 + signal,
                      output: try Data(contentsOf: URL(fileURLWithPath: outputPath)),
                      errors: try Data(contentsOf: URL(fileURLWithPath: errorPath)), peakMemory: usage.ru_maxrss * 1024)
    }

    /// Only standard input, output and errors reach the child: any other descriptor of this
    /// process (a pipe or socket another test is waiting on) held open by a descendant that
    /// outlives the child would keep that test waiting for an end of file.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let closeFrom = glibc("posix_spawn_file_actions_addclosefrom_np", as: CloseFrom.self) else { return }
        _ = closeFrom(&actions, 3)
    }

    private static func changeDirectory(_ actions: inout posix_spawn_file_actions_t, _ path: String) throws {
        typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let change = glibc("posix_spawn_file_actions_addchdir_np", as: ChangeDirectory.self) else {
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "this C library cannot spawn in a directory"])
        }
        _ = change(&actions, path)
    }

    /// GNU extensions of posix_spawn (glibc 2.29 and 2.34) that the Glibc module does not import.
    private static func glibc<Function>(_ name: String, as type: Function.Type) -> Function? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map { unsafeBitCast($0, to: type) }
    }
}
