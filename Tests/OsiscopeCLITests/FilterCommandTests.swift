import Foundation
import Testing

/// `-Y` on packets, inspect, messages, streams and follow; `-T fields|json -e … -E …` on packets,
/// inspect and messages, as a user runs them on the samples.
@Suite(.serialized) struct FilterCommandTests {
    /// tshark's answers (scripts/filter-oracle): packet numbers per capture and expression.
    static let oracle: [String: [String: String]] = {
        let url = CommandRunner.root.appendingPathComponent("Tests/ConformanceTests/Oracle/filters.json")
        let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let captures = json["captures"] as! [String: [String: Any]]
        return captures.mapValues { $0["matches"] as! [String: String] }
    }()

    static func numbers(_ ranges: String) -> [Int] {
        ranges.split(separator: ",").flatMap { part -> [Int] in
            let ends = part.split(separator: "-").compactMap { Int($0) }
            return ends.count == 2 ? Array(ends[0]...ends[1]) : ends
        }
    }

    static func objects(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    static let samples = ["websocket-plain.pcapng", "websocket-deflate.pcap", "http-keepalive.pcap", "socketio-upgrade.pcapng"]
    static let expressions = ["websocket.opcode == 8", "http.request.method == \"GET\"", "tcp.port in {80, 443, 8080, 8765}",
                              "tcp.analysis.retransmission", "websocket.masking_key[0:2] == websocket.masking_key[0:2]",
                              "ip.addr != 127.0.0.1", "frame contains \"Upgrade\""]

    @Test(arguments: samples)
    func packetsAndInspectKeepWhatTsharkKeeps(sample: String) throws {
        let answers = try #require(Self.oracle["Samples/" + sample])
        for expression in Self.expressions {
            let expected = Self.numbers(try #require(answers[expression]))
            let packets = try CommandRunner.run(["packets", "Samples/" + sample, "-Y", expression, "-T", "fields", "-e", "frame.number"])
            #expect(packets.status == 0)
            #expect(packets.output.split(separator: "\n").compactMap { Int($0) } == expected, "packets -Y '\(expression)'")
            let inspect = try CommandRunner.run(["inspect", "Samples/" + sample, "-Y", expression, "--json"])
            #expect(inspect.status == 0)
            #expect(try Self.objects(inspect.output).map { $0["number"] as? Int } == expected, "inspect -Y '\(expression)'")
        }
    }

    @Test func aFilterThatMatchesNothingIsNoError() throws {
        for command in [["packets"], ["inspect"], ["messages"], ["streams"]] {
            let result = try CommandRunner.run(command + ["Samples/websocket-plain.pcapng", "-Y", "udp.port == 53"])
            #expect(result.status == 0)
            #expect(result.output == "" || command == ["streams"])
            #expect(result.errors == "")
        }
        // With a range: nothing matching in it is no error either.
        let ranged = try CommandRunner.run(["packets", "Samples/websocket-plain.pcapng", "--packets", "1-3", "-Y", "websocket"])
        #expect(ranged.status == 0)
        #expect(ranged.output == "")
    }

    @Test func aBadExpressionIsShownWithACaretAndExit64() throws {
        let result = try CommandRunner.run(["packets", "Samples/websocket-plain.pcapng", "-Y", "tcp.port === 1"])
        #expect(result.status == 64)
        #expect(result.output == "")
        #expect(result.errors == """
            osiscope: -Y: "=" was unexpected in this context.
                tcp.port === 1
                           ^

            """)
        let unknown = try CommandRunner.run(["messages", "Samples/websocket-plain.pcapng", "-Y", "websocket.opcod == 1"])
        #expect(unknown.status == 64)
        #expect(unknown.errors.hasPrefix("osiscope: -Y: \"websocket.opcod\" is neither a field nor a protocol; did you mean websocket.opcode?\n"))
        #expect(unknown.errors.hasSuffix("    websocket.opcod == 1\n    ^" + String(repeating: "~", count: 14) + "\n"))
    }

    @Test func messageFiltersUseTheJSONKeysAndTheRegistry() throws {
        let sample = "Samples/websocket-plain.pcapng"
        let all = try Self.objects(try CommandRunner.run(["messages", sample, "--json"]).output)
        let texts = all.filter { $0["protocol"] as? String == "websocket" && $0["opcode"] as? String == "text" }
        #expect(texts.count > 2)
        for expression in ["websocket.opcode == 1", "websocket.opcode == \"text\"", "websocket.opcode == text && websocket"] {
            let kept = try Self.objects(try CommandRunner.run(["messages", sample, "--json", "-Y", expression]).output)
            #expect(kept.map { $0["packets"] as? [Int] } == texts.map { $0["packets"] as? [Int] }, "\(expression)")
        }
        let long = try Self.objects(try CommandRunner.run(["messages", sample, "--json", "-Y", "websocket.length > 65536"]).output)
        #expect(long.map { $0["length"] as? Int } == all.compactMap { $0["length"] as? Int }.filter { $0 > 65536 })
        #expect(!long.isEmpty)
        let fromServer = try Self.objects(try CommandRunner.run(["messages", sample, "--json", "-Y", "websocket.from == \"server\""]).output)
        #expect(fromServer.count == all.filter { $0["protocol"] as? String == "websocket" && $0["from"] as? String == "server" }.count)
        #expect(Set(fromServer.map { $0["from"] as? String }) == ["server"])
        let text = try Self.objects(try CommandRunner.run(["messages", sample, "--json", "-Y", "websocket.text contains \"frag-two\""]).output)
        #expect(text.map { $0["text"] as? String } == ["frag-one frag-two frag-three", "frag-one frag-two frag-three"])
        // HTTP: Wireshark's names as well as the JSON keys.
        let upgrade = try Self.objects(try CommandRunner.run(["messages", sample, "--json", "-Y",
                                                              "http.request.method == \"GET\" && http.upgrade == \"websocket\" && http.kind == \"request\""]).output)
        #expect(upgrade.map { $0["method"] as? String } == ["GET"])
        let answered = try Self.objects(try CommandRunner.run(["messages", sample, "--json", "-Y", "http.time_since_request >= 0 && http.response.code == 101"]).output)
        #expect(answered.map { $0["status"] as? Int } == [101])
    }

    @Test func socketIOEventsByName() throws {
        let sample = "Samples/socketio-upgrade.pcapng"
        let all = try Self.objects(try CommandRunner.run(["messages", sample, "--json"]).output)
        let events = all.filter { $0["protocol"] as? String == "socket.io" && $0["type"] as? String == "EVENT" }
        let name = try #require(events.first?["event"] as? String)
        let kept = try Self.objects(try CommandRunner.run(["messages", sample, "--json", "-Y", "socket.io.event == \"\(name)\""]).output)
        #expect(kept.count == events.filter { $0["event"] as? String == name }.count)
        #expect(kept.allSatisfy { $0["session"] != nil && $0["event"] as? String == name })
    }

    @Test func streamsListThoseWithAMatchingPacket() throws {
        let sample = "Samples/socketio-browser.pcapng"
        let all = try Self.objects(try CommandRunner.run(["streams", sample, "--json"]).output)
        #expect(all.count == 3)
        let websocket = try Self.objects(try CommandRunner.run(["streams", sample, "--json", "-Y", "websocket"]).output)
        #expect(websocket.map { $0["stream"] as? Int } == all.filter { $0["protocol"] as? String == "websocket" }.map { $0["stream"] as? Int })
        #expect(!websocket.isEmpty)
        #expect(websocket.count == 1)
        let first = try Self.objects(try CommandRunner.run(["streams", sample, "--json", "-Y", "tcp.stream == 0"]).output)
        #expect(first.map { $0["stream"] as? Int } == [0])
        #expect(first.first?["packets_client_to_server"] as? Int == all.first?["packets_client_to_server"] as? Int)
    }

    @Test func followKeepsTheMatchingMessages() throws {
        let sample = "Samples/websocket-plain.pcapng"
        let all = try CommandRunner.run(["follow", sample, "--stream", "0", "--messages", "--color", "never"])
        let server = try CommandRunner.run(["follow", sample, "--stream", "0", "--messages", "--color", "never", "-Y", "websocket.from == \"server\""])
        #expect(server.status == 0)
        let lines = server.output.split(separator: "\n")
        #expect(lines.count == all.output.split(separator: "\n").filter { $0.contains("server → client") && $0.contains("WebSocket") }.count)
        #expect(lines.allSatisfy { $0.contains("server → client") })
        let bytes = try CommandRunner.run(["follow", sample, "--stream", "0", "-Y", "websocket"])
        #expect(bytes.status == 64)
        #expect(bytes.errors.contains("-Y keeps the messages that match: use it with --messages or --session"))
    }

    /// `-T fields` writes what tshark writes for the same fields and options (tshark 4.0 writes a
    /// bytes field such as websocket.masking_key as bare hex digits, osiscope's registry holds it as
    /// a hex number, 0x…, so it is left out here).
    @Test func fieldOutputEqualsTsharks() throws {
        let sample = "Samples/websocket-plain.pcapng"
        let fields = ["frame.number", "tcp.stream", "tcp.flags", "tcp.flags.syn", "tcp.len", "tcp.seq", "tcp.ack", "ip.src",
                      "tcp.port", "frame.time_epoch", "http.request.method", "http.host", "http.response.code", "http.time",
                      "websocket.fin", "websocket.opcode", "websocket.mask", "websocket.payload_length"]
        for options in [["-E", "header=y"], ["-E", "separator=,", "-E", "quote=d", "-E", "occurrence=f"],
                        ["-E", "separator=/s", "-E", "aggregator=/s", "-E", "occurrence=l"]] {
            let arguments = ["-Y", "tcp.len > 0 || tcp.flags.syn == 1"] + fields.flatMap { ["-e", $0] } + options
            let ours = try CommandRunner.run(["packets", sample, "-T", "fields"] + arguments)
            #expect(ours.status == 0)
            let tshark = try Self.tshark(["-r", sample, "-o", "tcp.reassemble_out_of_order:TRUE", "-T", "fields"] + arguments)
            #expect(ours.output == tshark, "\(options)")
            #expect(ours.output.split(separator: "\n").count > 40)
        }
    }

    @Test func fieldOutputAsJSONIsKeyedByName() throws {
        let result = try CommandRunner.run(["inspect", "Samples/websocket-plain.pcapng", "--packet", "8", "-T", "json",
                                            "-e", "frame.number", "-e", "tcp.port", "-e", "tcp.flags", "-e", "websocket.mask",
                                            "-e", "websocket.masking_key", "-e", "udp.port", "-e", "ip.src"])
        #expect(result.status == 0)
        #expect(result.output == """
            {"frame.number":[8],"tcp.port":[40001,8765],"tcp.flags":["0x0018"],"websocket.mask":[true],"websocket.masking_key":["0xc5d3e724"],"ip.src":["127.0.0.1"]}

            """)
        let messages = try CommandRunner.run(["messages", "Samples/websocket-plain.pcapng", "-Y", "websocket.length < 20 && websocket.opcode == 1",
                                              "-T", "json", "-e", "websocket.from", "-e", "websocket.text", "-e", "websocket.opcode"])
        #expect(messages.output == """
            {"websocket.from":["client"],"websocket.text":["Hello, osiscope!"],"websocket.opcode":[1]}
            {"websocket.from":["server"],"websocket.text":["Hello, osiscope!"],"websocket.opcode":[1]}

            """)
    }

    @Test func fieldOutputUsageErrors() throws {
        let sample = "Samples/websocket-plain.pcapng"
        let cases: [([String], String)] = [
            (["packets", sample, "-e", "tcp.port"], "-e and -E choose what -T writes: add -T fields or -T json"),
            (["packets", sample, "-T", "fields"], "-T needs the fields to write: add -e NAME (see 'osiscope fields')"),
            (["packets", sample, "-T", "fields", "-e", "tcp.prot"], "-e tcp.prot: \"tcp.prot\" is neither a field nor a protocol; did you mean tcp.port?"),
            (["packets", sample, "-T", "fields", "-e", "tcp.port", "-E", "colour=y"], "-E colour=y: the options are separator=/t|/s|TEXT, aggregator=,|/s|TEXT, header=y|n, quote=d|s|n, occurrence=f|l|a|N"),
            (["inspect", sample, "-T", "fields", "-e", "tcp.port", "--json"], "-T writes only the fields named with -e: leave out --json, --hex and --explain"),
        ]
        for (arguments, message) in cases {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.errors.contains(message), "\(arguments): \(result.errors)")
        }
    }

    static func tshark(_ arguments: [String]) throws -> String {
        try CommandRunner.execute(URL(fileURLWithPath: "/usr/bin/tshark"), arguments).output
    }
}
