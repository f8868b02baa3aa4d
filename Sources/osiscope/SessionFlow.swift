import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews

/// Completed messages as the commands show them: through the session stage (acks, heartbeats,
/// broadcasts across connections), in completion order, each with what the decoding threads
/// made of it beforehand (`prepare`).
enum SessionFlow {
    enum Step: Sendable {
        case message(ApplicationMessage, [UInt8]?)
        case opened(ConnectionSummary)
        case closed(ConnectionSummary)
        /// A packet, for `observe`.
        case packet(PacketEvent)
    }

    /// Decodes the capture (opened with `.messages` and `.connections` events) and calls `body`
    /// with each message in order; `ended` gets each session as it ends; `observe`, when given, every
    /// pipeline event as it comes (messages before the session stage saw them; open the capture
    /// with `.packets` for packets).
    static func run(_ capture: CaptureRun, prepare: @escaping @Sendable (ApplicationMessage) -> [UInt8]? = { _ in nil },
                    ended: (SessionSummary) -> Void = { _ in }, observe: ((PipelineEvent) -> Void)? = nil,
                    _ body: (SessionStage.Item) -> Void) -> CaptureError? {
        let observes = observe != nil
        var stage = SessionStage()
        var clients = ClientAddresses()
        func report() {
            for var summary in stage.takeEnded() {
                summary.client = summary.streams.lazy.compactMap { clients[$0] }.first
                ended(summary)
            }
        }
        let damage = capture.forEach(prepare: { event -> Step? in
            switch event {
            case .messageCompleted(let message): .message(message, prepare(message))
            case .connectionOpened(let connection): .opened(connection)
            case .connectionClosed(let connection): .closed(connection)
            case .packet(let packet) where observes: .packet(packet)
            default: nil
            }
        }) { step in
            switch step {
            case .message(let message, let prepared):
                observe?(.messageCompleted(message))
                stage.take(message, prepared: prepared, emit: body)
                report()
            case .opened(let connection):
                clients.opened(connection.stream, connection.client.description)
                observe?(.connectionOpened(connection))
            case .closed(let connection):
                clients.closed(connection.stream)
                stage.closed(stream: connection.stream)
                observe?(.connectionClosed(connection))
            case .packet(let packet): observe?(.packet(packet))
            }
            return true
        }
        stage.finish(emit: body)
        report()
        return damage
    }
}

/// The client address of each connection, for naming a session's client: open connections,
/// and the most recently closed ones (a session outlives its polling connections).
struct ClientAddresses {
    private var open: [Int: String] = [:]
    private var closed: [Int: String] = [:]
    private var closedOrder: [Int] = []
    static let closedKept = 10_000

    subscript(stream: Int) -> String? { open[stream] ?? closed[stream] }

    mutating func opened(_ stream: Int, _ client: String) { open[stream] = client }

    mutating func closed(_ stream: Int) {
        guard let client = open.removeValue(forKey: stream) else { return }
        closed[stream] = client
        closedOrder.append(stream)
        if closedOrder.count > 2 * Self.closedKept {
            for old in closedOrder.prefix(Self.closedKept) { closed[old] = nil }
            closedOrder.removeFirst(Self.closedKept)
        }
    }
}
