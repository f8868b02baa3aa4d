import Foundation
import Testing

/// Output appears as it is found when the capture comes through a pipe, as from
/// `tcpdump -U -w - | osiscope messages -`.
@Suite struct StreamingOutputTests {
    /// How the capture reaches osiscope: standard input, or a FIFO named on the command line
    /// (a path that is not a regular file is read like `-`).
    enum Channel: CaseIterable { case standardInput, fifo }

    /// Half of a capture written into the channel, the writer kept open: the first message
    /// must come out before the writer closes.
    @Test(arguments: Channel.allCases)
    func firstMessageBeforeTheWriterCloses(channel: Channel) throws {
        let capture = try Data(contentsOf: CommandRunner.root.appendingPathComponent("Samples/http-keepalive.pcap"))
        let whole = try CommandRunner.run(["messages", "Samples/http-keepalive.pcap", "--json"])
        let firstLine = try #require(whole.output.split(separator: "\n").first.map(String.init))

        let process = Process()
        process.executableURL = CommandRunner.binary
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let writer: FileHandle
        switch channel {
        case .standardInput:
            let input = Pipe()
            process.standardInput = input
            process.arguments = ["messages", "-", "--json"]
            try process.run()
            writer = input.fileHandleForWriting
        case .fifo:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-fifo-\(UUID())").path
            #expect(mkfifo(path, 0o600) == 0)
            defer { try? FileManager.default.removeItem(atPath: path) }
            process.standardInput = FileHandle.nullDevice
            process.arguments = ["messages", path, "--json"]
            try process.run()
            // Opening a FIFO for writing waits until osiscope opens it for reading.
            writer = try #require(FileHandle(forWritingAtPath: path))
        }
        writer.write(capture.prefix(capture.count / 2))

        // Read what comes out while the writer stays open; a guard ends the wait should nothing come.
        let received = ReceivedBytes()
        let done = DispatchSemaphore(value: 0)
        let reader = output.fileHandleForReading
        DispatchQueue.global().async {
            while !received.text.contains("\n") {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                received.append(chunk)
            }
            done.signal()
        }
        let arrived = done.wait(timeout: .now() + 60) == .success
        #expect(arrived, "no line came out while the writer kept the input open")
        #expect(process.isRunning, "osiscope is still waiting for the rest of the capture")
        try writer.close()
        if !arrived { process.terminate() }
        process.waitUntilExit()
        #expect(received.text.split(separator: "\n").first.map(String.init) == firstLine)
    }
}

extension StreamingOutputTests {
    /// `follow` stops reading once its stream has ended (FIN both ways): the whole capture in
    /// a pipe that stays open, and follow exits by itself, with the same output as from the file.
    @Test(arguments: [false, true])
    func followStopsAtTheStreamsEnd(messages: Bool) throws {
        let capture = try Data(contentsOf: CommandRunner.root.appendingPathComponent("Samples/http-keepalive.pcap"))
        let extra = messages ? ["--messages"] : []
        let fromFile = try CommandRunner.run(["follow", "Samples/http-keepalive.pcap", "--stream", "0"] + extra)
        let process = Process()
        process.executableURL = CommandRunner.binary
        process.arguments = ["follow", "-", "--stream", "0"] + extra
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        input.fileHandleForWriting.write(capture)
        let received = ReceivedBytes()
        let reader = output.fileHandleForReading
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            received.append(reader.readDataToEndOfFile())
            drained.signal()
        }
        let stopped = exited.wait(timeout: .now() + 60) == .success
        #expect(stopped, "follow still reading although the stream ended and the pipe stays open")
        if !stopped { process.terminate() }
        _ = drained.wait(timeout: .now() + 10)
        try input.fileHandleForWriting.close()
        #expect(received.text == fromFile.output)
    }
}

/// Bytes read on another thread.
final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.lock()
        data.append(chunk)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}
