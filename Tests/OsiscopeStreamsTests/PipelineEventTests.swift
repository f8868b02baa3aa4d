import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeTestSupport
import OsiscopeWire

/// The pipeline's one event stream: order, message starts, and retirement by capture time.
@Suite struct PipelineEventTests {
    static func events(_ source: any PacketSource, _ events: PipelineEvents = .all) throws -> [PipelineEvent] {
        let pipeline = PacketPipeline(source: source, events: events)
        var all: [PipelineEvent] = []
        while let event = try pipeline.next() { all.append(event) }
        return all
    }

    static func reader(_ sample: String) throws -> CaptureReader {
        try CaptureReader(path: SampleStreams.samples.appendingPathComponent(sample).path)
    }

    /// A message completes after the packet event of its last packet, and its start event
    /// (with the capture time of its first byte) comes before it.
    @Test(arguments: ["http-keepalive.pcap", "websocket-plain.pcapng", "websocket-deflate.pcap", "socketio-upgrade.pcapng"])
    func messagesFollowTheirPacketsAndStarts(sample: String) throws {
        var seenPackets: Set<Int> = []
        var starts: [String: [MessageStart]] = [:]
        var completed = 0
        for event in try Self.events(try Self.reader(sample)) {
            switch event {
            case .packet(let packet): seenPackets.insert(packet.packet.number)
            case .messageStarted(let start):
                #expect(seenPackets.contains(start.packet), "\(sample): a start after its packet")
                starts["\(start.stream) \(start.direction) \(start.protocolName)", default: []].append(start)
            case .messageCompleted(let message):
                completed += 1
                #expect(message.packets.allSatisfy { seenPackets.contains($0) }, "\(sample): packets \(message.packets) before the message")
                let key = "\(message.stream) \(message.direction) \(message.protocolName)"
                let start = starts[key]?.first
                #expect(start?.time == message.startTimestamp, "\(sample) \(key)")
                #expect(start.map { $0.time <= message.timestamp } == true, "\(sample) \(key)")
                #expect(start?.packet == message.packets.first, "\(sample) \(key)")
                if starts[key]?.isEmpty == false { starts[key]!.removeFirst() }
            default: break
            }
        }
        #expect(completed > 0)
        #expect(starts.values.allSatisfy { $0.isEmpty }, "\(sample): every start completes")
    }

    /// Packets decoded once with their fields (`.shownPackets`, for views that show them all)
    /// are the packets decoded lazily from their transport.
    @Test(arguments: ["http-keepalive.pcap", "websocket-plain.pcapng", "websocket-ipv6.pcap"])
    func shownPacketsEqualLazyOnes(sample: String) throws {
        func dump(_ events: [PipelineEvent]) -> [String] {
            events.compactMap { event in
                guard case .packet(let packet) = event else { return nil }
                let decoded = packet.decoded()
                return decoded.layers.map { layer in
                    layer.protocolKey + ":" + layer.summary + ":" + layer.fields.flatMap(\.flattened)
                        .map { "\($0.key)=\($0.value) \($0.note ?? "")" }.joined(separator: ",")
                        + layer.diagnostics.map(\.key).joined(separator: ",")
                }.joined(separator: "|")
            }
        }
        let lazy = dump(try Self.events(try Self.reader(sample), .packets))
        let once = dump(try Self.events(try Self.reader(sample), [.packets, .shownPackets]))
        #expect(lazy.count == once.count)
        #expect(lazy == once)
    }

    /// Subscribing to messages only gives no packet events; the messages are the same.
    @Test func subscribersGetWhatTheyAskFor() throws {
        let all = try Self.events(try Self.reader("websocket-plain.pcapng"))
        let messagesOnly = try Self.events(try Self.reader("websocket-plain.pcapng"), .messages)
        func completed(_ events: [PipelineEvent]) -> [String] {
            events.compactMap { event in
                guard case .messageCompleted(let message) = event else { return nil }
                return "\(message.stream) \(message.direction) \(message.packets)"
            }
        }
        #expect(messagesOnly.allSatisfy { if case .packet = $0 { false } else { true } })
        #expect(completed(messagesOnly) == completed(all))
        let facts = try SampleFiles.capture("websocket-plain.pcapng")
        #expect(completed(all).count == facts.http.count + facts.websocket.messages.count)
    }

    /// The same conversation again 1,000 s of capture time later, from another client port:
    /// the first is retired (closed, quiet past the TIME-WAIT linger) when the second one's
    /// first packet arrives, not at the end of the capture.
    @Test func closedConnectionsRetireByCaptureTime() throws {
        let original = try SampleStreams.packets("http-keepalive.pcap")
        let clientPort = try #require(Self.tcpPorts(original[0])?.source)
        var later = original
        for index in later.indices {
            later[index].number += original.count
            later[index].timestamp.seconds += 1_000
            Self.movePort(clientPort, to: clientPort &+ 1, in: &later[index])
        }
        let events = try Self.events(InMemoryPackets(original + later))
        let closedAt = try #require(events.firstIndex {
            if case .connectionClosed(let summary) = $0 { return summary.stream == 0 }
            return false
        })
        let secondStart = try #require(events.firstIndex {
            if case .packet(let packet) = $0 { return packet.packet.number == original.count + 1 }
            return false
        })
        // Retired as that packet arrives, so its events come just before the packet's own.
        #expect(closedAt == secondStart - 1, "retired right before the first packet 1,000 s later")
        let opened = events.compactMap { event -> Int? in
            if case .connectionOpened(let summary) = event { return summary.stream }
            return nil
        }
        #expect(opened == [0, 1])
    }

    /// A source that says when it was asked for a packet after its last.
    final class CountingSource: PacketSource {
        let packets: [CapturedPacket]
        var index = 0
        var askedPastEnd = false

        init(_ packets: [CapturedPacket]) { self.packets = packets }

        func next(idle: (Timestamp) -> Void) throws -> CapturedPacket? {
            guard index < packets.count else {
                askedPastEnd = true
                return nil
            }
            defer { index += 1 }
            return packets[index]
        }
    }

    /// Capture time moving on without packets (an idle live interface) retires a closed
    /// connection before the source ends.
    @Test func advancingTheClockRetiresConnections() throws {
        let packets = try SampleStreams.packets("http-keepalive.pcap")
        let source = CountingSource(packets)
        let pipeline = PacketPipeline(source: source)
        while let event = try pipeline.next() {
            if case .packet(let packet) = event, packet.packet.number == packets.count { break }
        }
        var later = packets.last!.timestamp
        later.seconds += 1_000
        pipeline.advanceClock(to: later)
        var closed: [Int] = []
        while let event = try pipeline.next() {
            if case .connectionClosed(let summary) = event {
                closed.append(summary.stream)
                #expect(!source.askedPastEnd, "retired by the clock, not by the end of the source")
            }
        }
        #expect(closed == [0])
        #expect(source.askedPastEnd)
    }

    static func tcpOffset(_ packet: CapturedPacket) -> Int? {
        guard packet.linkType == .ethernet, packet.data.count > 34 else { return nil }
        return 14 + Int(packet.data[14] & 0x0F) * 4
    }

    static func tcpPorts(_ packet: CapturedPacket) -> (source: UInt16, destination: UInt16)? {
        guard let at = tcpOffset(packet) else { return nil }
        let data = packet.data
        return (UInt16(data[at]) << 8 | UInt16(data[at + 1]), UInt16(data[at + 2]) << 8 | UInt16(data[at + 3]))
    }

    /// RFC 9293 §3.1: the ports are the TCP header's first two 16-bit words.
    static func movePort(_ port: UInt16, to new: UInt16, in packet: inout CapturedPacket) {
        guard let at = tcpOffset(packet), let ports = tcpPorts(packet) else { return }
        for (offset, value) in [(at, ports.source), (at + 2, ports.destination)] where value == port {
            packet.data[offset] = UInt8(new >> 8)
            packet.data[offset + 1] = UInt8(new & 0xFF)
        }
    }
}
