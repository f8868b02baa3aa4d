import Foundation

/// The Engine.IO parameters of a request URI (`/socket.io/?EIO=4&transport=polling&sid=…`),
/// which mark a request as Engine.IO on any path.
struct EngineIOQuery: Sendable, Equatable {
    var version: EngineIOVersion
    var transport: EngineIOTransport
    var sid: String?

    init?(uri: String) {
        // Most requests are not Engine.IO: a cheap look before the parameters are split.
        guard uri.contains("EIO="), let question = uri.firstIndex(of: "?") else { return nil }
        var parameters: [Substring: Substring] = [:]
        for pair in uri[uri.index(after: question)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            parameters[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        guard let eio = parameters["EIO"].flatMap({ Int($0) }).flatMap(EngineIOVersion.init(rawValue:)),
              let transport = parameters["transport"].flatMap({ EngineIOTransport(rawValue: String($0)) }) else { return nil }
        version = eio
        self.transport = transport
        sid = parameters["sid"].map { Self.percentDecoded($0) }
    }

    /// Session ids are URL-safe base64, but a client may still escape them.
    private static func percentDecoded(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        return String(text).removingPercentEncoding ?? String(text)
    }
}
