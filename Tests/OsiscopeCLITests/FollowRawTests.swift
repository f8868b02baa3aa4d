import Foundation
import OsiscopeTestSupport
import Testing

/// `follow --raw -o FILE`: the one place where captured bytes leave osiscope unescaped, so only
/// into a file or a pipe, byte for byte what tshark's raw follow gives.
@Suite struct FollowRawTests {
    static let samples = ConformanceCaptures.all.filter { $0.contains("/Samples/") }

    /// tshark's `-z follow,tcp,raw,N`, per direction: hex lines, the second node's indented by a tab.
    static func tsharkRaw(_ capture: String, stream: Int) throws -> [String: [UInt8]] {
        let text = try FilterCommandTests.tshark(["-r", capture, "-o", "tcp.reassemble_out_of_order:TRUE", "-q", "-z", "follow,tcp,raw,\(stream)"])
        var bytes: [String: [UInt8]] = ["client": [], "server": []]
        let lines = text.split(separator: "\n").drop { !$0.hasPrefix("Node 1:") }.dropFirst()
        for line in lines where !line.hasPrefix("=") {
            let side = line.hasPrefix("\t") ? "server" : "client"
            let hex = Array(line.trimmingPrefix("\t").utf8)
            for index in stride(from: 0, to: hex.count - 1, by: 2) {
                bytes[side]!.append(UInt8(String(decoding: hex[index...index + 1], as: UTF8.self), radix: 16)!)
            }
        }
        return bytes
    }

    static func raw(_ capture: String, _ options: [String]) throws -> (bytes: [UInt8], result: CommandRunner.Result) {
        let file = try CommandRunner.temporaryFile([])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try CommandRunner.run(["follow", capture, "--stream", "0", "--raw", "-o", file] + options)
        return ([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))), result)
    }

    @Test(arguments: samples)
    func eachDirectionIsTsharksRawFollow(capture: String) throws {
        let expected = try Self.tsharkRaw(capture, stream: 0)
        for side in ["client", "server"] {
            let (bytes, result) = try Self.raw(capture, ["--direction", side])
            #expect(result.status == 0, "\(result.errors)")
            #expect(bytes == expected[side], "\(ConformanceCaptures.label(capture)) \(side): \(bytes.count) bytes, tshark \(expected[side]!.count)")
            #expect(result.errors == "osiscope: \(capture): stream 0: \(bytes.count) bytes written\n")
        }
        let (both, _) = try Self.raw(capture, [])
        #expect(both.count == expected["client"]!.count + expected["server"]!.count)
    }

    /// A segment the capture lost is not invented: its bytes are left out and counted.
    @Test func lostBytesAreLeftOutAndCounted() throws {
        let sample = ConformanceCaptures.root.appendingPathComponent("Samples/websocket-plain.pcapng").path
        let thinned = try CommandRunner.temporaryFile([]) + ".pcapng"
        defer { try? FileManager.default.removeItem(atPath: thinned) }
        // Packet 25 carries 1,448 bytes of the 70,000-byte message from the client.
        let length = try FilterCommandTests.tshark(["-r", sample, "-Y", "frame.number == 25", "-T", "fields", "-e", "tcp.len"])
        #expect(try ChildProcess.run("/usr/bin/editcap", [sample, thinned, "25"]).status == 0)
        let (bytes, result) = try Self.raw(thinned, ["--direction", "client"])
        let whole = try Self.tsharkRaw(sample, stream: 0)["client"]!
        #expect(bytes.count == whole.count - Int(length.trimmingCharacters(in: .whitespacesAndNewlines))!)
        #expect(result.errors == "osiscope: \(thinned): stream 0: \(bytes.count) bytes written, \(length.trimmingCharacters(in: .whitespacesAndNewlines)) bytes the capture lost left out\n")
    }

    /// Raw bytes never go to a terminal, and the options that go with --raw need it.
    @Test func rawBytesNeverReachATerminal() throws {
        let sample = "Samples/websocket-plain.pcapng"
        for (options, message) in [
            (["--raw"], "--raw needs -o FILE (or -o - for a pipe): raw bytes are not shown on a terminal"),
            (["-o", "x.bin"], "-o and --direction go with --raw"),
            (["--raw", "-o", "x.bin", "--direction", "sideways"], "--direction is client or server, not 'sideways'"),
            (["--raw", "-o", "x.bin", "--hex"], "--raw writes one stream's bytes: not with --hex, --messages or --session"),
        ] {
            let result = try CommandRunner.run(["follow", sample, "--stream", "0"] + options)
            #expect(result.status == 64)
            #expect(result.errors.contains(message), "\(options): \(result.errors)")
        }
        // On a real terminal (util-linux script), -o - is refused.
        let screen = try CommandRunner.execute(URL(fileURLWithPath: "/usr/bin/script"),
                                               ["-qec", "\(CommandRunner.binary.path) follow \(sample) --stream 0 --raw -o -; echo \"exit $?\"", "/dev/null"])
        #expect(screen.output.contains("--raw -o - writes raw bytes, which would drive this terminal: give a file, or pipe the output"))
        #expect(screen.output.hasSuffix("exit 64\r\n"), "\(screen.output.debugDescription)")
        // Through a pipe they pass as they are.
        let piped = try CommandRunner.run(["follow", sample, "--stream", "0", "--raw", "-o", "-", "--direction", "server"])
        #expect(piped.bytes == (try Self.tsharkRaw(ConformanceCaptures.root.appendingPathComponent(sample).path, stream: 0)["server"]))
    }
}
