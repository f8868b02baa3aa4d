import Foundation
import OsiscopeLessons
import OsiscopeViews

/// Where the lessons and their samples are: $OSISCOPE_HOME, then share/osiscope beside the
/// installed binary (PREFIX/bin/osiscope -> PREFIX/share/osiscope), then the checkout the binary
/// was built in or the current directory is inside.
struct LessonHome {
    let lessons: URL
    let samples: URL

    static func find() throws -> LessonHome {
        var candidates: [URL] = []
        if let home = ProcessInfo.processInfo.environment["OSISCOPE_HOME"], !home.isEmpty {
            candidates.append(URL(fileURLWithPath: home))
        }
        let binary = URL(fileURLWithPath: executablePath()).resolvingSymlinksInPath()
        candidates.append(binary.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/osiscope"))
        for start in [binary.deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
            var folder = start
            for _ in 0..<6 {
                candidates.append(folder)
                folder = folder.deletingLastPathComponent()
            }
        }
        for root in candidates {
            let lessons = root.appendingPathComponent("Lessons"), samples = root.appendingPathComponent("Samples")
            if FileManager.default.fileExists(atPath: lessons.appendingPathComponent("01-osi-layers.md").path) {
                return LessonHome(lessons: lessons, samples: samples)
            }
        }
        printError("cannot find the lessons: set OSISCOPE_HOME to the folder holding Lessons/ and Samples/ (scripts/install puts them in PREFIX/share/osiscope)")
        throw ExitStatus.cannotRead
    }

    /// Every lesson file, in number order; a file with a mistake is reported, with its line.
    func load() throws -> [Lesson] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: lessons.path)) ?? []
        var loaded: [Lesson] = []
        for name in names.sorted() where name.hasSuffix(".md") && name.first?.isNumber == true {
            let path = lessons.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                // A lesson file may come from anywhere: its text reaches the terminal escaped, line by line.
                let lesson = try LessonParser.parse(String(decoding: data, as: UTF8.self), file: path)
                loaded.append(lesson.mappingText { text in
                    text.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalSafe.text(String($0)) }.joined(separator: "\n")
                })
            } catch {
                printError("\(path): \(error)")
                throw ExitStatus.usage
            }
        }
        return loaded.sorted { $0.number < $1.number }
    }

    func samplePath(_ name: String) -> String { samples.appendingPathComponent(name).path }

    /// A view's or query's arguments with sample names made paths.
    func resolve(_ arguments: [String], lesson: Lesson) -> [String] {
        let names = Set(lesson.samples.map(\.name))
        return arguments.map { names.contains($0) ? samplePath($0) : $0 }
    }
}
