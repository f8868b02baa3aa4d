import Foundation
import Testing

/// The human message list: responses name what they answer, `--full` uncuts texts, follow
/// never floods the screen with replacement characters.
@Suite struct MessageListTests {
    @Test func responsesNameTheirRequestAndLatency() throws {
        let list = try CommandRunner.run(["messages", "Samples/http-keepalive.pcap", "--color", "never"])
        let json = try CommandRunner.run(["messages", "Samples/http-keepalive.pcap", "--json"])
        let objects = try json.output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let lines = list.output.split(separator: "\n").map(String.init)
        #expect(lines.count == objects.count)
        var answered = 0
        for (line, object) in zip(lines, objects) where object["kind"] as? String == "response" {
            let request = try #require(objects.first { ($0["packets"] as? [Int])?.last == object["request_packet"] as? Int })
            let since = try #require(object["time_since_request"] as? String)
            let seconds = try #require(Double(since))
            let asked = "\(request["method"] as? String ?? "?") \(request["uri"] as? String ?? "?")"
            #expect(line.contains(" ← \(asked) "), "\(line)")
            #expect(line.contains(String(format: "%.1f ms", seconds * 1000)) || line.contains(String(format: "%.3f ms", seconds * 1000))
                    || line.contains(String(format: "%.0f ms", seconds * 1000)), "\(line)")
            answered += 1
        }
        #expect(answered == objects.filter { $0["kind"] as? String == "response" }.count)
        #expect(answered > 0)
    }

    /// The 70,000-byte text of the compressed sample: cut at 100 characters, whole with --full.
    @Test func fullShowsWholeTexts() throws {
        let cut = try CommandRunner.run(["messages", "Samples/websocket-deflate.pcap", "--color", "never"])
        let full = try CommandRunner.run(["messages", "Samples/websocket-deflate.pcap", "--color", "never", "--full"])
        let json = try CommandRunner.run(["messages", "Samples/websocket-deflate.pcap", "--json"])
        let longest = try json.output.split(separator: "\n").compactMap { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["text"] as? String
        }.max { $0.count < $1.count }
        let text = try #require(longest)
        #expect(text.count > 100)
        #expect(full.output.contains("\"" + text + "\""))
        #expect(!cut.output.contains(text))
        #expect(cut.output.contains("\"" + String(text.prefix(100)) + "…\""))
        let both = try CommandRunner.run(["messages", "Samples/websocket-deflate.pcap", "--full", "--json"])
        #expect(both.status == 64)
    }

    /// Binary payloads in `follow` come out as dots, not U+FFFD.
    @Test func followShowsBinaryAsDots() throws {
        let result = try CommandRunner.run(["follow", "Samples/websocket-plain.pcapng", "--stream", "0", "--color", "never"])
        #expect(result.status == 0)
        #expect(!result.output.contains("\u{FFFD}"))
        #expect(result.output.contains("GET /echo HTTP/1.1\n"))
    }
}

/// Checks read as verdicts, not as bits.
@Suite struct CheckWordingTests {
    @Test func acceptCheckSaysCorrectOrWrong() throws {
        let good = try CommandRunner.run(["inspect", "Samples/websocket-plain.pcapng", "--color", "never", "--packets", "1-10"])
        #expect(good.output.contains("[Sec-WebSocket-Accept check: correct]"))
        let corpus = CommandRunner.root.deletingLastPathComponent().appendingPathComponent("shared/corpus/zeek/wrong-accept-header.pcap")
        guard FileManager.default.fileExists(atPath: corpus.path) else { return }
        let bad = try CommandRunner.run(["inspect", corpus.path, "--packet", "6", "--color", "never"])
        #expect(bad.output.contains("[Sec-WebSocket-Accept check: wrong (expected N8ntNYkX6Qerw4tK3s/CYzpSZNc=)]"))
    }
}
