import Foundation
import Testing

/// A program run in the background whose output is read as it comes, so that a test can see
/// what was printed while the program still runs.
final class RunningProgram: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var outputBytes = Data()
    private var errorBytes = Data()

    init(_ executable: URL, _ arguments: [String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = CommandRunner.root
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.outputBytes.append(data) }
        }
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.lock.withLock { self?.errorBytes.append(data) }
        }
        try process.run()
    }

    var output: String { lock.withLock { String(decoding: outputBytes, as: UTF8.self) } }
    var errors: String { lock.withLock { String(decoding: errorBytes, as: UTF8.self) } }

    /// Waits (up to `seconds`, a bound against hanging, not a timing assertion) until `done`.
    @discardableResult
    func wait(seconds: Double = 30, until done: (RunningProgram) -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if done(self) { return true }
            usleep(20_000)
        }
        return done(self)
    }

    /// Waits for the exit (killing it past `seconds`); its status.
    func exitStatus(seconds: Double = 30) -> Int32? {
        guard wait(seconds: seconds, until: { !$0.process.isRunning }) else {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        usleep(50_000) // the last output reaches the handlers
        return process.terminationStatus
    }
}

/// `capture` on the loopback interface, with real peers: run by CI as root (live capture needs
/// CAP_NET_RAW and CAP_NET_ADMIN), skipped for a user without them.
@Suite(.serialized, .enabled(if: getuid() == 0, "live capture needs root"))
struct CaptureCommandTests {
    static func start(_ arguments: [String]) throws -> RunningProgram {
        let program = try RunningProgram(CommandRunner.binary, ["capture"] + arguments)
        // Peers start once the interface is open.
        #expect(program.wait { $0.errors.contains("capturing on ") }, "\(program.errors)")
        return program
    }

    static func temporary(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-live-\(UUID())\(suffix)").path
    }

    /// A port of this test run, away from the samples' ports.
    static func port(_ offset: Int) -> Int { 20_000 + Int(getpid() % 20_000) + offset }

    /// A real WebSocket server and client (Python websockets, deflate on) on loopback: the
    /// messages are printed while the capture still runs, equal what the client sent, and the
    /// file written alongside holds the same frames for tshark and the same messages for osiscope.
    @Test func messagesOfARealWebSocketAppearAsTheyComplete() throws {
        let port = Self.port(1), file = Self.temporary(".pcapng")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = try Self.start(["-i", "lo", "-f", "tcp port \(port)", "-w", file, "--messages", "--json"])
        let sent = ["hello from the live test", "{\"n\":2,\"text\":\"second\"}", String(repeating: "long ", count: 2000)]
        let peers = try runScript(["/usr/bin/python3", "Tests/OsiscopeCLITests/Fixtures/live_peers.py", String(port)] + sent)
        #expect(peers.status == 0, "\(peers.output)")
        func texts(_ output: String) -> [String] {
            output.split(separator: "\n").compactMap { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      object["protocol"] as? String == "websocket", object["from"] as? String == "client" else { return nil }
                return object["text"] as? String
            }
        }
        // Printed before the capture is told to end.
        #expect(capture.wait { texts($0.output).count == sent.count && $0.output.contains("\"opcode\":\"close\"") }, "\(capture.output)")
        #expect(capture.process.isRunning)
        #expect(texts(capture.output) == sent)
        kill(capture.process.processIdentifier, SIGINT)
        #expect(capture.exitStatus() == 0)
        let captured = try #require(capture.errors.firstMatch(of: /(\d+) packets captured/).map { Int($0.1)! })
        #expect(captured > 10, "\(capture.errors)")
        // The file: complete, with the packets counted, and the same frames for tshark.
        let frames = try FilterCommandTests.tshark(["-r", file, "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", "websocket",
                                                   "-T", "fields", "-e", "frame.number", "-e", "websocket.opcode"])
        let ours = try CommandRunner.run(["inspect", file, "-Y", "websocket", "-T", "fields", "-e", "frame.number", "-e", "websocket.opcode"])
        #expect(ours.output == frames)
        #expect(frames.split(separator: "\n").count == 2 * sent.count + 2)
        #expect(try FilterCommandTests.tshark(["-r", file, "-T", "fields", "-e", "frame.number"]).split(separator: "\n").count == captured)
        // The live pipeline is the file pipeline: the same messages, byte for byte.
        let again = try CommandRunner.run(["messages", file, "--json"])
        #expect(again.output == capture.output)
    }

    /// An idle interface never holds the capture past its duration, and SIGTERM ends it too.
    @Test func anIdleCaptureEndsAtItsDurationOrOnSIGTERM() throws {
        // IP protocol 253 is for experiments: nothing on this machine sends it, whatever else runs.
        let idle = try Self.start(["-i", "lo", "-f", "ip proto 253", "--duration", "0.5"])
        #expect(idle.exitStatus() == 0)
        #expect(idle.errors.hasSuffix("osiscope: 0 packets captured; 0 received by the filter, 0 dropped by the kernel, 0 dropped by the interface\n"), "\(idle.errors)")
        #expect(idle.output == "")
        let file = Self.temporary(".pcap")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let terminated = try Self.start(["-i", "lo", "-f", "ip proto 253", "-w", file, "-q"])
        kill(terminated.process.processIdentifier, SIGTERM)
        #expect(terminated.exitStatus() == 0)
        // A pcap file with no packet yet has no header either (its link type comes with the first).
        #expect(try FilterCommandTests.tshark(["-r", file, "-T", "fields", "-e", "frame.number"]) == "")
    }

    /// -c ends the capture after that many packets, with those packets in the file; -Y chooses
    /// which of them are shown.
    @Test func aCountStopsTheCapture() throws {
        let port = Self.port(4), file = Self.temporary(".pcapng")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let capture = try Self.start(["-i", "lo", "-f", "tcp port \(port)", "-c", "3", "-w", file, "-Y", "tcp.flags.syn == 1"])
        // Connection attempts to a closed port: a SYN and a RST each.
        _ = try runScript(["/usr/bin/python3", "-c", "import socket\nfor _ in range(4):\n  s=socket.socket()\n  s.settimeout(1)\n  try: s.connect(('127.0.0.1', \(port)))\n  except OSError: pass"])
        #expect(capture.exitStatus() == 0)
        #expect(capture.errors.contains("osiscope: 3 packets captured"), "\(capture.errors)")
        let lines = capture.output.split(separator: "\n")
        #expect(lines.count == 3, "\(capture.output)") // the header and the two SYNs
        #expect(lines.dropFirst().allSatisfy { $0.contains("→ \(port) [SYN]") }, "\(capture.output)")
        #expect(try FilterCommandTests.tshark(["-r", file, "-T", "fields", "-e", "tcp.flags.syn", "-e", "tcp.flags.reset"]) == "1\t0\n0\t1\n1\t0\n")
    }

    /// A ring of files: a new one at each size, only the last N kept, each readable. (The
    /// messages are random hex so that permessage-deflate cannot shrink them away.)
    @Test func aRingBufferKeepsTheLastFiles() throws {
        let port = Self.port(5), folder = Self.temporary("")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let capture = try Self.start(["-i", "lo", "-f", "tcp port \(port)", "-w", folder + "/ring.pcapng", "-b", "filesize:0.03,files:2", "-q"])
        let peers = try runScript(["/usr/bin/python3", "Tests/OsiscopeCLITests/Fixtures/live_peers.py", String(port)]
                                  + (1...12).map { _ in String((0..<8000).map { _ in "0123456789abcdef".randomElement()! }) })
        #expect(peers.status == 0, "\(peers.output)")
        usleep(300_000)
        kill(capture.process.processIdentifier, SIGINT)
        #expect(capture.exitStatus() == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files.count == 2, "\(files)")
        #expect(files.allSatisfy { $0.wholeMatch(of: /ring_\d{5}_\d{14}\.pcapng/) != nil }, "\(files)")
        #expect(Int(files[0].dropFirst(5).prefix(5))! > 1, "the first files were deleted")
        for name in files {
            let packets = try FilterCommandTests.tshark(["-r", folder + "/" + name, "-T", "fields", "-e", "frame.number"])
            #expect(packets.split(separator: "\n").count > 0, "\(name)")
        }
    }

    @Test func withoutPermissionTheMessageSaysHowToGrantIt() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { Issue.record("setpriv (util-linux) is missing"); return }
        // A copy anyone may run, outside directories only root can enter.
        let binary = Self.temporary("-osiscope")
        try FileManager.default.copyItem(atPath: CommandRunner.binary.path, toPath: binary)
        defer { try? FileManager.default.removeItem(atPath: binary) }
        let result = try runScript(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                                    binary, "capture", "-i", "lo", "--duration", "1"])
        #expect(result.status == 77, "\(result.output)")
        #expect(result.output.contains("cannot capture on lo: "), "\(result.output)")
        #expect(result.output.contains("sudo setcap cap_net_raw,cap_net_admin=eip \(binary)"), "\(result.output)")
    }

    @Test func anUnknownInterfaceOrABadFilterIsNamed() throws {
        let unknown = try CommandRunner.run(["capture", "-i", "nosuch0", "--duration", "1"])
        #expect(unknown.status == 64)
        #expect(unknown.errors.contains("cannot capture on nosuch0: "), "\(unknown.errors)")
        #expect(unknown.errors.contains("the interfaces are\n"))
        #expect(unknown.errors.contains(" lo [up, running, loopback] 127.0.0.1"))
        let badFilter = try CommandRunner.run(["capture", "-i", "lo", "-f", "tcp port", "--duration", "1"])
        #expect(badFilter.status == 64)
        #expect(badFilter.errors == "osiscope: -f 'tcp port': can't parse filter expression: syntax error\n", "\(badFilter.errors)")
        let number = try CommandRunner.run(["capture", "-i", "99", "--duration", "1"])
        #expect(number.status == 64)
        #expect(number.errors.hasPrefix("osiscope: there is no interface 99: the interfaces are\n"))
    }

    @Test func interfacesListsTheLoopback() throws {
        let text = try CommandRunner.run(["interfaces"])
        #expect(text.status == 0)
        let line = try #require(text.output.split(separator: "\n").first { $0.contains(". lo ") })
        #expect(line.hasSuffix(" lo [up, running, loopback] 127.0.0.1 ::1") || line.hasSuffix(" lo [up, running, loopback] 127.0.0.1"), "\(line)")
        let json = try FilterCommandTests.objects(try CommandRunner.run(["interfaces", "--json"]).output)
        let loopback = try #require(json.first { $0["name"] as? String == "lo" })
        #expect(loopback["loopback"] as? Bool == true)
        #expect(loopback["up"] as? Bool == true)
        #expect((loopback["addresses"] as? [String])?.first == "127.0.0.1")
        #expect(json.map { $0["index"] as? Int } == Array(1...json.count))
        // The number works in place of the name.
        let index = try #require(loopback["index"] as? Int)
        let byNumber = try CommandRunner.run(["capture", "-i", String(index), "-f", "tcp port \(Self.port(6))", "--duration", "0.2"])
        #expect(byNumber.status == 0)
        #expect(byNumber.errors.hasPrefix("osiscope: capturing on lo (ether)"))
    }
}
