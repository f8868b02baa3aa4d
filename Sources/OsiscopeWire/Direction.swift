/// Which end of a connection sent some bytes: the client opened the connection (sent the
/// first SYN, or the first packet seen when the opening was not captured).
public enum Direction: String, Sendable, Hashable, CaseIterable {
    case client, server

    public var opposite: Direction { self == .client ? .server : .client }
}

/// One value for each direction of a connection: no dictionary look-ups, nothing to unwrap.
public struct DirectionPair<Value> {
    public var client: Value
    public var server: Value

    public init(client: Value, server: Value) {
        self.client = client
        self.server = server
    }

    /// The same starting value on both sides.
    public init(both value: Value) {
        client = value
        server = value
    }

    public subscript(direction: Direction) -> Value {
        get { direction == .client ? client : server }
        // In place, so that a side's buffers are not copied when it changes.
        _modify {
            if direction == .client { yield &client } else { yield &server }
        }
    }

    /// The pair with its sides exchanged (a capture that began with the server's packet).
    public var swapped: DirectionPair { DirectionPair(client: server, server: client) }

    public func map<T>(_ transform: (Value) throws -> T) rethrows -> DirectionPair<T> {
        DirectionPair<T>(client: try transform(client), server: try transform(server))
    }
}

extension DirectionPair: Sendable where Value: Sendable {}
extension DirectionPair: Equatable where Value: Equatable {}
