import Foundation
import Testing

/// Selections that name nothing and flags that do nothing together are usage errors (exit 64)
/// whose message says what exists.
@Suite struct UsageErrorTests {
    static let sample = "Samples/http-keepalive.pcap"

    @Test func aPacketPastTheEndSaysHowManyThereAre() throws {
        let facts = try SampleExpected.capture("http-keepalive")
        let result = try CommandRunner.run(["inspect", Self.sample, "--packet", "99999"])
        #expect(result.status == 64)
        #expect(result.output.isEmpty)
        #expect(result.errors == "osiscope: \(Self.sample): no packet in 99999: the capture has \(facts.packets) packets\n")
        // A range reaching past the end still shows what exists.
        let tail = try CommandRunner.run(["inspect", Self.sample, "--packets", "\(facts.packets)-99999", "--json"])
        #expect(tail.status == 0)
        #expect(tail.output.split(separator: "\n").count == 1)
    }

    /// `--packets -N` is the documented "up to N", not an unknown option.
    @Test func packetsUpToN() throws {
        let result = try CommandRunner.run(["inspect", Self.sample, "--packets", "-3", "--json"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.split(separator: "\n").count == 3)
    }

    @Test func aStreamThatDoesNotExistSaysWhichDo() throws {
        let facts = try SampleExpected.capture("http-keepalive")
        let last = facts.tcp.count - 1
        let range = last == 0 ? "the only stream is 0" : "streams are 0–\(last)"
        for command in [["messages", Self.sample, "--stream", "999"], ["follow", Self.sample, "--stream", "999"]] {
            let result = try CommandRunner.run(command)
            #expect(result.status == 64, "\(command)")
            #expect(result.errors == "osiscope: \(Self.sample): there is no stream 999: \(range) (see 'osiscope streams')\n",
                    "\(command)")
        }
    }

    @Test func flagsThatDoNothingTogether() throws {
        let cases: [([String], String)] = [
            (["inspect", Self.sample, "--packet", "1", "--packets", "1-2"], "--packet and --packets cannot be used together"),
            (["inspect", Self.sample, "--json", "--hex"], "--hex and --explain apply to the tree view, not to --json"),
            (["messages", Self.sample, "--bodies"], "--bodies adds bodies to the JSON output: use it with --json"),
            (["follow", Self.sample, "--stream", "0", "--hex", "--messages"], "--hex shows bytes; --messages shows messages: choose one"),
        ]
        for (arguments, message) in cases {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.errors.contains("Error: " + message), "\(arguments): \(result.errors)")
            // The usage shown is the subcommand's.
            #expect(result.errors.contains("Usage: osiscope \(arguments[0]) "), "\(arguments): \(result.errors)")
        }
    }

    @Test func standardInputIsCalledSo() throws {
        let result = try CommandRunner.run(["inspect", "-"], input: Data([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]))
        #expect(result.status == 1)
        #expect(result.errors.hasPrefix("osiscope: standard input: "), "\(result.errors)")
    }

    @Test func versionIsPrinted() throws {
        let result = try CommandRunner.run(["--version"])
        #expect(result.status == 0)
        #expect(result.output == "0.3.0\n")
    }
}
