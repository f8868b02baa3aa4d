import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews

/// The message list, the conversations table, the followed stream and message JSON of real
/// samples, compared with reviewed golden files.
@Suite struct StreamViewsGoldenTests {
    /// Every message of a sample, and the decoder for its summaries.
    static func run(_ sample: String, follow: Int? = nil) throws -> (messages: [ApplicationMessage], start: Timestamp,
                                                                      decoder: StreamDecoder, followed: [StreamEvent]) {
        let decoder = StreamDecoder(follow: follow)
        decoder.keepsSummaries = true
        let pipeline = PacketPipeline(reader: try CaptureReader(path: GoldenFile.samples.appendingPathComponent(sample).path),
                                      streams: decoder)
        var start: Timestamp?
        var followed: [StreamEvent] = []
        while let packet = try pipeline.next() {
            if start == nil { start = packet.packet.timestamp }
            followed += decoder.takeFollowed()
        }
        followed += decoder.takeFollowed()
        return (pipeline.takeMessages(), start!, decoder, followed)
    }

    @Test func messageListOfACompressedWebSocketSession() throws {
        let run = try Self.run("websocket-deflate.pcap")
        #expect(run.messages.count == 14)
        let list = MessageList()
        try GoldenFile.check(run.messages.map { list.line($0, since: run.start) + "\n" }.joined(), against: "websocket-deflate.messages.txt")
    }

    @Test func messageJSONOfTheSocketIOUpgrade() throws {
        let run = try Self.run("socketio-upgrade.pcapng")
        #expect(run.messages.first?.protocolName == "http")
        try GoldenFile.check(run.messages.map { MessageJSON.encode($0) + "\n" }.joined(), against: "socketio-upgrade.messages.json")
    }

    @Test func conversationTable() throws {
        let run = try Self.run("websocket-ipv6.pcap")
        let summaries = run.decoder.takeSummaries() + run.decoder.openSummaries
        #expect(summaries.map(\.protocolName) == ["websocket"])
        try GoldenFile.check(StreamTable().render(summaries), against: "websocket-ipv6.streams.txt")
    }

    @Test func followedHTTPStream() throws {
        let run = try Self.run("http-keepalive.pcap", follow: 0)
        #expect(run.followed.count == 21)
        let view = FollowView()
        try GoldenFile.check(run.followed.map(view.render).joined(), against: "http-keepalive.follow.txt")
    }
}
