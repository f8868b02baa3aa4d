import OsiscopeStreams
import OsiscopeWire

/// The names a filter may use and the keys that hold their values: every registry field and
/// diagnostic, the protocols, Wireshark's two-way fields, and (for messages) the message keys.
public struct FieldCatalog: Sendable {
    private var keysByName: [String: [String]]
    /// The registry row of a name, for checking the values compared with it.
    private var descriptors: [String: FieldDescriptor]

    /// The filter names of the layers' protocol keys where Wireshark's differ ("ip" for IPv4).
    public static let protocolNames: [String: String] = ["ipv4": "ip"]

    /// Wireshark's fields that stand for two (either source or destination).
    public static let twoWay: [String: [String]] = [
        "eth.addr": ["eth.src", "eth.dst"], "ip.addr": ["ip.src", "ip.dst"], "ipv6.addr": ["ipv6.src", "ipv6.dst"],
        "tcp.port": ["tcp.srcport", "tcp.dstport"], "udp.port": ["udp.srcport", "udp.dstport"],
    ]

    /// Fields osiscope computes for a filter only (no layer shows them as such).
    public static let derived = ["frame", "frame.number", "frame.len", "frame.cap_len", "frame.time_epoch",
                                 "http.request", "http.response", "tcp.analysis.flags"]

    /// What packets can be filtered on.
    public static let packets: FieldCatalog = {
        var catalog = FieldCatalog(keysByName: [:], descriptors: [:])
        for registry in Registry.protocols {
            catalog.add(protocolNames[registry.name] ?? registry.name)
            for row in registry.fields {
                catalog.add(row.descriptor.key)
                catalog.descriptors[row.descriptor.key] = row.descriptor
            }
            for diagnostic in registry.diagnostics { catalog.add(diagnostic.key) }
        }
        for name in derived { catalog.add(name) }
        for (name, keys) in twoWay {
            catalog.keysByName[name] = keys
            catalog.descriptors[name] = catalog.descriptors[keys[0]]
        }
        return catalog
    }()

    private mutating func add(_ name: String) {
        if keysByName[name] == nil { keysByName[name] = [name] }
    }

    /// The catalog with more names (a command's message keys), each its own key.
    public func adding(_ names: some Sequence<String>) -> FieldCatalog {
        var catalog = self
        for name in names { catalog.add(name) }
        return catalog
    }

    func keys(for name: String) -> [String]? { keysByName[name] }

    /// The keys that hold a name's values (`-e tcp.port`), or why there are none.
    public func resolve(_ name: String) throws(FilterSyntaxError) -> [String] {
        guard let keys = keysByName[name] else { throw FilterSyntaxError(unknownFieldMessage(name), column: 0, length: name.count) }
        return keys
    }

    public func descriptor(for name: String) -> FieldDescriptor? { descriptors[name] }

    public var names: [String] { keysByName.keys.sorted() }

    /// "tcp.prot is neither a field nor a protocol; did you mean tcp.port, tcp.srcport, tcp.dstport?"
    func unknownFieldMessage(_ name: String) -> String {
        let nearest = nearestNames(to: name)
        let hint = nearest.isEmpty ? " (see 'osiscope fields')" : "; did you mean \(nearest.joined(separator: ", "))?"
        return "\"\(name)\" is neither a field nor a protocol\(hint)"
    }

    /// The known names nearest in edit distance (those tied for nearest, up to three), within a
    /// distance that grows with the name's length.
    func nearestNames(to name: String) -> [String] {
        let target = Array(name.lowercased())
        let limit = max(2, target.count / 4)
        let scored = keysByName.keys.compactMap { candidate -> (Int, String)? in
            let distance = Self.editDistance(target, Array(candidate), limit: limit)
            return distance <= limit ? (distance, candidate) : nil
        }
        guard let best = scored.map(\.0).min() else { return [] }
        return scored.filter { $0.0 == best }.sorted { $0 < $1 }.prefix(3).map(\.1)
    }

    /// Levenshtein distance, giving up (returning limit + 1) once every path is over the limit.
    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var row = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                row[j + 1] = min(previous[j + 1] + 1, row[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            if row.min()! > limit { return limit + 1 }
            previous = row
        }
        return previous[b.count]
    }
}
