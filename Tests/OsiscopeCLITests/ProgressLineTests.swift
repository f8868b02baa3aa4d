import Foundation
import Testing

/// The progress line: drawn on a terminal, erased at the end, never in pipes or with JSON.
/// `OSISCOPE_PROGRESS_AFTER=0` draws it from the first packet (normally after a second).
@Suite struct ProgressLineTests {
    /// Runs osiscope in a real pseudo-terminal (util-linux `script`), standard output and
    /// standard error both on it, and returns what the terminal received.
    static func inTerminal(_ arguments: String) throws -> String {
        let result = try CommandRunner.execute(URL(fileURLWithPath: "/usr/bin/script"),
                                               ["-qec", "OSISCOPE_PROGRESS_AFTER=0 \(CommandRunner.binary.path) \(arguments)", "/dev/null"])
        #expect(result.status == 0)
        return result.output
    }

    @Test func drawnOnATerminalAndErased() throws {
        // A filter that matches nothing: the only thing on the terminal is the progress line.
        let screen = try Self.inTerminal("inspect Samples/websocket-plain.pcapng -f 'udp port 9'")
        let erase = "\r\u{1B}[K"
        // One drawing (redrawn at most every 0.2 s; this file takes less), then erased.
        #expect(screen.hasPrefix(erase + "0.1 of 0.1 MB (100%) · "), "\(screen.debugDescription)")
        #expect(screen.hasSuffix(" s left" + erase), "\(screen.debugDescription)")
        #expect(screen.components(separatedBy: erase).count == 3)
        #expect(screen.contains(" packets · ") && screen.contains(" MB/s · "))
    }

    @Test func neverWithJSON() throws {
        let screen = try Self.inTerminal("streams Samples/websocket-plain.pcapng --json")
        #expect(!screen.contains("\u{1B}[K"))
        #expect(screen.hasPrefix("{\"stream\":0,"))
    }

    @Test func neverInPipes() throws {
        let result = try CommandRunner.run(["inspect", "Samples/websocket-plain.pcapng", "-f", "udp port 9"],
                                           environment: ["OSISCOPE_PROGRESS_AFTER": "0"])
        #expect(result.status == 0)
        #expect(result.output.isEmpty && result.errors.isEmpty)
    }
}
