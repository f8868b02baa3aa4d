import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `ladder`, `stats`, `timeline` and `compare` as a user runs them: the contract's keys, one
/// Mermaid arrow per `messages` entry, the selections that name nothing, and the SVG in a browser.
@Suite struct FiguresCommandTests {
    static let samples = try! FileManager.default.contentsOfDirectory(atPath: CommandRunner.root.appendingPathComponent("Samples").path)
        .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted().map { "Samples/" + $0 }

    /// Mermaid: the first line is `sequenceDiagram`, and each entry of `messages --json` for the
    /// stream (gaps included) is one `->>` arrow.
    @Test(arguments: samples)
    func mermaidHasOneArrowPerMessage(sample: String) throws {
        let messages = try CommandRunner.run(["messages", sample, "--json", "--stream", "0"])
        #expect(messages.status == 0)
        let expected = messages.output.split(separator: "\n").count
        let mermaid = try CommandRunner.run(["ladder", sample, "--stream", "0", "--format", "mermaid"])
        #expect(mermaid.status == 0, "\(mermaid.errors)")
        let lines = mermaid.output.split(separator: "\n")
        #expect(lines.first == "sequenceDiagram")
        #expect(lines.filter { $0.contains("->>") && !$0.contains("-->>") }.count == expected)
    }

    @Test func statsJSONHasTheContractKeysOnEveryConversation() throws {
        let result = try CommandRunner.run(["stats", "Samples/update-reload.pcapng", "--json"])
        #expect(result.status == 0)
        let objects = try result.output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["stream"] as? Int } == [0, 1, 2, 3, 4])
        for object in objects {
            for key in ["protocol", "client", "server", "client_to_server", "server_to_client", "turns", "server_initiated",
                        "overlap_seconds", "latency_seconds", "duration_seconds", "verdict"] {
                #expect(object[key] != nil, "\(key)")
            }
            let side = try #require(object["server_to_client"] as? [String: Any])
            #expect(side["payload_bytes"] as? Int == 1023)
            #expect((side["overhead_bytes"] as? [String: Int])?.keys.sorted() == ["l2", "l3", "l4", "l7"])
        }
        let one = try CommandRunner.run(["stats", "Samples/update-reload.pcapng", "--json", "--stream", "3"])
        #expect(one.output.split(separator: "\n").count == 1)
        #expect(one.output.hasPrefix(#"{"stream":3,"#))
    }

    @Test func selectionsThatNameNothingAreUsageErrors() throws {
        let several = try CommandRunner.run(["ladder", "Samples/update-reload.pcapng"])
        #expect(several.status == 64)
        #expect(several.errors.contains("the capture has 5 TCP streams: choose one with --stream N"))
        let session = try CommandRunner.run(["ladder", "Samples/socketio-upgrade.pcapng", "--session", "nope"])
        #expect(session.status == 64)
        #expect(session.errors.contains("no Engine.IO session nope"))
        let stream = try CommandRunner.run(["stats", "Samples/update-websocket.pcapng", "--stream", "9"])
        #expect(stream.status == 64)
        let alone = try CommandRunner.run(["compare", "Samples/update-websocket.pcapng"])
        #expect(alone.status == 64)
    }

    /// A session spans its polling and WebSocket connections: the ladder draws them as one.
    @Test func ladderOfASessionAcrossItsConnections() throws {
        let sessions = try CommandRunner.run(["sessions", "Samples/socketio-upgrade.pcapng", "--json"])
        let sid = try #require((try JSONSerialization.jsonObject(with: Data(sessions.output.split(separator: "\n")[0].utf8))
            as? [String: Any])?["sid"] as? String)
        let ladder = try CommandRunner.run(["ladder", "Samples/socketio-upgrade.pcapng", "--session", sid, "--format", "mermaid"])
        #expect(ladder.status == 0)
        let messages = try CommandRunner.run(["messages", "Samples/socketio-upgrade.pcapng", "--json"])
        let inSession = messages.output.split(separator: "\n").filter { $0.contains(#""session":"\#(sid)""#) }.count
        #expect(ladder.output.split(separator: "\n").filter { $0.contains("->>") }.count == inSession)
    }

    @Test func compareJSONIsOneObjectPerCapture() throws {
        let result = try CommandRunner.run(["compare", "Samples/update-long-polling.pcapng", "Samples/update-websocket.pcapng", "--json"])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix(#"{"file":"Samples/update-long-polling.pcapng","connections":1,"packets":22,"#))
        #expect(lines[1].contains(#""server_initiated":5"#))
    }

    @Test func timelineJSONCountsEveryByteOnTheWire() throws {
        let result = try CommandRunner.run(["timeline", "Samples/update-reload.pcapng", "--json", "--columns", "20"])
        #expect(result.status == 0)
        var client = 0, server = 0
        for line in result.output.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            client += object["client_to_server_bytes"] as? Int ?? 0
            server += object["server_to_client_bytes"] as? Int ?? 0
        }
        // tshark's frame.len per direction (the sample's ground truth).
        #expect(client == 2496)
        #expect(server == 7604)
    }

    /// The SVG is XML, and a browser draws it: a headless Chromium screenshot of its size that
    /// is not blank (checked by a small PNG reader in Python).
    @Test func svgParsesAndABrowserRendersIt() throws {
        let result = try CommandRunner.run(["ladder", "Samples/websocket-duplex.pcapng", "--format", "svg"])
        #expect(result.status == 0)
        let data = Data(result.output.utf8)
        let parser = XMLParser(data: data)
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        let height = try #require(result.output.firstMatch(of: /height="(\d+)"/).map { Int($0.1)! })
        let shot = try #require(try Browser.screenshot(data, name: "ladder.svg", width: 1000, height: height))
        #expect(shot.width == 1000)
        #expect(shot.height == height)
        // Lanes, arrows and labels: well over a thousand pixels that are not white.
        #expect(shot.ink > 5000)
    }
}
