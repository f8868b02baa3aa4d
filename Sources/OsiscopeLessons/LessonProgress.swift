import Foundation

/// Where each learner is in each lesson: a small JSON file under XDG_STATE_HOME
/// (~/.local/state/osiscope/progress.json), written after every step.
public struct LessonProgress: Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        /// The step to show next (0-based).
        public var step: Int
        public var done: Bool
        public init(step: Int = 0, done: Bool = false) {
            self.step = step
            self.done = done
        }
    }

    public var lessons: [Int: Entry] = [:]
    public let path: String

    /// The progress file for this user: $XDG_STATE_HOME/osiscope/progress.json, else
    /// ~/.local/state/osiscope/progress.json.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return state + "/osiscope/progress.json"
    }

    /// What the file holds; nothing when it is missing or unreadable (a fresh start, not an error).
    public init(path: String = LessonProgress.defaultPath()) {
        self.path = path
        if let data = FileManager.default.contents(atPath: path),
           let stored = try? JSONDecoder().decode([String: Entry].self, from: data) {
            for (key, entry) in stored { if let number = Int(key) { lessons[number] = entry } }
        }
    }

    public subscript(lesson: Int) -> Entry {
        get { lessons[lesson] ?? Entry() }
        set { lessons[lesson] = newValue }
    }

    public func save() throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let stored = Dictionary(uniqueKeysWithValues: lessons.map { (String($0.key), $0.value) })
        try encoder.encode(stored).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Forgets every lesson (`osiscope lessons reset`).
    public static func reset(path: String = LessonProgress.defaultPath()) throws {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    }
}
