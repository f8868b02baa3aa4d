/// Names for registered protocol numbers, shown next to the numbers.
enum KnownValues {
    static let etherTypes: @Sendable (UInt64) -> String? = { value in
        switch value {
        case 0x0800: "IPv4"
        case 0x0806: "ARP"
        case 0x86dd: "IPv6"
        case 0x8100: "802.1Q Virtual LAN"
        case 0x88a8: "802.1ad Provider Bridge"
        case 0x9100: "VLAN double tagging"
        case 0x8035: "Reverse ARP"
        case 0x88cc: "LLDP"
        case 0x8847: "MPLS unicast"
        case 0x888e: "802.1X authentication"
        default: nil
        }
    }

    static let ipProtocols: @Sendable (UInt64) -> String? = { value in
        switch value {
        case 0: "IPv6 Hop-by-Hop Option"
        case 1: "ICMP"
        case 2: "IGMP"
        case 4: "IPv4 in IP"
        case 6: "TCP"
        case 17: "UDP"
        case 41: "IPv6 in IP"
        case 43: "IPv6 Routing Header"
        case 44: "IPv6 Fragment Header"
        case 47: "GRE"
        case 50: "ESP"
        case 51: "AH"
        case 58: "ICMPv6"
        case 59: "IPv6 No Next Header"
        case 60: "IPv6 Destination Options"
        case 132: "SCTP"
        default: nil
        }
    }

    static let sllPacketTypes: @Sendable (UInt64) -> String? = { value in
        switch value {
        case 0: "Unicast to us"
        case 1: "Broadcast"
        case 2: "Multicast"
        case 3: "Unicast to another host"
        case 4: "Sent by us"
        default: nil
        }
    }

    static let arpHardwareTypes: @Sendable (UInt64) -> String? = { value in
        switch value {
        case 1: "Ethernet"
        case 772: "Loopback"
        case 776: "IPv6-in-IPv4"
        case 65534: "None"
        default: nil
        }
    }

    static let arpOpcodes: @Sendable (UInt64) -> String? = { value in
        switch value {
        case 1: "request"
        case 2: "reply"
        case 3: "reverse request"
        case 4: "reverse reply"
        default: nil
        }
    }

    static let addressFamilies: @Sendable (UInt64) -> String? = { value in
        switch value {
        case 2: "IP"
        case 24, 28, 30: "IPv6"
        default: nil
        }
    }
}
