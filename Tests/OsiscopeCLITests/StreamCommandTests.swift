import Foundation
import Testing

/// The stream commands as a user runs them on the bundled samples.
@Suite(.serialized) struct StreamCommandTests {
    @Test func streamsListsTheConnection() throws {
        let result = try CommandRunner.run(["streams", "Samples/websocket-ipv6.pcap", "--json"])
        #expect(result.status == 0)
        let rows = result.output.split(separator: "\n")
        #expect(rows.count == 1)
        let row = try #require(try JSONSerialization.jsonObject(with: Data(rows[0].utf8)) as? [String: Any])
        #expect(row["protocol"] as? String == "websocket")
        #expect(row["client"] as? String == "[::1]:40003")
        #expect(row["server"] as? String == "[::1]:8767")
        #expect(row["state"] as? String == "closed")
        #expect(row["messages"] as? Int == 8)
    }

    @Test func messagesFollowTheContract() throws {
        let result = try CommandRunner.run(["messages", "Samples/websocket-ipv6.pcap", "--json"])
        #expect(result.status == 0)
        let objects = try result.output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["protocol"] as? String } == ["http", "http"] + Array(repeating: "websocket", count: 6))
        #expect(objects[0]["method"] as? String == "GET")
        #expect(objects[0]["uri"] as? String == "/v6")
        #expect(objects[1]["status"] as? Int == 101)
        #expect(objects[2]["from"] as? String == "client")
        #expect(objects[2]["opcode"] as? String == "text")
        #expect(objects[2]["text"] as? String == "hello over IPv6")
        #expect(objects[2]["packets"] as? [Int] == [8])
        #expect(objects[6]["from"] as? String == "server")
        #expect(objects[6]["close_code"] as? Int == 1001)
        #expect(objects[6]["close_reason"] as? String == "going away")
    }

    @Test func bodiesOnRequest() throws {
        let result = try CommandRunner.run(["messages", "Samples/http-keepalive.pcap", "--json", "--bodies"])
        let objects = try result.output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        // The chunked response, de-chunked; the POST and its JSON answer.
        #expect(objects[3]["body_text"] as? String == "chunk one\nchunk two is a bit longer\nchunk three, the last one\n")
        #expect(objects[8]["body_text"] as? String == "name=osiscope")
        #expect(objects[9]["body_text"] as? String == "{\"received\": 13, \"body\": \"name=osiscope\"}")
        #expect(objects[5]["body_text"] == nil) // 304: no body.
        let plain = try CommandRunner.run(["messages", "Samples/http-keepalive.pcap", "--json"])
        #expect(!plain.output.contains("body_text"))
    }

    @Test func followShowsBothDirectionsInOrder() throws {
        let result = try CommandRunner.run(["follow", "Samples/http-keepalive.pcap", "--stream", "0", "--color", "never"])
        #expect(result.status == 0)
        let headings = result.output.split(separator: "\n").filter { $0.hasPrefix("── ") }
        #expect(headings.first == "── client bytes 0–82, packet 4")
        #expect(headings.last == "── server finished (FIN)" || headings.last == "── client finished (FIN)")
        #expect(result.output.contains("GET /chunked HTTP/1.1\n"))
        #expect(!result.output.contains("\u{1B}"))
    }

    @Test func followNamesAnEmptyStream() throws {
        let result = try CommandRunner.run(["follow", "Samples/http-keepalive.pcap", "--stream", "7"])
        #expect(result.status == 0)
        #expect(result.errors.contains("stream 7 has no payload"))
    }

    @Test func decodeAsRejectsNonsense() throws {
        let result = try CommandRunner.run(["messages", "Samples/http-keepalive.pcap", "--decode-as", "http"])
        #expect(result.status == 64)
    }
}
