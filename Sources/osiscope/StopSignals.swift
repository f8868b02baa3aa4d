#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM as a request to stop: a live capture ends cleanly at its next
/// read, its file complete. A second signal ends the process at once (exit 130).
final class StopSignals: Sendable {
    private let count = Atomic<Int>(0)
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    init() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if self.count.add(1, ordering: .relaxed).newValue > 1 { _exit(130) }
            }
            source.resume()
            sources.append(source)
        }
    }

    var requested: Bool { count.load(ordering: .relaxed) > 0 }
}
