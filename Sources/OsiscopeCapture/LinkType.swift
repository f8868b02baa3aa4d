/// A LINKTYPE_ value from the pcap/pcapng header: what the first bytes of each packet are.
/// Unknown values are kept, never rejected, so such packets can still be shown as raw bytes.
public struct LinkType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let null = LinkType(rawValue: 0)
    public static let ethernet = LinkType(rawValue: 1)
    public static let raw = LinkType(rawValue: 101)
    public static let loop = LinkType(rawValue: 108)
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    public static let linuxSLL2 = LinkType(rawValue: 276)
    /// Some BSDs write DLT_RAW's own number (12 or 14) instead of LINKTYPE_RAW.
    public static let rawBSD12 = LinkType(rawValue: 12)
    public static let rawBSD14 = LinkType(rawValue: 14)

    /// The short name tshark uses for the encapsulation, or "linktype-N".
    public var name: String {
        switch self {
        case .null: "null"
        case .ethernet: "ether"
        case .raw, .rawBSD12, .rawBSD14: "rawip"
        case .loop: "loop"
        case .linuxSLL: "linux-sll"
        case .ipv4: "rawip4"
        case .ipv6: "rawip6"
        case .linuxSLL2: "linux-sll2"
        default: "linktype-\(rawValue)"
        }
    }

    /// The long name shown to people.
    public var title: String {
        switch self {
        case .null: "BSD loopback (NULL)"
        case .ethernet: "Ethernet"
        case .raw, .rawBSD12, .rawBSD14: "Raw IP"
        case .loop: "OpenBSD loopback (LOOP)"
        case .linuxSLL: "Linux cooked capture v1 (SLL)"
        case .ipv4: "Raw IPv4"
        case .ipv6: "Raw IPv6"
        case .linuxSLL2: "Linux cooked capture v2 (SLL2)"
        default: "Unknown link type \(rawValue)"
        }
    }

    public var description: String { name }
}
