import OsiscopeCapture
import OsiscopeWire

/// What TCP sequence analysis flags on one segment, as Wireshark's flag bits: exclusive, so a
/// fast retransmission is not also `.retransmission` here (its report adds that field, as tshark does).
public struct TCPAnalysisFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let retransmission = TCPAnalysisFlags(rawValue: 1 << 0)
    public static let fastRetransmission = TCPAnalysisFlags(rawValue: 1 << 1)
    public static let spuriousRetransmission = TCPAnalysisFlags(rawValue: 1 << 2)
    public static let outOfOrder = TCPAnalysisFlags(rawValue: 1 << 3)
    public static let lostSegment = TCPAnalysisFlags(rawValue: 1 << 4)
    public static let ackLostSegment = TCPAnalysisFlags(rawValue: 1 << 5)
    public static let windowUpdate = TCPAnalysisFlags(rawValue: 1 << 6)
    public static let windowFull = TCPAnalysisFlags(rawValue: 1 << 7)
    public static let keepAlive = TCPAnalysisFlags(rawValue: 1 << 8)
    public static let keepAliveAck = TCPAnalysisFlags(rawValue: 1 << 9)
    public static let duplicateAck = TCPAnalysisFlags(rawValue: 1 << 10)
    public static let zeroWindow = TCPAnalysisFlags(rawValue: 1 << 11)
    public static let zeroWindowProbe = TCPAnalysisFlags(rawValue: 1 << 12)
    public static let zeroWindowProbeAck = TCPAnalysisFlags(rawValue: 1 << 13)
    public static let reusedPorts = TCPAnalysisFlags(rawValue: 1 << 14)
}

/// The analysis of one segment: its flags and the packets they point at.
public struct TCPAnalysisFindings: Sendable, Equatable {
    public var flags: TCPAnalysisFlags = []
    /// How many duplicates of the same ACK this one is (1 for the first repeat).
    public var duplicateAckNumber = 0
    /// The packet whose ACK this one repeats.
    public var duplicateAckOf = 0
    /// A retransmission: the packet that last advanced the sequence, and the time since then.
    public var retransmissionOf = 0
    public var retransmissionDelay = 0.0
    /// Bytes missing before a segment that jumps ahead.
    public var missingBytes: UInt32 = 0
}

/// Wireshark's TCP sequence analysis for one connection (packet-tcp.c,
/// `tcp_analyze_sequence_number`, as tshark 4.0 runs it), so that the flags osiscope shows are
/// the ones a developer sees in tshark. Absolute sequence numbers and raw windows, compared in
/// 32-bit sequence space; zero stands for "not seen yet", as there.
public struct TCPSequenceAnalysis: Sendable {
    /// Segments not yet acknowledged, oldest first, kept per side for "retransmission of packet N".
    /// Wireshark keeps up to 10,000; fewer bound the memory of many stalled connections.
    static let maximumUnacknowledged = 1024

    struct Unacknowledged: Sendable {
        var packet: Int
        var next: UInt32
        var time: Timestamp
    }

    struct Side: Sendable {
        var nextSequence: UInt32 = 0
        var nextSequencePacket = 0
        var nextSequenceTime = Timestamp(seconds: 0, nanoseconds: 0)
        var maximumToBeAcked: UInt32 = 0
        var lastAck: UInt32 = 0
        var lastAckTime = Timestamp(seconds: 0, nanoseconds: 0)
        var lastNonDuplicateAckPacket = 0
        /// -1 once an ACK of unseen bytes was flagged, so that its repeats are not flagged again.
        var duplicateAcks = 0
        /// The raw window last advertised; the largest value before any, as Wireshark starts it.
        var window = UInt32.max
        var lastFlags: TCPAnalysisFlags = []
        /// The window still comes from this side's SYN, which is never scaled.
        var windowFromSYN = false
        var unacknowledged: [Unacknowledged] = []
        /// Index of the oldest entry of `unacknowledged` still waiting (entries before it are done).
        var oldestWaiting = 0
    }

    private var sides = DirectionPair(both: Side())
    private var latestSYN: Timestamp?
    /// Handshake round trip (latest SYN to the first ACK without SYN): the out-of-order threshold.
    private var initialRTT: Double?

    public init() {}

    /// Analyses one segment; `peerScale` is the other side's window scale (`WindowScale`), which
    /// the window-full check needs.
    public mutating func analyse(_ segment: TCPSegmentInfo, from direction: Direction, peerScale: Int8,
                                 packet: Int, at time: Timestamp) -> TCPAnalysisFindings {
        let isSYN = segment.has(TCPSegmentInfo.syn), isFIN = segment.has(TCPSegmentInfo.fin)
        let isRST = segment.has(TCPSegmentInfo.rst), hasACK = segment.has(TCPSegmentInfo.ack)
        let control = isSYN || isFIN || isRST
        if isSYN && !hasACK { latestSYN = time }

        var own = sides[direction]
        var peer = sides[direction.opposite]
        let sequence = segment.sequence, ack = segment.acknowledgment, window = UInt32(segment.window)
        let length = UInt32(truncatingIfNeeded: segment.payloadLength)
        var found = TCPAnalysisFindings()
        let repeatsLast = length == 0 && sequence == own.nextSequence && ack == own.lastAck && !control

        checks: do {
            if length == 1 && sequence == own.nextSequence && peer.window == 0 {
                found.flags.insert(.zeroWindowProbe)
                break checks
            }
            if window == 0 && !control { found.flags.insert(.zeroWindow) }
            if own.nextSequence != 0 && Self.after(sequence, own.nextSequence) && !isRST {
                found.flags.insert(.lostSegment)
                found.missingBytes = sequence &- own.nextSequence
            }
            if length <= 1 && sequence == own.nextSequence &- 1 && !control { found.flags.insert(.keepAlive) }
            if repeatsLast && window != 0 && window != own.window { found.flags.insert(.windowUpdate) }
            if length > 0 && peerScale != WindowScale.unknown && !control {
                let shift = peer.windowFromSYN || peerScale == WindowScale.none ? 0 : UInt32(peerScale)
                if sequence &+ length == peer.lastAck &+ (peer.window << shift) { found.flags.insert(.windowFull) }
            }
            if repeatsLast && window != 0 && window == own.window && peer.lastFlags.contains(.keepAlive) {
                found.flags.insert(.keepAliveAck)
                break checks
            }
            if repeatsLast && window == 0 && own.window == 0 && peer.lastFlags.contains(.zeroWindowProbe) {
                found.flags.insert(.zeroWindowProbeAck)
                break checks
            }
            if repeatsLast && window != 0 && window == own.window {
                own.duplicateAcks = own.duplicateAcks == -1 ? 1 : own.duplicateAcks + 1
                found.flags.insert(.duplicateAck)
                found.duplicateAckNumber = own.duplicateAcks
                found.duplicateAckOf = own.lastNonDuplicateAckPacket
            }
        }
        if ack != own.lastAck {
            own.lastNonDuplicateAckPacket = packet
            own.duplicateAcks = 0
        }
        if peer.maximumToBeAcked != 0 && Self.after(ack, peer.maximumToBeAcked) && hasACK {
            if Self.after(peer.nextSequence, peer.maximumToBeAcked) {
                peer.maximumToBeAcked = peer.nextSequence
                found.flags.insert(.ackLostSegment)
            } else {
                if peer.duplicateAcks == 0 { found.flags.insert(.ackLostSegment) }
                peer.duplicateAcks = -1
            }
        }
        if length > 0 || isSYN || isFIN {
            classifyResend(&found, sequence: sequence, length: length, consumes: isSYN || isFIN, own: &own, peer: peer,
                           at: time)
        }

        var next = sequence &+ length
        if isSYN || isFIN { next &+= 1 }
        if length > 0 || isSYN || isFIN {
            own.remember(Unacknowledged(packet: packet, next: next, time: time))
        }
        let probe = found.flags.contains(.zeroWindowProbe)
        if (own.nextSequence == 0 || Self.after(next, own.nextSequence)) && !probe {
            own.nextSequence = next
            own.nextSequencePacket = packet
            own.nextSequenceTime = time
        }
        if (own.maximumToBeAcked == 0 || sequence == own.maximumToBeAcked) && !probe {
            own.maximumToBeAcked = own.nextSequence
        }
        own.window = window
        own.lastAck = ack
        own.lastAckTime = time
        own.lastFlags = found.flags
        if hasACK { peer.acknowledge(upTo: ack) }
        if isSYN { own.windowFromSYN = true } else if hasACK { own.windowFromSYN = false }
        sides[direction] = own
        sides[direction.opposite] = peer
        if hasACK && !isSYN && initialRTT == nil, let latestSYN { initialRTT = time.seconds(since: latestSYN) }
        return found
    }

    /// A segment that does not advance the sequence: spurious, fast, out-of-order or plain
    /// retransmission, by Wireshark's rules in Wireshark's order.
    private func classifyResend(_ found: inout TCPAnalysisFindings, sequence: UInt32, length: UInt32, consumes: Bool,
                                own: inout Side, peer: Side, at time: Timestamp) {
        if found.flags.contains(.keepAlive) { return }
        var notAdvanced = own.nextSequence != 0 && Self.after(own.nextSequence, sequence)
        // One byte short of the expected sequence with real data: the byte before was a probe.
        if length > 1 && own.nextSequence &- 1 == sequence { notAdvanced = false }
        if length > 0 && peer.lastAck != 0 && !Self.after(sequence &+ length, peer.lastAck) {
            found.flags.insert(.spuriousRetransmission)
            return
        }
        let sinceAck = time.seconds(since: peer.lastAckTime)
        if notAdvanced && peer.duplicateAcks >= 2 && peer.lastAck == sequence && sinceAck >= 0 && sinceAck < 0.02 {
            found.flags.insert(.fastRetransmission)
            return
        }
        let sinceNewest = time.seconds(since: own.nextSequenceTime)
        let threshold = initialRTT.flatMap { $0 > 0 ? $0 : nil } ?? 0.003
        // A segment that ends exactly where the newest did may be a resend of it: not reordering.
        if notAdvanced && sinceNewest >= 0 && sinceNewest < threshold
            && own.nextSequence != sequence &+ length &+ (consumes ? 1 : 0) {
            found.flags.insert(.outOfOrder)
            return
        }
        if notAdvanced {
            found.flags.insert(.retransmission)
            // Timed from the oldest segment still waiting for its ACK, as Wireshark's RTO is.
            let oldest = own.oldestUnacknowledged
            found.retransmissionOf = oldest?.packet ?? own.nextSequencePacket
            found.retransmissionDelay = time.seconds(since: oldest?.time ?? own.nextSequenceTime)
        }
    }

    /// Drops what is already acknowledged and the spare room of the lists: a closed
    /// conversation is remembered for minutes (TIME-WAIT), so what it keeps should be small.
    mutating func compact() {
        for direction in Direction.allCases { sides[direction].compact() }
    }

    /// `a` comes after `b` in sequence space (RFC 9293 §3.4, modulo 2^32).
    static func after(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) > 0 }
}

extension TCPSequenceAnalysis.Side {
    var oldestUnacknowledged: TCPSequenceAnalysis.Unacknowledged? {
        oldestWaiting < unacknowledged.count ? unacknowledged[oldestWaiting] : nil
    }

    mutating func remember(_ segment: TCPSequenceAnalysis.Unacknowledged) {
        guard unacknowledged.count - oldestWaiting < TCPSequenceAnalysis.maximumUnacknowledged else { return }
        if oldestWaiting > 0 && oldestWaiting * 2 >= unacknowledged.count {
            unacknowledged.removeFirst(oldestWaiting)
            oldestWaiting = 0
        }
        unacknowledged.append(segment)
    }

    mutating func compact() {
        unacknowledged = Array(unacknowledged[oldestWaiting...])
        oldestWaiting = 0
    }

    /// Segments the peer's ACK covers are done. Only the oldest matters, so the ones behind a
    /// segment still waiting are checked when they become the oldest.
    mutating func acknowledge(upTo ack: UInt32) {
        while let oldest = oldestUnacknowledged, !TCPSequenceAnalysis.after(oldest.next, ack) {
            oldestWaiting += 1
        }
        if oldestWaiting == unacknowledged.count && !unacknowledged.isEmpty {
            unacknowledged.removeAll(keepingCapacity: true)
            oldestWaiting = 0
        }
    }
}
