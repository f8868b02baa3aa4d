import Foundation
import Testing
import OsiscopeTestSupport

/// Decoding on several threads changes nothing a user sees: every command's output, on every
/// sample and corpus capture, is byte for byte what one thread writes. Chunks of three jobs make
/// even a small capture cross hundreds of hand-overs between the threads.
@Suite struct ThreadsTests {
    static let commands: [[String]] = [
        ["messages", "--json", "--bodies"], ["messages"], ["streams", "--json"], ["streams"],
        ["inspect"], ["inspect", "--json"], ["inspect", "--hex", "--explain"], ["packets"],
        ["packets", "-f", "tcp port 80 or udp"], ["inspect", "--packets", "3-9"], ["sessions", "--json"], ["sessions"],
    ]

    static func output(_ arguments: [String], threads: Int, chunk: Int = 3) throws -> CommandRunner.Result {
        try CommandRunner.run(arguments + ["--threads", String(threads), "--color", "always"],
                              environment: ["OSISCOPE_CHUNK_JOBS": String(chunk), "COLUMNS": "120"])
    }

    @Test(arguments: ConformanceCaptures.all)
    func oneThreadAndFourWriteTheSame(capture: String) throws {
        for command in Self.commands {
            let arguments = [command[0], capture] + command.dropFirst()
            let one = try Self.output(arguments, threads: 1)
            let four = try Self.output(arguments, threads: 4)
            let name = "\(ConformanceCaptures.label(capture)) \(command.joined(separator: " "))"
            #expect(one.status == four.status, "\(name): exit status")
            #expect(one.output == four.output, "\(name): output differs")
            #expect(one.errors == four.errors, "\(name): errors differ")
        }
    }

    /// Eighty interleaved connections with loss and reordering, from the benchmark's generator.
    @Test func aGeneratedCaptureOfInterleavedConnections() throws {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-threads-\(getpid()).pcap").path
        defer { try? FileManager.default.removeItem(atPath: capture) }
        let generator = try ChildProcess.run("python3", [CommandRunner.root.appendingPathComponent("scripts/make-bench-capture.py").path,
                                                         "--size", "4M", "--concurrent", "1000", "--loss", "0.01", "--reorder", "0.01",
                                                         "--seed", "7", capture])
        try #require(generator.status == 0)
        for (command, lines) in [(["messages", "--json"], 1_000), (["streams", "--json"], 80), (["packets"], 5_000)] {
            let arguments = [command[0], capture] + command.dropFirst()
            let one = try Self.output(arguments, threads: 1)
            let two = try Self.output(arguments, threads: 2, chunk: 512)
            let three = try Self.output(arguments, threads: 3)
            #expect(one.output.split(separator: "\n").count > lines, "\(command): too little output to compare")
            #expect(one.output == two.output, "\(command): two threads, chunks of 512")
            #expect(one.output == three.output, "\(command): three threads, chunks of 3")
        }
    }
}
