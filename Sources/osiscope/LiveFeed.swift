import Foundation

/// A live capture run for a lesson step: this binary's `capture` in the background, its lines
/// collected as they come so that the screen can show them while the learner watches.
final class LiveFeed: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var text = ""
    private var changed = false
    /// Lines kept at most (the newest).
    static let keptLines = 500

    init?(_ arguments: [String]) {
        process.executableURL = URL(fileURLWithPath: executablePath())
        process.arguments = arguments + ["--color", "never"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock {
                self.text += String(decoding: data, as: UTF8.self)
                self.changed = true
            }
        }
        do { try process.run() } catch { return nil }
    }

    deinit { stop() }

    /// The newest lines, and whether anything came since the last call.
    func take() -> (lines: [String], changed: Bool) {
        lock.withLock {
            defer { changed = false }
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            if lines.count > Self.keptLines {
                lines.removeFirst(lines.count - Self.keptLines)
                text = lines.joined(separator: "\n") + "\n"
            }
            return (lines, changed)
        }
    }

    /// The capture's exit status once it ended.
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    func stop() {
        if process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
    }
}
