/// A close status code (RFC 6455 §7.4, and the IANA "WebSocket Close Code Number Registry"
/// for 1012-1014), with what it means and whether it may appear in a close frame at all.
public struct WebSocketCloseCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let normalClosure = WebSocketCloseCode(1000)
    public static let goingAway = WebSocketCloseCode(1001)
    public static let protocolError = WebSocketCloseCode(1002)
    public static let unsupportedData = WebSocketCloseCode(1003)
    public static let reserved1004 = WebSocketCloseCode(1004)
    public static let noStatusReceived = WebSocketCloseCode(1005)
    public static let abnormalClosure = WebSocketCloseCode(1006)
    public static let invalidPayloadData = WebSocketCloseCode(1007)
    public static let policyViolation = WebSocketCloseCode(1008)
    public static let messageTooBig = WebSocketCloseCode(1009)
    public static let mandatoryExtension = WebSocketCloseCode(1010)
    public static let internalError = WebSocketCloseCode(1011)
    public static let serviceRestart = WebSocketCloseCode(1012)
    public static let tryAgainLater = WebSocketCloseCode(1013)
    public static let badGateway = WebSocketCloseCode(1014)
    public static let tlsHandshake = WebSocketCloseCode(1015)

    /// Which part of the code space a code is in (RFC 6455 §7.4.2).
    public enum Range: String, Sendable {
        /// 0-999: never used.
        case invalid
        /// 1000-1015: defined by RFC 6455 and the IANA registry.
        case defined
        /// 1016-2999: reserved for future revisions of the protocol and its extensions.
        case reservedForProtocol
        /// 3000-3999: registered at IANA by libraries, frameworks and applications.
        case registeredByLibraries
        /// 4000-4999: private use, agreed between the two applications.
        case privateUse
        /// 5000-65535: outside every range RFC 6455 defines.
        case undefined
    }

    public var range: Range {
        switch rawValue {
        case 0...999: .invalid
        case 1000...1015: .defined
        case 1016...2999: .reservedForProtocol
        case 3000...3999: .registeredByLibraries
        case 4000...4999: .privateUse
        default: .undefined
        }
    }

    /// The registry's short name, for codes 1000-1015.
    public var name: String? {
        switch rawValue {
        case 1000: "Normal Closure"
        case 1001: "Going Away"
        case 1002: "Protocol Error"
        case 1003: "Unsupported Data"
        case 1004: "Reserved"
        case 1005: "No Status Received"
        case 1006: "Abnormal Closure"
        case 1007: "Invalid Frame Payload Data"
        case 1008: "Policy Violation"
        case 1009: "Message Too Big"
        case 1010: "Mandatory Extension"
        case 1011: "Internal Error"
        case 1012: "Service Restart"
        case 1013: "Try Again Later"
        case 1014: "Bad Gateway"
        case 1015: "TLS Handshake"
        default: nil
        }
    }

    /// One sentence for learners.
    public var meaning: String {
        switch rawValue {
        case 1000: return "The purpose for which the connection was established has been fulfilled."
        case 1001: return "The endpoint is going away: a server shutting down, or a browser leaving the page."
        case 1002: return "The endpoint is closing because the other side broke the WebSocket protocol."
        case 1003: return "The endpoint received a type of data it cannot accept (e.g. binary when it only understands text)."
        case 1004: return "Reserved: no meaning is defined yet, so it must not be sent."
        case 1005: return "No status code was present: an endpoint uses it internally and must not send it in a close frame."
        case 1006: return "The connection closed without a close frame: used internally by an endpoint and must not be sent."
        case 1007: return "A message held data inconsistent with its type (e.g. invalid UTF-8 in a text message)."
        case 1008: return "A message violated the endpoint's policy (a generic code when no other fits)."
        case 1009: return "A message was too big for the endpoint to process."
        case 1010: return "The client expected the server to negotiate an extension, and the server did not."
        case 1011: return "The server met an unexpected condition that kept it from fulfilling the request."
        case 1012: return "The server is restarting; the client may reconnect (IANA registry)."
        case 1013: return "The server is overloaded or busy: try again later (IANA registry)."
        case 1014: return "A gateway or proxy got an invalid response from the upstream server (IANA registry)."
        case 1015: return "The TLS handshake failed: used internally by an endpoint and must not be sent."
        default: break
        }
        switch range {
        case .invalid: return "Codes below 1000 are not used: this code is invalid."
        case .reservedForProtocol: return "Reserved for future versions of the WebSocket protocol and its extensions: not valid today."
        case .registeredByLibraries: return "A code registered at IANA for a library, framework or application."
        case .privateUse: return "A private-use code: its meaning is agreed between the two applications."
        case .undefined, .defined: return "Outside every range RFC 6455 defines: this code is invalid."
        }
    }

    /// Whether an endpoint may put this code in a close frame (RFC 6455 §7.4.1, §7.4.2):
    /// 1000-1003, 1007-1014 and 3000-4999. 1004 is reserved; 1005, 1006 and 1015 are for local
    /// use only.
    public var mayBeSentOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }

    public var description: String {
        if let name { return "\(rawValue) (\(name))" }
        return "\(rawValue)"
    }
}
