import OsiscopeWire

/// TCP analysis findings written onto a packet as Wireshark shows them: one diagnostic per
/// flag (`tcp.analysis.retransmission`, …) and the numbers they point at as generated fields.
public struct TCPAnalysisReport {
    typealias D = TCPStreamDiagnostics
    let findings: TCPAnalysisFindings

    init(_ findings: TCPAnalysisFindings) { self.findings = findings }

    /// Flags in Wireshark's order; a fast or spurious retransmission is also a retransmission, as
    /// tshark's fields say.
    var diagnostics: [Diagnostic] {
        let found = findings
        var list: [Diagnostic] = []
        func add(_ flag: TCPAnalysisFlags, _ descriptor: DiagnosticDescriptor, _ message: @autoclosure () -> String) {
            if !found.flags.isDisjoint(with: flag) { list.append(Diagnostic(descriptor, message())) }
        }
        add(.reusedPorts, D.analysisReusedPorts, D.analysisReusedPorts.summary)
        add([.retransmission, .fastRetransmission, .spuriousRetransmission], D.analysisRetransmission, found.retransmissionOf > 0
            ? "retransmission of packet \(found.retransmissionOf): these bytes were sent before"
            : "retransmission: these bytes were sent before")
        add(.fastRetransmission, D.analysisFastRetransmission, D.analysisFastRetransmission.summary)
        add(.spuriousRetransmission, D.analysisSpuriousRetransmission, D.analysisSpuriousRetransmission.summary)
        add(.outOfOrder, D.analysisOutOfOrder, D.analysisOutOfOrder.summary)
        add(.lostSegment, D.analysisLostSegment,
            "previous segment not captured: \(found.missingBytes) \(found.missingBytes == 1 ? "byte" : "bytes") before this one are missing")
        add(.ackLostSegment, D.analysisAckLostSegment, D.analysisAckLostSegment.summary)
        add(.windowUpdate, D.analysisWindowUpdate, D.analysisWindowUpdate.summary)
        add(.windowFull, D.analysisWindowFull, D.analysisWindowFull.summary)
        add(.keepAlive, D.analysisKeepAlive, D.analysisKeepAlive.summary)
        add(.keepAliveAck, D.analysisKeepAliveAck, D.analysisKeepAliveAck.summary)
        add(.duplicateAck, D.analysisDuplicateAck,
            "duplicate ACK #\(found.duplicateAckNumber) of packet \(found.duplicateAckOf): asks again for the same missing data")
        add(.zeroWindow, D.analysisZeroWindow, D.analysisZeroWindow.summary)
        add(.zeroWindowProbe, D.analysisZeroWindowProbe, D.analysisZeroWindowProbe.summary)
        add(.zeroWindowProbeAck, D.analysisZeroWindowProbeAck, D.analysisZeroWindowProbeAck.summary)
        return list
    }

    var fields: [Field] {
        func generated(_ descriptor: FieldDescriptor, _ value: FieldValue) -> Field {
            Field(descriptor, value, offset: 0, length: 0, generated: true)
        }
        var fields: [Field] = []
        if findings.flags.contains(.duplicateAck) {
            fields.append(generated(TCPAnalysisFields.duplicateAckNumber, .number(UInt64(findings.duplicateAckNumber))))
            fields.append(generated(TCPAnalysisFields.duplicateAckFrame, .number(UInt64(findings.duplicateAckOf))))
        }
        if findings.retransmissionOf > 0 {
            fields.append(generated(TCPAnalysisFields.retransmissionDelay, .seconds(findings.retransmissionDelay)))
            fields.append(generated(TCPAnalysisFields.retransmissionFrame, .number(UInt64(findings.retransmissionOf))))
        }
        return fields
    }

    func apply(to packet: inout DecodedPacket) {
        guard !findings.flags.isEmpty, let index = packet.layers.firstIndex(where: { $0.protocolKey == "tcp" }) else { return }
        packet.layers[index].diagnostics += diagnostics
        packet.layers[index].fields += fields
    }

    /// The packet list's bracketed names, as Wireshark's Info column writes them: each is put
    /// in front of the ones before, so the last in Wireshark's order comes first.
    public static func columnText(_ packet: DecodedPacket) -> [String] {
        let keys = Set(packet.allDiagnostics.map(\.key))
        return columnNames.reversed().compactMap { key, name in
            guard keys.contains(key.key) else { return nil }
            // The more particular name stands for both.
            if key.key == D.analysisRetransmission.key,
               keys.contains(D.analysisFastRetransmission.key) || keys.contains(D.analysisSpuriousRetransmission.key) { return nil }
            if key.key == D.analysisDuplicateAck.key {
                let of = packet.field(TCPAnalysisFields.duplicateAckFrame.key)?.value.number ?? 0
                let number = packet.field(TCPAnalysisFields.duplicateAckNumber.key)?.value.number ?? 0
                return "[\(name) \(of)#\(number)]"
            }
            return "[\(name)]"
        }
    }

    static let columnNames: [(key: DiagnosticDescriptor, name: String)] = [
        (D.analysisReusedPorts, "TCP Port numbers reused"), (D.analysisRetransmission, "TCP Retransmission"), (D.analysisFastRetransmission, "TCP Fast Retransmission"),
        (D.analysisSpuriousRetransmission, "TCP Spurious Retransmission"), (D.analysisOutOfOrder, "TCP Out-Of-Order"),
        (D.analysisLostSegment, "TCP Previous segment not captured"), (D.analysisAckLostSegment, "TCP ACKed unseen segment"),
        (D.analysisWindowUpdate, "TCP Window Update"), (D.analysisWindowFull, "TCP Window Full"),
        (D.analysisKeepAlive, "TCP Keep-Alive"), (D.analysisKeepAliveAck, "TCP Keep-Alive ACK"),
        (D.analysisDuplicateAck, "TCP Dup ACK"), (D.analysisZeroWindowProbe, "TCP ZeroWindowProbe"),
        (D.analysisZeroWindow, "TCP ZeroWindow"), (D.analysisZeroWindowProbeAck, "TCP ZeroWindowProbeAck"),
    ]
}

/// Generated fields of TCP analysis, under Wireshark's keys.
enum TCPAnalysisFields {
    static let duplicateAckNumber = FieldDescriptor("tcp.analysis.duplicate_ack_num", "Duplicate ACK number",
        blurb: "How many times in a row this ACK repeats the same acknowledgment number.")
    static let duplicateAckFrame = FieldDescriptor("tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in packet",
        blurb: "The packet whose acknowledgment this one repeats.")
    static let retransmissionDelay = FieldDescriptor("tcp.analysis.rto", "Time since the segment it repeats",
        blurb: "Seconds between the segment that last moved this side's sequence forward and this retransmission: how long the sender waited.")
    static let retransmissionFrame = FieldDescriptor("tcp.analysis.rto_frame", "Retransmission of packet",
        blurb: "The packet that last moved this side's sequence forward, which this segment repeats.")
    static let all = [duplicateAckNumber, duplicateAckFrame, retransmissionDelay, retransmissionFrame]
}
