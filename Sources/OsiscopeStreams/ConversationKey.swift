import OsiscopeWire

/// Identifies a conversation whichever way a packet travels: the two endpoints in a fixed
/// order, so A→B and B→A map to the same key.
public struct ConversationKey: Hashable, Sendable {
    public var kind: TransportInfo.Kind
    public var low: Endpoint
    public var high: Endpoint

    public init(_ transport: TransportInfo) {
        kind = transport.kind
        let source = transport.source, destination = transport.destination
        let sourceFirst = (source.address, source.port) <= (destination.address, destination.port)
        low = sourceFirst ? source : destination
        high = sourceFirst ? destination : source
    }
}
