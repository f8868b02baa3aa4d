import Foundation
import Testing

/// `osiscope lesson 1` in a real pseudo-terminal (tmux): keys typed, the screen read back.
/// Next, previous, a wrong answer, a hint, the right answer, quit; started again it resumes at
/// the same step, and the terminal is back in its normal mode after each quit.
@Suite(.serialized) struct LessonTerminalTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first(where: FileManager.default.isExecutableFile)

    static func tmux(_ arguments: [String]) throws -> String {
        try runScript([tmux!] + arguments).output
    }

    static func screen(_ session: String) throws -> String { try tmux(["capture-pane", "-t", session, "-p"]) }

    @discardableResult
    static func waitFor(_ text: String, in session: String) throws -> Bool {
        let end = Date().addingTimeInterval(30)
        while Date() < end {
            if try screen(session).contains(text) { return true }
            usleep(50_000)
        }
        Issue.record("the screen never showed '\(text)':\n\(try screen(session))")
        return false
    }

    /// A shell command that appends the last exit status and the terminal's mode (icanon and
    /// echo must be back on) to `path`.
    static func noteExit(to path: String) -> String {
        "echo \"exit $? $(stty -a | grep -o -- '-\\?icanon') $(stty -a | grep -o -- ' -\\?echo ' | head -1)\" >> '\(path)'"
    }

    static func keys(_ session: String, _ keys: String...) throws {
        _ = try tmux(["send-keys", "-t", session] + keys)
    }

    @Test func aLearnerMovesAnswersQuitsAndResumes() throws {
        guard Self.tmux != nil else { Issue.record("tmux is not installed: run scripts/install-deps"); return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-tty-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = "osiscope-\(getpid())"
        let ended = folder.appendingPathComponent("ended").path
        // After each run, the terminal's mode is written down: it must be cooked again.
        let command = "cd '\(CommandRunner.root.path)' && for run in 1 2; do XDG_STATE_HOME='\(folder.path)' '\(CommandRunner.binary.path)' lesson 1; "
            + Self.noteExit(to: ended) + "; done; sleep 30"
        _ = try Self.tmux(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", command])
        defer { _ = try? Self.tmux(["kill-session", "-t", session]) }

        try Self.waitFor("step 1 of 5 · A capture is a list of packets", in: session)
        let first = try Self.screen(session).split(separator: "\n", omittingEmptySubsequences: false)
        // In reverse video, or in brackets where NO_COLOR is set.
        let bar = first.last { !$0.isEmpty }.map { String($0.trimmingPrefix("[")) }.map { $0.hasSuffix("]") ? String($0.dropLast()) : $0 }
        #expect(bar == "n next · p previous · a answer · h hint · r reveal · l list · ↑↓ scroll · q quit")
        try Self.keys(session, "n")
        try Self.waitFor("step 2 of 5 · One packet, layer by layer", in: session)
        try Self.keys(session, "p")
        try Self.waitFor("step 1 of 5", in: session)
        try Self.keys(session, "a", "3", "0", "Enter")
        try Self.waitFor("✗ Not 30 (2 tries left).", in: session)
        try Self.keys(session, "h")
        try Self.waitFor("Hint: Every packet has a frame layer", in: session)
        try Self.keys(session, "a", "3", "1", "Enter")
        try Self.waitFor("✓ Right: 31.", in: session)
        try Self.keys(session, "n")
        try Self.waitFor("step 2 of 5", in: session)
        func runsEnded() -> Int { (try? String(contentsOfFile: ended, encoding: .utf8))?.split(separator: "\n").count ?? 0 }
        func waitForRuns(_ count: Int) {
            let end = Date().addingTimeInterval(20)
            while Date() < end, runsEnded() < count { usleep(50_000) }
        }
        try Self.keys(session, "q")
        waitForRuns(1)
        // Started again (the loop's second run): it resumes at step 2.
        try Self.waitFor("step 2 of 5 · One packet, layer by layer", in: session)
        try Self.keys(session, "q")
        waitForRuns(2)
        let runs = try String(contentsOfFile: ended, encoding: .utf8)
        #expect(runs == "exit 0 icanon  echo \nexit 0 icanon  echo \n", "\(runs)")
    }

    /// Starts a program with the signals a terminal program relies on blocked, as a parent
    /// spawning it from a libdispatch worker thread passes them on (masks survive exec).
    static let blockingSignals = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, "
        + "{signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGWINCH}); os.execv(sys.argv[1], sys.argv[1:])"

    /// SIGTERM and SIGHUP end the lesson with the terminal put back, even when its parent passed
    /// it a mask with those signals blocked.
    @Test func aKillOrAHangUpEndsTheLessonAndRestoresTheTerminal() throws {
        guard Self.tmux != nil else { Issue.record("tmux is not installed: run scripts/install-deps"); return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-tty-kill-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = "osiscope-kill-\(getpid())"
        let ended = folder.appendingPathComponent("ended").path
        let command = "cd '\(CommandRunner.root.path)' && for signal in TERM HUP; do XDG_STATE_HOME='\(folder.path)' python3 -c '\(Self.blockingSignals)' '\(CommandRunner.binary.path)' lesson 2; "
            + Self.noteExit(to: ended) + "; done; sleep 30"
        _ = try Self.tmux(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", command])
        defer { _ = try? Self.tmux(["kill-session", "-t", session]) }
        for (index, signal) in ["TERM", "HUP"].enumerated() {
            try Self.waitFor("step 1 of", in: session)
            let pid = try runScript(["/usr/bin/pgrep", "-f", "osiscope lesson 2$"]).output.split(separator: "\n").first.map(String.init)
            _ = try runScript(["/bin/kill", "-\(signal)", try #require(pid)])
            let end = Date().addingTimeInterval(20)
            while Date() < end, ((try? String(contentsOfFile: ended, encoding: .utf8)) ?? "").split(separator: "\n").count <= index { usleep(50_000) }
        }
        let runs = try String(contentsOfFile: ended, encoding: .utf8)
        // 128 + 15 and 128 + 1: ended by the signal itself, after the terminal was restored.
        #expect(runs == "exit 143 icanon  echo \nexit 129 icanon  echo \n", "\(runs)")
    }

    /// The live step captures for real (CI runs as root) and the capture ends with the lesson.
    @Test(.enabled(if: getuid() == 0, "live capture needs root"))
    func theLiveStepCapturesAndStopsWithTheLesson() throws {
        guard Self.tmux != nil else { Issue.record("tmux is not installed: run scripts/install-deps"); return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-tty-live-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = "osiscope-live-\(getpid())"
        let command = "cd '\(CommandRunner.root.path)' && XDG_STATE_HOME='\(folder.path)' '\(CommandRunner.binary.path)' lesson 12 --step 1; sleep 30"
        _ = try Self.tmux(["new-session", "-d", "-s", session, "-x", "110", "-y", "30", command])
        defer { _ = try? Self.tmux(["kill-session", "-t", session]) }
        try Self.waitFor("Press c to capture your own traffic live", in: session)
        try Self.keys(session, "c")
        try Self.waitFor("osiscope: capturing on lo (ether), filter 'tcp port 8765'", in: session)
        try Self.keys(session, "q")
        let end = Date().addingTimeInterval(20)
        func captures() throws -> String { try runScript(["/usr/bin/pgrep", "-f", "osiscope (lesson 12|capture -i lo -f tcp port 8765 --messages)"]).output }
        while Date() < end, try !captures().isEmpty { usleep(50_000) }
        #expect(try captures() == "", "the lesson and its capture ended")
    }
}
