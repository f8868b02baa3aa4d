import OsiscopeWire
import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeViews
import OsiscopeTestSupport

/// The message list, the conversations table, the followed stream and message JSON of real
/// samples, compared with reviewed golden files.
@Suite struct StreamViewsGoldenTests {
    /// Every message of a sample, and the decoder for its summaries.
    static func run(_ sample: String, follow: Int = 0) throws -> (messages: [ApplicationMessage], start: Timestamp,
                                                                   summaries: [ConnectionSummary], followed: [StreamEvent]) {
        let recording = try PipelineRecording.record(path: GoldenFile.samples.appendingPathComponent(sample).path,
                                                     streamBytesOf: follow)
        return (recording.messages, recording.start!, recording.closed, recording.streamEvents)
    }

    @Test func messageListOfACompressedWebSocketSession() throws {
        let run = try Self.run("websocket-deflate.pcap")
        // The handshake's request and response and every WebSocket message, as tshark finds them.
        let facts = try SampleFiles.capture("websocket-deflate")
        #expect(run.messages.count == facts.http.count + facts.websocket.messages.count)
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
        let summaries = run.summaries
        #expect(summaries.map(\.protocolName) == ["websocket"])
        try GoldenFile.check(StreamTable().render(summaries), against: "websocket-ipv6.streams.txt")
    }

    @Test func followedHTTPStream() throws {
        let run = try Self.run("http-keepalive.pcap", follow: 0)
        // One event per segment with data, then one per FIN (no loss, no retransmission).
        let connection = try #require(try SampleFiles.capture("http-keepalive").tcp.first)
        #expect(connection.stream == 0)
        #expect(run.followed.count
                == connection.dataPackets.client.count + connection.dataPackets.server.count + connection.finPackets.count)
        let view = FollowView()
        try GoldenFile.check(run.followed.map(view.render).joined(), against: "http-keepalive.follow.txt")
    }
}
