/// Which end of a connection sent some bytes: the client opened the connection (sent the
/// first SYN, or the first packet seen when the opening was not captured).
public enum Direction: String, Sendable, Hashable, CaseIterable {
    case client, server

    public var opposite: Direction { self == .client ? .server : .client }
}
