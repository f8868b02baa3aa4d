import OsiscopeCapture
import OsiscopeWire

/// Measures full duplex on one connection: the time during which both sides had sent bytes that
/// the other had not yet acknowledged, so neither was waiting for the other. Sides are as
/// captured (0 sent the first packet seen); sequence numbers are relative, wrapping like TCP's.
struct DuplexClock: Sendable {
    private var sentEnd: [UInt32?] = [nil, nil]
    private var ackedEnd: [UInt32?] = [nil, nil]
    private var last: Timestamp?
    private(set) var seconds = 0.0
    /// Times the two sides began sending at once.
    private(set) var overlaps = 0

    private func inFlight(_ side: Int) -> Bool {
        guard let sent = sentEnd[side] else { return false }
        guard let acked = ackedEnd[side] else { return true }
        return Int32(bitPattern: sent &- acked) > 0
    }

    private var bothInFlight: Bool { inFlight(0) && inFlight(1) }

    /// One segment from `side`: its payload is in flight until the other side acknowledges it.
    mutating func segment(from side: Int, at time: Timestamp, sequence: UInt32, payload: Int, acknowledgment: UInt32?) {
        let wasBoth = bothInFlight
        if wasBoth, let last { seconds += max(0, time.seconds(since: last)) }
        last = time
        if payload > 0 {
            let end = sequence &+ UInt32(truncatingIfNeeded: payload)
            if let sent = sentEnd[side], Int32(bitPattern: end &- sent) <= 0 {} else { sentEnd[side] = end }
        }
        if let acknowledgment {
            let other = 1 - side
            if let acked = ackedEnd[other], Int32(bitPattern: acknowledgment &- acked) <= 0 {} else { ackedEnd[other] = acknowledgment }
        }
        if bothInFlight && !wasBoth { overlaps += 1 }
    }
}
