import OsiscopeWire

/// Window scaling (RFC 7323 §2) as Wireshark tracks it per side: the shift a side announced,
/// or one of Wireshark's two markers, which `tcp.window_size_scalefactor` shows as they are.
enum WindowScale {
    /// The handshake was not captured: windows are shown as sent.
    static let unknown: Int8 = -1
    /// The handshake was seen and did not agree on scaling: windows are not scaled.
    static let none: Int8 = -2

    /// Scaling is used only when both SYNs carry the option (RFC 7323 §2.2), so a SYN or
    /// SYN/ACK without it turns it off for both sides.
    static func negotiate(_ segment: TCPSegmentInfo, fromClient: Bool, client: inout Int8, server: inout Int8) {
        guard segment.has(TCPSegmentInfo.syn) else { return }
        let announced = segment.windowShift.map { Int8($0) } ?? none
        if fromClient { client = announced } else { server = announced }
        if announced == none || (segment.has(TCPSegmentInfo.ack) && (client == none || server == none)) {
            client = none
            server = none
        }
    }

    static func apply(_ scale: Int8, to window: UInt16) -> UInt32 {
        scale >= 0 ? UInt32(window) << UInt32(scale) : UInt32(window)
    }
}
