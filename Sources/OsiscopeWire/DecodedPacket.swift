import OsiscopeCapture

/// An IPv4 or IPv6 address held inline (no heap storage), so conversation tables stay small.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64
    public var isIPv6: Bool

    /// From 4 or 16 address bytes; anything else gives the empty IPv4 address 0.0.0.0.
    public init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        var high: UInt64 = 0, low: UInt64 = 0
        for (index, byte) in bytes.enumerated() where index < 16 {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        isIPv6 = bytes.count == 16
        if !isIPv6 { low = high; high = 0 }
        self.high = high
        self.low = low
    }

    public var bytes: [UInt8] {
        if !isIPv6 { return (0..<4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * $0)) } }
        return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    public var description: String { AddressFormat.ip(bytes) }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.isIPv6 ? 1 : 0, lhs.high, lhs.low) < (rhs.isIPv6 ? 1 : 0, rhs.high, rhs.low)
    }
}

/// A transport endpoint: an address and a port.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// "127.0.0.1:8080" or "[::1]:8080".
    public var description: String {
        address.isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

/// What later stages need from a TCP header without walking the fields again.
public struct TCPSegmentInfo: Sendable, Equatable {
    public var sequence: UInt32
    public var acknowledgment: UInt32
    public var flags: UInt16
    public var window: UInt16
    /// Absolute offset and length of the TCP payload in the packet.
    public var payloadOffset: Int
    public var payloadLength: Int
    /// True when the checksum was verified as wrong (not when it was offloaded or unchecked).
    public var badChecksum: Bool
    /// The window scale shift a SYN announces (RFC 7323); nil without the option or on other segments.
    public var windowShift: UInt8? = nil

    // The bits as the TCP registry defines them.
    public static let fin = UInt16(TCPFields.fin.mask!), syn = UInt16(TCPFields.syn.mask!), rst = UInt16(TCPFields.reset.mask!)
    public static let psh = UInt16(TCPFields.push.mask!), ack = UInt16(TCPFields.ack.mask!), urg = UInt16(TCPFields.urgent.mask!)

    public func has(_ flag: UInt16) -> Bool { flags & flag != 0 }

    /// "40000 → 8080 [SYN, ACK] Seq=0 Ack=1 Win=64240 Len=0", the gist Wireshark gives a segment.
    public static func summary(ports: (source: UInt64, destination: UInt64), flags: UInt16, sequence: UInt32,
                               acknowledgment: UInt32, window: UInt32, length: Int) -> String {
        "\(ports.source) → \(ports.destination) [\(flagNames(flags))] Seq=\(sequence)"
            + (flags & ack != 0 ? " Ack=\(acknowledgment)" : "") + " Win=\(window) Len=\(length)"
    }

    /// "SYN, ACK" for 0x012, lowest bit first, as Wireshark names them.
    public static func flagNames(_ flags: UInt16) -> String { TCPFields.flagNames(flags) }
}

/// The transport-level identity of a packet, for conversation tracking.
public struct TransportInfo: Sendable {
    public enum Kind: String, Sendable { case tcp, udp }
    public var kind: Kind
    public var source: Endpoint
    public var destination: Endpoint
    public var tcp: TCPSegmentInfo?
    /// Where the IP header and the transport header start in the packet: with `tcp`'s payload
    /// offset, each layer's header length (a conversation's overhead per layer).
    public var networkOffset = 0
    public var transportOffset = 0
}

/// A packet decoded layer by layer, from the link layer upwards.
public struct DecodedPacket: Sendable {
    public var packet: CapturedPacket
    public var layers: [Layer]
    /// Problems that belong to no single layer (an unknown link type, say).
    public var diagnostics: [Diagnostic]
    public var transport: TransportInfo?

    /// Every diagnostic of the packet and its layers, in layer order.
    public var allDiagnostics: [Diagnostic] {
        diagnostics + layers.flatMap(\.diagnostics)
    }

    public func layer(_ key: String) -> Layer? { layers.first { $0.protocolKey == key } }

    public func field(_ key: String) -> Field? {
        for layer in layers { if let field = layer.field(key) { return field } }
        return nil
    }

    /// Adds a field computed by a later stage; a generated field is placed at the layer's start.
    public mutating func appendField(_ field: Field, toLayer key: String) {
        guard let index = layers.firstIndex(where: { $0.protocolKey == key }) else { return }
        var field = field
        if field.generated { field.offset = layers[index].offset }
        layers[index].fields.append(field)
    }
}
