import OsiscopeWire
/// One entry of a Sec-WebSocket-Extensions header (RFC 6455 §9.1):
/// `name; param; param=value`, values possibly quoted.
public struct WebSocketExtension: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        public var name: String
        /// Nil for a parameter without "=value"; quotes removed.
        public var value: String?

        public init(_ name: String, _ value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    public var name: String
    public var parameters: [Parameter]

    public init(name: String, parameters: [Parameter] = []) {
        self.name = name
        self.parameters = parameters
    }

    public static let perMessageDeflateName = "permessage-deflate"

    public var isPerMessageDeflate: Bool { name.lowercased() == Self.perMessageDeflateName }

    /// Parses the values of every Sec-WebSocket-Extensions header, in order.
    public static func parse(_ values: [String]) -> [WebSocketExtension] {
        values.flatMap { value in
            split(value, on: ",").compactMap { item -> WebSocketExtension? in
                let parts = split(item, on: ";")
                guard let first = parts.first, !first.isEmpty else { return nil }
                let parameters = parts.dropFirst().filter { !$0.isEmpty }.map { part -> Parameter in
                    guard let equals = part.firstIndex(of: "=") else { return Parameter(part) }
                    let name = String(part[..<equals]).trimmingCharacters(in: " \t")
                    var value = String(part[part.index(after: equals)...]).trimmingCharacters(in: " \t")
                    if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                        value = String(value.dropFirst().dropLast()).replacingBackslashEscapes()
                    }
                    return Parameter(name, value)
                }
                return WebSocketExtension(name: first, parameters: parameters)
            }
        }
    }

    /// Splits on `separator` outside double quotes, trimming each part.
    private static func split(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == separator && !quoted {
                parts.append(current.trimmingCharacters(in: " \t"))
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current.trimmingCharacters(in: " \t"))
        return parts
    }
}

extension String {
    fileprivate func replacingBackslashEscapes() -> String {
        var result = ""
        var escaped = false
        for character in self {
            if character == "\\" && !escaped {
                escaped = true
                continue
            }
            escaped = false
            result.append(character)
        }
        return result
    }
}

/// The parameters of permessage-deflate (RFC 7692 §7.1), as offered or as agreed.
public struct PerMessageDeflateSettings: Sendable, Equatable {
    /// The server resets its compressor after each message (§7.1.1.1).
    public var serverNoContextTakeover: Bool
    /// The client resets its compressor after each message (§7.1.1.2).
    public var clientNoContextTakeover: Bool
    /// LZ77 window of the server's compressor, 8...15 (§7.1.2.1); nil when not stated (15).
    public var serverMaxWindowBits: Int?
    /// LZ77 window of the client's compressor, 8...15 (§7.1.2.2); nil when not stated (15).
    public var clientMaxWindowBits: Int?
    /// In an offer: client_max_window_bits was present, with or without a value (the client
    /// accepts a limit from the server).
    public var clientMaxWindowBitsOffered: Bool

    public init(
        serverNoContextTakeover: Bool = false, clientNoContextTakeover: Bool = false,
        serverMaxWindowBits: Int? = nil, clientMaxWindowBits: Int? = nil, clientMaxWindowBitsOffered: Bool = false
    ) {
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
        self.clientMaxWindowBitsOffered = clientMaxWindowBitsOffered
    }

    /// Whether the compressor sending in `direction` starts each message afresh (the client's
    /// messages follow client_no_context_takeover, the server's server_no_context_takeover).
    public func noContextTakeover(for direction: Direction) -> Bool {
        direction == .client ? clientNoContextTakeover : serverNoContextTakeover
    }

    /// The LZ77 window of the compressor sending in `direction`, in bits (15 when not stated).
    public func windowBits(for direction: Direction) -> Int {
        (direction == .client ? clientMaxWindowBits : serverMaxWindowBits) ?? 15
    }

    /// Reads the parameters of a permessage-deflate offer (`inResponse` false) or of the
    /// server's answer; the second value lists problems in words (RFC 7692 §7.1).
    public static func parse(_ parameters: [WebSocketExtension.Parameter], inResponse: Bool)
        -> (settings: PerMessageDeflateSettings, problems: [String]) {
        var settings = PerMessageDeflateSettings()
        var problems: [String] = []
        var seen: Set<String> = []
        for parameter in parameters {
            let name = parameter.name.lowercased()
            if !seen.insert(name).inserted {
                problems.append("\(parameter.name) appears more than once (RFC 7692 §7.1)")
                continue
            }
            func windowBits(required: Bool) -> Int? {
                guard let value = parameter.value else {
                    if required { problems.append("\(parameter.name) needs a value from 8 to 15 (RFC 7692 §7.1.2)") }
                    return nil
                }
                guard value.allSatisfy({ $0.isASCII && $0.isNumber }), let bits = Int(value), (8...15).contains(bits),
                      value.first != "0" else {
                    problems.append("\(parameter.name)=\(value) is not a number from 8 to 15 (RFC 7692 §7.1.2)")
                    return nil
                }
                return bits
            }
            switch name {
            case "server_no_context_takeover", "client_no_context_takeover":
                if let value = parameter.value {
                    problems.append("\(parameter.name) takes no value, got \"\(value)\" (RFC 7692 §7.1.1)")
                }
                if name == "server_no_context_takeover" {
                    settings.serverNoContextTakeover = true
                } else {
                    settings.clientNoContextTakeover = true
                }
            case "server_max_window_bits":
                settings.serverMaxWindowBits = windowBits(required: true)
            case "client_max_window_bits":
                settings.clientMaxWindowBitsOffered = true
                settings.clientMaxWindowBits = windowBits(required: inResponse)
            default:
                problems.append("unknown parameter \(parameter.name) (RFC 7692 §7.1)")
            }
        }
        return (settings, problems)
    }
}
