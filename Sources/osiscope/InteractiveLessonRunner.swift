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

    /// The capture's lines on the step, or, when capturing is not permitted, the recording
    /// with the reason.
    static func show(_ feed: LiveFeed, _ lines: [String], in session: inout LessonSession) {
        switch feed.exitStatus {
        case 77?:
            session.liveLines = nil
            session.liveNote = "Capturing is not permitted here (run as root, or setcap cap_net_raw,cap_net_admin=eip on the binary): the recording is shown instead."
        case let status?:
            session.liveLines = lines
            session.liveNote = status == 0 ? "(the capture ended)" : "(the capture stopped with status \(status))"
        case nil:
            session.liveLines = lines
            session.liveNote = nil
        }
    }

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
        var feed: LiveFeed?, feedStep = -1, reported = false
        while running {
            let size = terminal.size
            columns = size.columns
            terminal.draw(session.frame(rows: size.rows, columns: size.columns))
            if session.step != lastSaved || session.finished {
                progress[lesson.number] = LessonProgress.Entry(step: session.step, done: session.finished || progress[lesson.number].done)
                try? progress.save()
                lastSaved = session.step
            }
            var redraw = false
            while !redraw {
                let keys = terminal.keys()
                for key in keys where running { running = session.handle(key) }
                redraw = !keys.isEmpty || terminal.resized
                if let capture = session.takeLiveRequest() {
                    feed?.stop()
                    feed = LiveFeed(capture)
                    feedStep = session.step
                    reported = false
                    session.liveNote = feed == nil ? "The capture could not be started." : nil
                    redraw = true
                }
                if let live = feed {
                    if session.step != feedStep || !running {
                        live.stop()
                        feed = nil
                    } else {
                        let (lines, changed) = live.take()
                        if changed || (live.exitStatus != nil && !reported) {
                            Self.show(live, lines, in: &session)
                            reported = live.exitStatus != nil
                            redraw = true
                        }
                    }
                }
                if !running { break }
            }
        }
        feed?.stop()
        progress[lesson.number] = LessonProgress.Entry(step: session.step, done: session.finished || progress[lesson.number].done)
        try? progress.save()
        terminal.leave()
    }
}
