import Foundation

/// The Engine.IO parameters of a request URI (`/socket.io/?EIO=4&transport=polling&sid=…`),
/// which mark a request as Engine.IO on any path. Read from the URI's bytes: every HTTP request
/// is asked, and most are not Engine.IO.
struct EngineIOQuery: Sendable, Equatable {
    var version: EngineIOVersion
    var transport: EngineIOTransport
    var sid: String?

    init?(uri: String) {
        var version: EngineIOVersion?, transport: EngineIOTransport?, sid: String?
        var uri = uri
        let found: Bool = uri.withUTF8 { bytes in
            guard let question = bytes.firstIndex(of: UInt8(ascii: "?")) else { return false }
            var start = question + 1
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
                let pair = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                    let name = UnsafeBufferPointer(rebasing: pair[..<equals])
                    let value = UnsafeBufferPointer(rebasing: pair[(equals + 1)...])
                    if name.elementsEqual("EIO".utf8) {
                        version = value.elementsEqual("4".utf8) ? .v4 : value.elementsEqual("3".utf8) ? .v3 : nil
                    } else if name.elementsEqual("transport".utf8) {
                        transport = value.elementsEqual("polling".utf8) ? .polling : value.elementsEqual("websocket".utf8) ? .websocket : nil
                    } else if name.elementsEqual("sid".utf8) {
                        sid = Self.percentDecoded(String(decoding: value, as: UTF8.self))
                    }
                }
                start = end + 1
            }
            return true
        }
        guard found, let version, let transport else { return nil }
        self.version = version
        self.transport = transport
        self.sid = sid
    }

    /// Session ids are URL-safe base64, but a client may still escape them.
    private static func percentDecoded(_ text: String) -> String {
        // A byte search: String.contains(String) goes through Foundation's locale-aware search.
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        return text.removingPercentEncoding ?? text
    }
}
