import OsiscopeWire
/// The diagnostics of TCP analysis and reassembly, like Wireshark's expert-info rows: each key defined once,
/// with its severity and what it means; decoders add the particulars.
enum TCPStreamDiagnostics {
    static let reassemblyGap = DiagnosticDescriptor("tcp.reassembly.gap", .warning,
        "… bytes of the … stream were not captured")
    static let reassemblySnaplen = DiagnosticDescriptor("tcp.reassembly.snaplen", .note,
        "… payload bytes were cut by the snap length: the stream gets a gap there")
    static let reassemblyLimit = DiagnosticDescriptor("tcp.reassembly.limit", .warning,
        "more than … bytes or … segments waited behind a hole: the hole was declared lost")
    static let connectionsForgotten = DiagnosticDescriptor("tcp.stream.forgotten", .warning,
        "more than … connections open at once: the … quietest were forgotten, their messages ended here")
    static let reassemblyOverlapConflict = DiagnosticDescriptor("tcp.reassembly.overlap_conflict", .warning,
        "retransmitted bytes differ from the ones sent first; the first ones were kept")
    static let analysisReusedPorts = DiagnosticDescriptor("tcp.analysis.reused_ports", .note,
        "port numbers reused: a new connection on the addresses and ports of an earlier one")
    static let analysisRetransmission = DiagnosticDescriptor("tcp.analysis.retransmission", .note,
        "retransmission of packet …: these bytes were sent before")
    static let analysisFastRetransmission = DiagnosticDescriptor("tcp.analysis.fast_retransmission", .note,
        "fast retransmission: resent at once because duplicate ACKs asked for it")
    static let analysisSpuriousRetransmission = DiagnosticDescriptor("tcp.analysis.spurious_retransmission", .note,
        "spurious retransmission: the receiver had already acknowledged these bytes")
    static let analysisOutOfOrder = DiagnosticDescriptor("tcp.analysis.out_of_order", .warning,
        "out-of-order segment: it fills a hole that opened moments ago")
    static let analysisLostSegment = DiagnosticDescriptor("tcp.analysis.lost_segment", .warning,
        "previous segment not captured: … bytes before this one are missing")
    static let analysisAckLostSegment = DiagnosticDescriptor("tcp.analysis.ack_lost_segment", .warning,
        "ACKed segment that was not captured: the peer acknowledges bytes the capture never saw")
    static let analysisWindowUpdate = DiagnosticDescriptor("tcp.analysis.window_update", .note,
        "window update: only the receive window changed")
    static let analysisWindowFull = DiagnosticDescriptor("tcp.analysis.window_full", .warning,
        "window full: this segment fills the receiver's whole window")
    static let analysisKeepAlive = DiagnosticDescriptor("tcp.analysis.keep_alive", .note,
        "keep-alive: one old byte resent to check the peer is still there")
    static let analysisKeepAliveAck = DiagnosticDescriptor("tcp.analysis.keep_alive_ack", .note,
        "ACK to a keep-alive: the peer is still there")
    static let analysisDuplicateAck = DiagnosticDescriptor("tcp.analysis.duplicate_ack", .note,
        "duplicate ACK #… of packet …: asks again for the same missing data")
    static let analysisZeroWindow = DiagnosticDescriptor("tcp.analysis.zero_window", .warning,
        "zero window: the receiver's buffer is full")
    static let analysisZeroWindowProbe = DiagnosticDescriptor("tcp.analysis.zero_window_probe", .note,
        "zero-window probe: one byte sent to see whether the receiver has room again")
    static let analysisZeroWindowProbeAck = DiagnosticDescriptor("tcp.analysis.zero_window_probe_ack", .note,
        "ACK to a zero-window probe: the receiver still has no room")

    static let analysis: [DiagnosticDescriptor] = [
        analysisReusedPorts, analysisRetransmission, analysisFastRetransmission, analysisSpuriousRetransmission, analysisOutOfOrder,
        analysisLostSegment, analysisAckLostSegment, analysisWindowUpdate, analysisWindowFull, analysisKeepAlive,
        analysisKeepAliveAck, analysisDuplicateAck, analysisZeroWindow, analysisZeroWindowProbe, analysisZeroWindowProbeAck,
    ]
    static let all: [DiagnosticDescriptor] = [reassemblyGap, reassemblySnaplen, reassemblyOverlapConflict, reassemblyLimit, connectionsForgotten] + analysis
}
