import OsiscopeWire
/// The diagnostics of TCP analysis and reassembly, like Wireshark's expert-info rows: each key defined once,
/// with its severity and what it means; decoders add the particulars.
enum TCPStreamDiagnostics {
    static let reassemblyGap = DiagnosticDescriptor("tcp.reassembly.gap", .warning,
        "… bytes of the … stream were not captured")
    static let reassemblySnaplen = DiagnosticDescriptor("tcp.reassembly.snaplen", .note,
        "… payload bytes were cut by the snap length: the stream gets a gap there")
    static let reassemblyOverlapConflict = DiagnosticDescriptor("tcp.reassembly.overlap_conflict", .warning,
        "retransmitted bytes differ from the ones sent first; the first ones were kept")
    static let analysisZeroWindow = DiagnosticDescriptor("tcp.analysis.zero_window", .warning,
        "zero window: the receiver's buffer is full")
    static let analysisKeepAlive = DiagnosticDescriptor("tcp.analysis.keep_alive", .note,
        "keep-alive: one old byte resent to check the peer is still there")
    static let analysisLostSegment = DiagnosticDescriptor("tcp.analysis.lost_segment", .warning,
        "previous segment not captured: … bytes before this one are missing")
    static let analysisOutOfOrder = DiagnosticDescriptor("tcp.analysis.out_of_order", .warning,
        "out-of-order segment: it arrived after later data")
    static let analysisRetransmission = DiagnosticDescriptor("tcp.analysis.retransmission", .note,
        "retransmission: this data was sent before")
    static let analysisDuplicateAck = DiagnosticDescriptor("tcp.analysis.duplicate_ack", .note,
        "duplicate ACK: asks again for the same missing data")
    static let analysisWindowUpdate = DiagnosticDescriptor("tcp.analysis.window_update", .note,
        "window update: only the receive window changed")

    static let all: [DiagnosticDescriptor] = [
        reassemblyGap, reassemblySnaplen, reassemblyOverlapConflict, analysisZeroWindow, analysisKeepAlive, analysisLostSegment, analysisOutOfOrder, analysisRetransmission, analysisDuplicateAck, analysisWindowUpdate,
    ]
}
