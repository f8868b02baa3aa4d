import Foundation
import Testing

/// The stream commands as a user runs them on the bundled samples. What the peers sent and the
/// packet numbers come from the samples' expected files (`SampleExpected`).
@Suite(.serialized) struct StreamCommandTests {
    @Test func streamsListsTheConnection() throws {
        let expected = try SampleExpected.load("websocket-ipv6")
        let facts = try SampleExpected.capture("websocket-ipv6")
        let result = try CommandRunner.run(["streams", "Samples/websocket-ipv6.pcap", "--json"])
        #expect(result.status == 0)
        let rows = result.output.split(separator: "\n")
        #expect(rows.count == facts.tcp.count)
        let row = try #require(try JSONSerialization.jsonObject(with: Data(rows[0].utf8)) as? [String: Any])
        let connection = try #require(facts.tcp.first)
        #expect(row["protocol"] as? String == "websocket")
        #expect(row["client"] as? String == connection.client)
        #expect(row["client"] as? String == expected.client) // the client's own log says the same
        #expect(row["server"] as? String == connection.server)
        #expect(row["state"] as? String == "closed")
        // The handshake's request and response, then every WebSocket message.
        #expect(row["messages"] as? Int == facts.http.count + facts.websocket.messages.count)
    }

    @Test func messagesFollowTheContract() throws {
        let expected = try SampleExpected.load("websocket-ipv6")
        let facts = try SampleExpected.capture("websocket-ipv6")
        let sent = try #require(expected.messages)
        let result = try CommandRunner.run(["messages", "Samples/websocket-ipv6.pcap", "--json"])
        #expect(result.status == 0)
        let objects = try result.output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let protocols = Array(repeating: "http", count: facts.http.count)
            + Array(repeating: "websocket", count: facts.websocket.messages.count)
        #expect(objects.map { $0["protocol"] as? String ?? "?" } == protocols)
        try #require(objects.count == protocols.count && facts.http.count == 2 && !sent.isEmpty)
        let request = facts.http[0], response = facts.http[1]
        #expect(objects[0]["method"] as? String == request.method)
        #expect(objects[0]["uri"] as? String == request.uri)
        #expect(objects[1]["status"] as? Int == response.status)
        // The WebSocket messages follow the handshake, in the order the peers sent them.
        let first = facts.http.count
        #expect(objects[first]["from"] as? String == sent[0].from)
        #expect(objects[first]["opcode"] as? String == sent[0].opcode)
        #expect(objects[first]["text"] as? String == sent[0].text)
        #expect(objects[first]["packets"] as? [Int] == facts.websocket.messages.first?.packets)
        let close = try #require(sent.firstIndex { $0.opcode == "close" })
        try #require(first + close < objects.count)
        #expect(objects[first + close]["from"] as? String == sent[close].from)
        #expect(objects[first + close]["close_code"] as? Int == sent[close].closeCode)
        #expect(objects[first + close]["close_reason"] as? String == sent[close].closeReason)
    }

    @Test func bodiesOnRequest() throws {
        let expected = try SampleExpected.load("http-keepalive")
        let facts = try SampleExpected.capture("http-keepalive")
        let requests = try #require(expected.requests), responses = try #require(expected.responses)
        let result = try CommandRunner.run(["messages", "Samples/http-keepalive.pcap", "--json", "--bodies"])
        let objects = try result.output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        // Messages are listed in order of completion, as tshark completes them.
        try #require(objects.count == facts.http.count)
        // The chunked response, de-chunked; the POST and its JSON answer.
        let chunked = try #require(responses.firstIndex { $0.framing == "chunked" })
        let post = try #require(requests.firstIndex { $0.method == "POST" })
        let notModified = try #require(responses.firstIndex { $0.status == 304 })
        let chunkedAt = try #require(facts.httpPosition(from: "server", chunked))
        let postAt = try #require(facts.httpPosition(from: "client", post))
        let answerAt = try #require(facts.httpPosition(from: "server", post))
        let notModifiedAt = try #require(facts.httpPosition(from: "server", notModified))
        let chunkedBody = try #require(responses[chunked].body)
        let postBody = try #require(requests[post].body), answerBody = try #require(responses[post].body)
        #expect(objects[chunkedAt]["body_text"] as? String == chunkedBody)
        #expect(objects[postAt]["body_text"] as? String == postBody)
        #expect(objects[answerAt]["body_text"] as? String == answerBody)
        #expect(objects[notModifiedAt]["body_text"] == nil) // 304: no body.
        let plain = try CommandRunner.run(["messages", "Samples/http-keepalive.pcap", "--json"])
        #expect(!plain.output.contains("body_text"))
    }

    @Test func followShowsBothDirectionsInOrder() throws {
        let expected = try SampleExpected.load("http-keepalive")
        let facts = try SampleExpected.capture("http-keepalive")
        let requests = try #require(expected.requests)
        // The client speaks first; its first request fits one segment, so the first heading is it.
        let request = try #require(facts.http.first { $0.from == "client" })
        try #require(request.packets == [request.packet] && request.streamRange.count == 2)
        let result = try CommandRunner.run(["follow", "Samples/http-keepalive.pcap", "--stream", "0", "--color", "never"])
        #expect(result.status == 0)
        let headings = result.output.split(separator: "\n").filter { $0.hasPrefix("── ") }
        #expect(headings.first.map(String.init)
                == "── client bytes \(request.streamRange[0])–\(request.streamRange[1] - 1), packet \(request.packet)")
        #expect(headings.last == "── server finished (FIN)" || headings.last == "── client finished (FIN)")
        for sent in requests { // every request line, "GET /chunked HTTP/1.1" among them
            #expect(result.output.contains("\(sent.method) \(sent.uri) HTTP/1.1\n"))
        }
        #expect(!result.output.contains("\u{1B}"))
    }

    /// A stream that does not exist is a usage error now (issue 7: "say what exists").
    @Test func followNamesAMissingStream() throws {
        let result = try CommandRunner.run(["follow", "Samples/http-keepalive.pcap", "--stream", "7"])
        #expect(result.status == 64)
        #expect(result.errors.contains("there is no stream 7"))
    }

    @Test func decodeAsRejectsNonsense() throws {
        let result = try CommandRunner.run(["messages", "Samples/http-keepalive.pcap", "--decode-as", "http"])
        #expect(result.status == 64)
    }
}
