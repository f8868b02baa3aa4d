import Foundation
import OsiscopeLessons

/// Runs this same binary for a lesson's views and answers, so that a lesson shows exactly what
/// the command shows.
enum SelfCommand {
    static func run(_ arguments: [String], columns: Int? = nil) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath())
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let columns { environment["COLUMNS"] = String(columns) }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (-1, "cannot run osiscope: \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A question's answer, computed from its sample; nil when the query gives nothing.
    static func answer(_ question: Question, lesson: Lesson, home: LessonHome) -> String? {
        let target = home.samplePath(question.sample ?? lesson.defaultSample ?? "")
        let samples: [String]
        if case .compare = question.answer {
            samples = lesson.samples.map { home.samplePath($0.name) }
        } else {
            samples = [target]
        }
        let result = run(question.answer.arguments(samples: samples))
        guard result.status == 0 else { return nil }
        return question.answer.answer(fromOutput: result.output, target: target)
    }
}
