import OsiscopeFilter
import OsiscopeStreams
import OsiscopeWire

/// A message's values for `-Y` on message commands: each key of its `messages --json` object is
/// the field `PROTOCOL.KEY` (so a filter can use every key a script sees), its diagnostics are
/// fields by their keys, and where a name is also a registry field the registry's meaning wins
/// (`websocket.opcode == 1` as well as `== "text"`). HTTP adds Wireshark's names for its start
/// line and headers (`http.request.method`, `http.response.code`, `http.host`).
public enum MessageFields {
    /// The keys `messages --json` writes, per protocol (common keys included).
    public static let keys: [String: [String]] = {
        let common = ["stream", "protocol", "from", "packets", "timestamp", "session"]
        return [
            "http": common + ["kind", "method", "uri", "status", "reason", "version", "headers", "body_length", "chunks",
                              "answers_request", "complete", "request_packet", "time_since_request", "body_text",
                              "body_base64", "body_decoded", "body_truncated"],
            "websocket": common + ["opcode", "frames", "compressed", "length", "close_code", "close_meaning",
                                   "close_reason", "text", "data_base64", "truncated", "complete"],
            "engine.io": common + ["transport", "sid", "type", "eio", "data", "data_base64", "base64", "probe",
                                   "upgrades", "ping_interval", "ping_timeout", "max_payload", "since_ping"],
            "socket.io": common + ["sid", "namespace", "type", "transport", "protocol_version", "event", "args", "data",
                                   "query", "ack_id", "attachments", "event_packet", "rtt", "broadcast", "broadcast_copies"],
            "tcp": common + ["kind", "bytes", "stream_offset", "packet_before", "packet_after"],
        ]
    }()

    /// The names a message filter may use.
    public static let catalog: FieldCatalog = .packets.adding(
        keys.flatMap { name, keys in keys.map { "\(name).\($0)" } }
    )

    public static func gather(_ message: ApplicationMessage, keys wanted: Set<String>) -> FieldSet {
        var set = FieldSet()
        let name = message.protocolName
        if wanted.contains(name) { set.add(name, FilterOccurrence(.flag(true))) }
        let bodies = wanted.contains { $0.hasPrefix("http.body_") }
        guard case .success(.object(let members)) = JSONParser.parse(MessageJSON.encodedBytes(message, includeBodies: bodies)) else {
            return set
        }
        for member in members {
            let key = "\(name).\(member.key)"
            if member.key == "diagnostics", case .array(let diagnostics) = member.value {
                for diagnostic in diagnostics {
                    if let key = diagnostic["key"]?.stringValue, wanted.contains(key) { set.add(key, FilterOccurrence(.none)) }
                }
            }
            if name == "http" { addHTTPNames(member, wanted: wanted, to: &set) }
            guard wanted.contains(key) else { continue }
            let descriptor = FieldCatalog.packets.descriptor(for: key)
            for element in elements(member.value) { set.add(key, occurrence(element, descriptor)) }
        }
        return set
    }

    /// An array's elements are the field's occurrences; anything else is one.
    private static func elements(_ value: JSONValue) -> [JSONValue] {
        if case .array(let elements) = value { return elements }
        return [value]
    }

    private static func occurrence(_ value: JSONValue, _ descriptor: FieldDescriptor?) -> FilterOccurrence {
        switch value {
        case .null: return FilterOccurrence(.none, descriptor)
        case .bool(let on): return FilterOccurrence(.flag(on), descriptor)
        case .number(let text):
            if let number = UInt64(text) { return FilterOccurrence(.number(number), descriptor) }
            if let number = Int64(text) { return FilterOccurrence(.signed(number), descriptor) }
            return FilterOccurrence(.seconds(Double(text) ?? 0), descriptor)
        case .string(let text):
            // A registry field with value names: the name written in the JSON stands for its number.
            if let descriptor, let names = descriptor.names,
               let number = (0..<256).first(where: { names(UInt64($0)).map { ValueNames.matches($0, text) } ?? false }) {
                return FilterOccurrence(.number(UInt64(number)), descriptor)
            }
            return FilterOccurrence(.text(text), descriptor)
        case .array, .object:
            return FilterOccurrence(.text(value.text), descriptor)
        }
    }

    /// `http.request`, `http.response`, the start line's fields and each header by its
    /// registry name, as the packet filter knows them.
    private static func addHTTPNames(_ member: JSONValue.Member, wanted: Set<String>, to set: inout FieldSet) {
        func add(_ key: String, _ value: FieldValue) {
            if wanted.contains(key) { set.add(key, FilterOccurrence(value, FieldCatalog.packets.descriptor(for: key))) }
        }
        switch (member.key, member.value) {
        case ("kind", .string(let kind)): add("http.\(kind)", .flag(true))
        case ("method", .string(let method)): add("http.request.method", .text(method))
        case ("uri", .string(let uri)): add("http.request.uri", .text(uri))
        case ("status", .number(let status)): add("http.response.code", .number(UInt64(status) ?? 0))
        case ("headers", .array(let headers)):
            for case .array(let pair) in headers {
                guard pair.count == 2, let name = pair[0].stringValue, let value = pair[1].stringValue else { continue }
                add("http." + String(name.lowercased().map { $0 == "-" ? "_" : $0 }), .text(value))
            }
        default: break
        }
    }
}
