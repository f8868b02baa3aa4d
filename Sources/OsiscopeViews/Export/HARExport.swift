import OsiscopeStreams
import OsiscopeWire

/// Turns the pipeline's events into HAR entries, each written once complete: an exchange when
/// its response arrives (or its connection ends without one), a WebSocket when its connection
/// closes. Memory holds only unanswered requests and open WebSockets' messages, both capped.
public struct HARExport {
    /// Requests waiting for an answer, per stream, in order.
    private var waiting: [Int: [ApplicationMessage]] = [:]
    private var waitingCount = 0
    /// Open WebSockets: their entry, kept until the connection closes.
    private var sockets: [Int: Socket] = [:]
    private var endpoints: [Int: (client: Endpoint, server: Endpoint)] = [:]
    private let matches: (ApplicationMessage) -> Bool
    private let filtering: Bool

    /// Unanswered requests held at most; past it the oldest is written as unanswered.
    public static let waitingLimit = 10_000
    /// Bytes of `_webSocketMessages` kept per WebSocket; later messages are counted, not kept.
    public static let messageBytesLimit = 64 << 20

    private struct Socket {
        var entry: HAREntry
        var handshakeMatched: Bool
        var bytes = 0
    }

    /// - Parameter matches: the `-Y` filter on messages; nil keeps everything. An exchange is
    ///   kept when its request or response matches; a WebSocket whose handshake matches keeps all
    ///   its messages, else only those that match (and is left out when none does).
    public init(matches: ((ApplicationMessage) -> Bool)? = nil) {
        self.matches = matches ?? { _ in true }
        filtering = matches != nil
    }

    public static func header(version: String) -> String {
        #"{"log":{"version":"1.2","creator":{"name":"osiscope","version":"\#(version)"},"pages":[],"entries":["# + "\n"
    }

    public static let footer = "]}}\n"

    /// The entries this event completes, as JSON.
    public mutating func add(_ event: PipelineEvent) -> [String] {
        switch event {
        case .connectionOpened(let summary):
            endpoints[summary.stream] = (summary.client, summary.server)
            return []
        case .messageCompleted(let message):
            return add(message)
        case .connectionClosed(let summary):
            return close(summary.stream)
        default:
            return []
        }
    }

    /// Everything still held, at the end of the capture.
    public mutating func finish() -> [String] {
        (Set(waiting.keys).union(sockets.keys)).sorted().flatMap { close($0) }
    }

    private mutating func add(_ message: ApplicationMessage) -> [String] {
        switch message.content {
        case .http(let http) where http.head.kind == .request:
            waiting[message.stream, default: []].append(message)
            waitingCount += 1
            return waitingCount > Self.waitingLimit ? dropOldestWaiting() : []
        case .http(let http):
            guard let index = waiting[message.stream]?.firstIndex(where: { request in
                guard case .http(let asked) = request.content else { return false }
                return asked.index == http.answers
            }) else { return [] }
            let request = waiting[message.stream]![index]
            if http.head.isInterim && http.head.status != 101 { return [] }
            waiting[message.stream]!.remove(at: index)
            waitingCount -= 1
            var entry = entry(request, response: message)
            if http.head.status == 101 {
                entry.webSocketMessages = []
                sockets[message.stream] = Socket(entry: entry, handshakeMatched: matches(request) || matches(message))
                return []
            }
            return !filtering || matches(request) || matches(message) ? [entry.json] : []
        case .websocket(let websocket) where websocket.opcode == .text || websocket.opcode == .binary:
            guard var socket = sockets[message.stream], socket.handshakeMatched || matches(message) else { return [] }
            let item = HAREntry.webSocketItem(message, websocket)
            if socket.bytes + item.utf8.count > Self.messageBytesLimit {
                socket.entry.messagesLeftOut += 1
            } else {
                socket.bytes += item.utf8.count
                socket.entry.webSocketMessages?.append(item)
            }
            sockets[message.stream] = socket
            return []
        default:
            return []
        }
    }

    private func entry(_ request: ApplicationMessage, response: ApplicationMessage?) -> HAREntry {
        let ends = endpoints[request.stream]
        return HAREntry(request: request, response: response, client: ends?.client, server: ends?.server)
    }

    /// A closed connection: its unanswered requests and its WebSocket are written.
    private mutating func close(_ stream: Int) -> [String] {
        var entries: [String] = []
        for request in waiting.removeValue(forKey: stream) ?? [] {
            waitingCount -= 1
            if !filtering || matches(request) { entries.append(entry(request, response: nil).json) }
        }
        if let socket = sockets.removeValue(forKey: stream),
           socket.handshakeMatched || !(socket.entry.webSocketMessages ?? []).isEmpty {
            entries.append(socket.entry.json)
        }
        endpoints[stream] = nil
        return entries
    }

    private mutating func dropOldestWaiting() -> [String] {
        guard let stream = waiting.filter({ !$0.value.isEmpty }).min(by: { $0.value[0].timestamp < $1.value[0].timestamp })?.key else { return [] }
        let request = waiting[stream]!.removeFirst()
        waitingCount -= 1
        return !filtering || matches(request) ? [entry(request, response: nil).json] : []
    }
}
