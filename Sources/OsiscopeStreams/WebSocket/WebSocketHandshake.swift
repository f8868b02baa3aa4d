import Foundation
import Crypto
import OsiscopeWire

/// The opening handshake of a WebSocket connection (RFC 6455 §4): the client's upgrade request
/// and the server's answer, checked header by header, with what the two sides agreed on
/// (subprotocol, extensions, permessage-deflate parameters).
///
/// Problems are diagnostics, split by the head they were found in, so the integration layer
/// can place them in the client's or the server's stream.
public struct WebSocketHandshake: Sendable, Equatable {
    /// The GUID the server appends to the key (RFC 6455 §1.3).
    public static let acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// HTTP status of the answer; 101 (Switching Protocols) means frames follow.
    public var status: Int
    /// Sec-WebSocket-Key as sent (the first one, when several were).
    public var key: String?
    /// The key is base64 for exactly 16 bytes (RFC 6455 §4.1).
    public var keyIsValid: Bool
    /// Sec-WebSocket-Version as sent ("13" is the only valid one).
    public var version: String?
    /// Sec-WebSocket-Accept as answered (the first one, when several were).
    public var accept: String?
    /// base64(SHA-1(key + GUID)): what the server should have answered.
    public var expectedAccept: String?
    /// The answer's Sec-WebSocket-Accept is the expected one.
    public var acceptMatches: Bool
    /// Sec-WebSocket-Protocol values the client offered, in order.
    public var offeredProtocols: [String]
    /// The subprotocol the server chose.
    public var chosenProtocol: String?
    public var offeredExtensions: [WebSocketExtension]
    public var chosenExtensions: [WebSocketExtension]
    /// permessage-deflate as agreed, when the server accepted it.
    public var perMessageDeflate: PerMessageDeflateSettings?
    /// The server accepted an extension other than permessage-deflate, which may give
    /// meaning to RSV bits and reserved opcodes that osiscope does not know.
    public var hasOtherExtensions: Bool
    /// Problems in the client's request.
    public var requestDiagnostics: [StreamDiagnostic]
    /// Problems in the server's answer.
    public var responseDiagnostics: [StreamDiagnostic]

    public var diagnostics: [StreamDiagnostic] { requestDiagnostics + responseDiagnostics }

    /// The server switched protocols: the bytes after both heads are WebSocket frames (even
    /// when the handshake has problems; a careful client would then have closed).
    public var isUpgraded: Bool { status == 101 }

    /// Checks a handshake.
    /// - Parameters:
    ///   - request: the upgrade request's header lines.
    ///   - method: the request method, when known (must be GET).
    ///   - status: the answer's status code.
    ///   - response: the answer's header lines.
    ///   - requestRange, responseRange: where the heads are in their streams, given to the
    ///     diagnostics.
    public init(
        request: [HTTPHeader], method: String? = nil, status: Int, response: [HTTPHeader],
        requestRange: Range<Int64>? = nil, responseRange: Range<Int64>? = nil
    ) {
        self.status = status
        var requestProblems: [StreamDiagnostic] = []
        var responseProblems: [StreamDiagnostic] = []
        func requestProblem(_ kind: DiagnosticDescriptor, _ message: String) {
            requestProblems.append(StreamDiagnostic(kind, message, streamRange: requestRange))
        }
        func responseProblem(_ kind: DiagnosticDescriptor, _ message: String) {
            responseProblems.append(StreamDiagnostic(kind, message, streamRange: responseRange))
        }

        // The request (RFC 6455 §4.1, §4.2.1).
        if let method, method != "GET" {
            requestProblem(WebSocketDiagnostics.handshakeMethod, "The upgrade request uses \(method); RFC 6455 §4.1 requires GET.")
        }
        if request.values("Host").isEmpty {
            requestProblem(WebSocketDiagnostics.handshakeHostMissing, "The upgrade request has no Host header (RFC 6455 §4.1).")
        }
        if !Self.hasToken(request, "Upgrade", "websocket") {
            requestProblem(WebSocketDiagnostics.handshakeUpgradeMissing,
                           "The request lacks \"Upgrade: websocket\" (RFC 6455 §4.1).")
        }
        if !Self.hasToken(request, "Connection", "upgrade") {
            requestProblem(WebSocketDiagnostics.handshakeConnectionMissing,
                           "The request's Connection header does not list \"Upgrade\" (RFC 6455 §4.1).")
        }
        let keys = request.values("Sec-WebSocket-Key").map { $0.trimmingCharacters(in: " \t") }
        key = keys.first
        keyIsValid = false
        switch keys.count {
        case 0:
            requestProblem(WebSocketDiagnostics.handshakeKeyMissing, "The request has no Sec-WebSocket-Key (RFC 6455 §4.1).")
        case 1:
            break
        default:
            requestProblem(WebSocketDiagnostics.handshakeMultipleKey,
                           "The request has \(keys.count) Sec-WebSocket-Key headers; exactly one is allowed (RFC 6455 §4.1).")
        }
        if let key {
            keyIsValid = Data(base64Encoded: key)?.count == 16
            if !keyIsValid {
                requestProblem(WebSocketDiagnostics.handshakeKeyInvalid,
                               "Sec-WebSocket-Key \"\(key)\" is not the base64 encoding of 16 bytes (RFC 6455 §4.1).")
            }
        }
        let versions = request.listValues("Sec-WebSocket-Version")
        version = versions.first
        if versions != ["13"] {
            let shown = versions.isEmpty ? "missing" : "\"\(versions.joined(separator: ", "))\""
            requestProblem(WebSocketDiagnostics.handshakeVersion,
                           "Sec-WebSocket-Version is \(shown); RFC 6455 §4.1 requires 13.")
        }
        offeredProtocols = request.listValues("Sec-WebSocket-Protocol")
        offeredExtensions = WebSocketExtension.parse(request.values("Sec-WebSocket-Extensions"))
        var offeredDeflate: [PerMessageDeflateSettings] = []
        for offer in offeredExtensions where offer.isPerMessageDeflate {
            let (settings, problems) = PerMessageDeflateSettings.parse(offer.parameters, inResponse: false)
            offeredDeflate.append(settings)
            for problem in problems {
                requestProblem(WebSocketDiagnostics.handshakeDeflateParameter, "permessage-deflate offer: \(problem).")
            }
        }

        // The answer (RFC 6455 §4.2.2, §4.1 items the client checks).
        expectedAccept = key.map(Self.acceptValue(forKey:))
        let accepts = response.values("Sec-WebSocket-Accept").map { $0.trimmingCharacters(in: " \t") }
        accept = accepts.first
        acceptMatches = accepts.count == 1 && accept != nil && accept == expectedAccept
        chosenProtocol = nil
        chosenExtensions = []
        perMessageDeflate = nil
        hasOtherExtensions = false

        guard status == 101 else {
            var message = "The server answered \(status) instead of 101 Switching Protocols: no WebSocket connection."
            if status == 426 || status == 400, !response.values("Sec-WebSocket-Version").isEmpty {
                message += " It supports Sec-WebSocket-Version \(response.listValues("Sec-WebSocket-Version").joined(separator: ", "))."
            }
            responseProblem(WebSocketDiagnostics.handshakeNotUpgraded, message)
            requestDiagnostics = requestProblems
            responseDiagnostics = responseProblems
            return
        }
        if !Self.hasToken(response, "Upgrade", "websocket") {
            responseProblem(WebSocketDiagnostics.handshakeUpgradeMissing,
                            "The 101 answer lacks \"Upgrade: websocket\" (RFC 6455 §4.1, client check 2).")
        }
        if !Self.hasToken(response, "Connection", "upgrade") {
            responseProblem(WebSocketDiagnostics.handshakeConnectionMissing,
                            "The 101 answer's Connection header does not list \"Upgrade\" (RFC 6455 §4.1, client check 3).")
        }
        switch accepts.count {
        case 0:
            responseProblem(WebSocketDiagnostics.handshakeAcceptMissing,
                            "The 101 answer has no Sec-WebSocket-Accept (RFC 6455 §4.2.2).")
        case 1:
            if let accept, let expectedAccept, accept != expectedAccept {
                responseProblem(WebSocketDiagnostics.handshakeAcceptMismatch,
                                "Sec-WebSocket-Accept is \"\(accept)\" but the key calls for \"\(expectedAccept)\" = base64(SHA-1(key + \(Self.acceptGUID))) (RFC 6455 §4.2.2).")
            }
        default:
            responseProblem(WebSocketDiagnostics.handshakeMultipleAccept,
                            "The 101 answer has \(accepts.count) Sec-WebSocket-Accept headers; exactly one is allowed (RFC 6455 §4.2.2).")
        }

        let chosenProtocols = response.listValues("Sec-WebSocket-Protocol")
        chosenProtocol = chosenProtocols.first
        if chosenProtocols.count > 1 {
            responseProblem(WebSocketDiagnostics.handshakeMultipleProtocol,
                            "The server chose \(chosenProtocols.count) subprotocols (\(chosenProtocols.joined(separator: ", "))); it may choose one (RFC 6455 §4.2.2).")
        }
        if let chosen = chosenProtocol, !offeredProtocols.contains(chosen) {
            responseProblem(WebSocketDiagnostics.handshakeProtocolNotOffered,
                            "The server chose subprotocol \"\(chosen)\", which the client did not offer (RFC 6455 §4.1, client check 6).")
        }

        chosenExtensions = WebSocketExtension.parse(response.values("Sec-WebSocket-Extensions"))
        let offeredNames = Set(offeredExtensions.map { $0.name.lowercased() })
        var deflateSeen = false
        for chosen in chosenExtensions {
            if !offeredNames.contains(chosen.name.lowercased()) {
                responseProblem(WebSocketDiagnostics.handshakeExtensionNotOffered,
                                "The server accepted extension \"\(chosen.name)\", which the client did not offer (RFC 6455 §4.1, client check 5).")
            }
            guard chosen.isPerMessageDeflate else {
                hasOtherExtensions = true
                continue
            }
            if deflateSeen {
                responseProblem(WebSocketDiagnostics.handshakeDeflateParameter,
                                "permessage-deflate is accepted more than once (RFC 7692 §5).")
                continue
            }
            deflateSeen = true
            var (settings, problems) = PerMessageDeflateSettings.parse(chosen.parameters, inResponse: true)
            settings.clientMaxWindowBitsOffered = false
            if settings.clientMaxWindowBits != nil || chosen.parameters.contains(where: { $0.name.lowercased() == "client_max_window_bits" }),
               !offeredDeflate.isEmpty, !offeredDeflate.contains(where: \.clientMaxWindowBitsOffered) {
                problems.append("client_max_window_bits is in the answer but the client did not offer it (RFC 7692 §7.1.2.2)")
            }
            if !offeredDeflate.isEmpty,
               !offeredDeflate.contains(where: { offer in
                   guard let limit = offer.serverMaxWindowBits else { return true }
                   return (settings.serverMaxWindowBits ?? 15) <= limit
               }) {
                problems.append("server_max_window_bits is larger than the client asked for, or missing (RFC 7692 §7.1.2.1)")
            }
            for problem in problems {
                responseProblem(WebSocketDiagnostics.handshakeDeflateParameter, "permessage-deflate answer: \(problem).")
            }
            perMessageDeflate = settings
        }
        requestDiagnostics = requestProblems
        responseDiagnostics = responseProblems
    }

    /// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) (RFC 6455 §4.2.2 item 5.4).
    public static func acceptValue(forKey key: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array((key + acceptGUID).utf8))
        return Data(digest).base64EncodedString()
    }

    /// Whether a request's headers ask for a WebSocket upgrade (Upgrade: websocket and
    /// Connection listing Upgrade).
    public static func isUpgradeRequest(_ headers: [HTTPHeader]) -> Bool {
        hasToken(headers, "Upgrade", "websocket") && hasToken(headers, "Connection", "upgrade")
    }

    /// Whether a comma-separated header lists `token`, case-insensitively (RFC 9110 §5.6.1).
    /// Upgrade values may carry a version ("websocket/13"): the name part is compared.
    static func hasToken(_ headers: [HTTPHeader], _ name: String, _ token: String) -> Bool {
        headers.listValues(name).contains { value in
            let lowered = value.lowercased()
            return lowered == token || lowered.split(separator: "/").first.map(String.init) == token
        }
    }
}
