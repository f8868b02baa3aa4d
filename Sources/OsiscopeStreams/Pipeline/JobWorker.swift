import OsiscopeCapture
import OsiscopeWire

/// Does the per-connection half of the pipeline for the streams given to it: decodes packets
/// for the views, feeds TCP segments to their connections, and emits the events they bring.
/// One worker is used by one thread at a time; its connections never meet another worker's.
final class JobWorker: @unchecked Sendable {
    private let wants: PipelineEvents
    /// nil for per-packet decoding only.
    private let stage: StreamStage?

    init(wants: PipelineEvents, streams: StreamOptions?, streamBytesOf: Int?) {
        self.wants = wants
        stage = streams.map { StreamStage(options: $0, wants: wants, streamBytesOf: streamBytesOf) }
    }

    func perform(_ job: PipelineJob, into events: inout [PipelineEvent]) {
        switch job {
        case .retire(let stream, let time): stage?.retire(stream: stream, at: time, into: &events)
        case .packet(let placed): perform(placed, into: &events)
        }
    }

    private func perform(_ placed: PlacedPacket, into events: inout [PipelineEvent]) {
        let captured = placed.packet
        let wire = wants.contains(.shownPackets) ? PacketDecoder.decode(captured) : nil
        let packetIndex = events.count
        // The packet's own event goes first; it is filled in once the stream stage has run.
        if wants.contains(.packets) {
            events.append(.packet(PacketEvent(packet: captured, transport: placed.transport,
                                              conversation: placed.annotation, wire: wire)))
        }
        guard let stage, let placement = placed.placement, let transport = placed.transport,
              let segment = transport.tcp else { return }
        let findings = stage.process(captured, segment, transport: transport, placement: placement,
                                     analysis: placed.annotation?.analysis.flags ?? [], into: &events)
        guard wants.contains(.packets) else { return }
        events[packetIndex] = .packet(PacketEvent(packet: captured, transport: transport, conversation: placed.annotation,
                                                  reassembly: findings.reassembly, records: findings.records,
                                                  reassemblingFor: findings.reassemblingFor, wire: wire))
    }
}
