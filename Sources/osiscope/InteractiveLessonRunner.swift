#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OsiscopeLessons
import OsiscopeTerminal

/// A lesson on the whole screen: the session model drawn after every key and resize, progress
/// saved at every step, the terminal put back on quitting.
struct InteractiveLessonRunner {
    let lesson: Lesson
    let home: LessonHome
    let terminal: Terminal
    let listing: [String]

    func run(from first: Int, progress: inout LessonProgress, plainStyle: Bool) {
        let home = home, lesson = lesson
        var columns = terminal.size.columns
        var session = LessonSession(lesson: lesson, step: first,
                                    answer: { SelfCommand.answer($0, lesson: lesson, home: home) },
                                    view: { SelfCommand.run(home.resolve($0, lesson: lesson), columns: columns).output })
        session.listing = listing
        session.plainStyle = plainStyle
        var running = true
        var lastSaved = -1
        while running {
            let size = terminal.size
            columns = size.columns
            terminal.draw(session.frame(rows: size.rows, columns: size.columns))
            if session.step != lastSaved || session.finished {
                progress[lesson.number] = LessonProgress.Entry(step: session.step, done: session.finished || progress[lesson.number].done)
                try? progress.save()
                lastSaved = session.step
            }
            var keys: [Key] = []
            while keys.isEmpty && !terminal.resized { keys = terminal.keys() }
            for key in keys where running { running = session.handle(key) }
        }
        progress[lesson.number] = LessonProgress.Entry(step: session.step, done: session.finished || progress[lesson.number].done)
        try? progress.save()
        terminal.leave()
    }
}
