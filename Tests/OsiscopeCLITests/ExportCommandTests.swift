import Foundation
import Testing
import OsiscopeTestSupport

/// Runs a program found on PATH (a checker script of the repository, tmux, setpriv): its status,
/// and what it wrote to standard output and then to standard error.
func runScript(_ arguments: [String], input: Data? = nil) throws -> (status: Int32, output: String) {
    let result = try CommandRunner.execute(URL(fileURLWithPath: "/usr/bin/env"), arguments, input: input)
    return (result.status, result.output + result.errors)
}

/// `export har`: every HTTP exchange and every WebSocket message of a capture, in a HAR 1.2 file
/// that validates against the schema written from the spec (Fixtures/har-1.2.schema.json).
@Suite(.serialized) struct HARExportTests {
    static func har(_ capture: String, _ options: [String] = []) throws -> [[String: Any]] {
        let result = try CommandRunner.run(["export", "har", capture, "-o", "-"] + options)
        #expect(result.status == 0, "\(capture): \(result.errors)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let log = try #require(json["log"] as? [String: Any])
        #expect(log["version"] as? String == "1.2")
        return try #require(log["entries"] as? [[String: Any]])
    }

    static func messages(_ capture: String) throws -> [[String: Any]] {
        try FilterCommandTests.objects(try CommandRunner.run(["messages", capture, "--json", "--bodies"]).output)
    }

    /// Each WebSocket text and binary message, as `messages --json` reports it, is an item of its
    /// connection's `_webSocketMessages` with its direction, time, opcode and data, in order; each
    /// HTTP request is one entry with its method and target.
    @Test(arguments: ConformanceCaptures.all)
    func everyMessageIsInTheHAR(capture: String) throws {
        let entries = try Self.har(capture)
        let messages = try Self.messages(capture)
        let name = ConformanceCaptures.label(capture)
        // In completion order per connection; times to the microsecond (both are Doubles here).
        struct Item: Equatable { var stream: String, type: String, time: Double, opcode: Int, data: String }
        let expected = messages.filter { $0["protocol"] as? String == "websocket" && ["text", "binary"].contains($0["opcode"] as? String) }
            .map { message in
                Item(stream: String(message["stream"] as! Int), type: message["from"] as? String == "client" ? "send" : "receive",
                     time: Double(message["timestamp"] as! String)!, opcode: message["opcode"] as? String == "text" ? 1 : 2,
                     data: (message["text"] ?? message["data_base64"]) as? String ?? "")
            }
        let found = entries.flatMap { entry in
            ((entry["_webSocketMessages"] as? [[String: Any]]) ?? []).map { item in
                Item(stream: entry["_connectionId"] as! String, type: item["type"] as! String,
                     time: item["time"] as! Double, opcode: item["opcode"] as! Int, data: item["data"] as! String)
            }
        }
        func byStream(_ items: [Item]) -> [String: [Item]] { Dictionary(grouping: items) { $0.stream } }
        let foundByStream = byStream(found), expectedByStream = byStream(expected)
        #expect(foundByStream.mapValues(\.count) == expectedByStream.mapValues(\.count), "\(name): messages per connection")
        for (stream, items) in expectedByStream {
            for (got, want) in zip(foundByStream[stream] ?? [], items) {
                var timeless = got
                timeless.time = want.time
                #expect(timeless == want, "\(name)")
                #expect(abs(got.time - want.time) < 0.000_002, "\(name): \(got.time) against \(want.time)")
            }
        }
        let requests = messages.filter { $0["protocol"] as? String == "http" && $0["kind"] as? String == "request" }
        #expect(entries.count == requests.count, "\(name): one entry per request")
        let asked = entries.map { entry in
            let request = entry["request"] as! [String: Any]
            return "\(request["method"]!) \(request["url"]!)"
        }
        for request in requests {
            let uri = request["uri"] as! String
            #expect(asked.contains { $0.hasPrefix("\(request["method"]!) ") && $0.hasSuffix(uri) }, "\(name): \(uri)")
        }
        for entry in entries {
            let timings = entry["timings"] as! [String: Double]
            let sum = ["send", "wait", "receive"].reduce(0) { $0 + timings[$1]! }
            #expect(abs(sum - (entry["time"] as! Double)) < 0.000_01, "\(name): time is the sum of the timings")
        }
    }

    @Test func everyHARValidatesAgainstTheSchema() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-har-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        for (index, capture) in ConformanceCaptures.all.enumerated() {
            let file = folder.appendingPathComponent("\(index).har").path
            let result = try CommandRunner.run(["export", "har", capture, "-o", file])
            #expect(result.status == 0 && result.output.isEmpty, "\(capture)")
            files.append(file)
        }
        let checked = try runScript(["python3", "scripts/check-json-schema", "Tests/OsiscopeCLITests/Fixtures/har-1.2.schema.json"] + files)
        #expect(checked.status == 0, "\(checked.output)")
        #expect(files.count == ConformanceCaptures.all.count)
    }

    /// Chromium's own DevTools code (HARRoot, the importer, the Network panel's import and its
    /// Messages tab) takes every sample's HAR whole: every entry a request, every WebSocket
    /// message a frame (scripts/check-har-in-chrome).
    @Test func chromeDevToolsImportsEverySampleHAR() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-chrome-har-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let samples = ConformanceCaptures.all.filter { $0.contains("/Samples/") }
        var files: [String] = []
        for (index, capture) in samples.enumerated() {
            let file = folder.appendingPathComponent("\(index).har").path
            #expect(try CommandRunner.run(["export", "har", capture, "-o", file]).status == 0)
            files.append(file)
        }
        let checked = try runScript(["python3", "scripts/check-har-in-chrome"] + files)
        #expect(checked.status == 0, "\(checked.output)")
        #expect(checked.output.split(separator: "\n").filter { $0.contains(" imported") }.count == samples.count, "\(checked.output)")
        #expect(checked.output.contains("1 websocket with 12 frames"), "socketio-upgrade: \(checked.output)")
    }

    /// The schema check can fail: a HAR without its log's version is refused.
    @Test func theSchemaRefusesABrokenHAR() throws {
        let path = try CommandRunner.temporaryFile(Array(#"{"log":{"creator":{"name":"x","version":"1"},"entries":[]}}"#.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let checked = try runScript(["python3", "scripts/check-json-schema", "Tests/OsiscopeCLITests/Fixtures/har-1.2.schema.json", path])
        #expect(checked.status == 1)
        #expect(checked.output.contains("'version' is a required property"))
    }

    @Test func aFilterKeepsTheMatchingExchangesAndMessages() throws {
        let posts = try Self.har("Samples/socketio-polling.pcapng", ["-Y", #"http.request.method == "POST""#])
        #expect(posts.count == 7)
        #expect(posts.allSatisfy { ($0["request"] as! [String: Any])["method"] as? String == "POST" })
        #expect(posts.allSatisfy { ($0["response"] as! [String: Any])["status"] as? Int == 200 })
        let texts = try Self.har("Samples/websocket-duplex.pcapng", ["-Y", #"websocket.from == "server""#])
        let items = try #require(texts.first?["_webSocketMessages"] as? [[String: Any]])
        #expect(texts.count == 1)
        #expect(items.count == 4)
        #expect(items.allSatisfy { $0["type"] as? String == "receive" })
    }

    /// Requests whose responses the capture does not hold: Chrome's shape for a failed request.
    @Test func anUnansweredRequestHasStatusZero() throws {
        let requestsOnly = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-requests-\(UUID()).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: requestsOnly) }
        #expect(try CommandRunner.run(["packets", "Samples/http-keepalive.pcap", "-Y", "tcp.dstport == 8080", "-w", requestsOnly]).status == 0)
        let entries = try Self.har(requestsOnly)
        #expect(entries.count == 6)
        for entry in entries {
            let response = entry["response"] as! [String: Any]
            #expect(response["status"] as? Int == 0)
            #expect(response["_error"] as? String == "no response in the capture")
            #expect((entry["timings"] as! [String: Double])["wait"] == 0)
        }
    }

    @Test func anUnwritableFileIsAnError() throws {
        let result = try CommandRunner.run(["export", "har", "Samples/websocket-plain.pcapng", "-o", "/proc/osiscope/x.har"])
        #expect(result.status == 1)
        #expect(result.errors == "osiscope: cannot write /proc/osiscope/x.har: No such file or directory\n")
    }
}

/// `export objects`: HTTP bodies are the files `tshark --export-objects http` writes; WebSocket
/// payloads are the messages' data.
@Suite(.serialized) struct ExportObjectsTests {
    static func export(_ capture: String, _ options: [String] = []) throws -> (folder: URL, result: CommandRunner.Result) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-objects-\(UUID())")
        return (folder, try CommandRunner.run(["export", "objects", capture, folder.path] + options))
    }

    static func contents(_ folder: URL, _ names: [String]) throws -> [Data] {
        try names.map { try Data(contentsOf: folder.appendingPathComponent($0)) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    @Test(arguments: ConformanceCaptures.all)
    func httpBodiesAreTsharks(capture: String) throws {
        let (ours, result) = try Self.export(capture, ["--json"])
        let theirs = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-tshark-objects-\(UUID())")
        defer {
            try? FileManager.default.removeItem(at: ours)
            try? FileManager.default.removeItem(at: theirs)
        }
        #expect(result.status == 0)
        _ = try FilterCommandTests.tshark(["-r", capture, "-q", "-o", "tcp.reassemble_out_of_order:TRUE", "--export-objects", "http," + theirs.path])
        let listed = try FilterCommandTests.objects(result.output)
        let http = listed.filter { $0["protocol"] as? String == "http" }.map { $0["file"] as! String }
        let tsharks = (try? FileManager.default.contentsOfDirectory(atPath: theirs.path)) ?? []
        #expect(try Self.contents(ours, http) == Self.contents(theirs, tsharks), "\(ConformanceCaptures.label(capture))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: ours.path).sorted() == listed.map { $0["file"] as! String }.sorted())
    }

    @Test func webSocketPayloadsAreTheMessages() throws {
        let (folder, result) = try Self.export("Samples/websocket-deflate.pcap", ["--json"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let listed = try FilterCommandTests.objects(result.output)
        let messages = try HARExportTests.messages("Samples/websocket-deflate.pcap")
            .filter { ["text", "binary"].contains($0["opcode"] as? String) }
        #expect(listed.count == messages.count)
        for (object, message) in zip(listed, messages) {
            let data = try Data(contentsOf: folder.appendingPathComponent(object["file"] as! String))
            let expected = (message["text"] as? String).map { Data($0.utf8) } ?? Data(base64Encoded: message["data_base64"] as! String)!
            #expect(data == expected)
            #expect(object["packet"] as? Int == (message["packets"] as! [Int]).last)
            #expect(object["direction"] as? String == message["from"] as? String)
        }
    }

    @Test func theListingNamesEachFile() throws {
        let (folder, result) = try Self.export("Samples/socketio-upgrade.pcapng", ["-Y", #"websocket.text contains "probe" || http.response"#])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.status == 0)
        #expect(result.output == """
            stream 0  packet 6  http from server  text/plain  118 bytes  stream0-packet6-http-text_plain.txt
            stream 0  packet 10  websocket from client  text/plain  6 bytes  stream0-packet10-websocket-text.txt
            stream 0  packet 11  websocket from server  text/plain  6 bytes  stream0-packet11-websocket-text.txt

            """)
        #expect(try String(contentsOf: folder.appendingPathComponent("stream0-packet10-websocket-text.txt"), encoding: .utf8) == "2probe")
    }

    @Test func anUnwritableFolderIsAnError() throws {
        let result = try CommandRunner.run(["export", "objects", "Samples/websocket-plain.pcapng", "/proc/osiscope/objects"])
        #expect(result.status == 1)
        #expect(result.errors == "osiscope: cannot create /proc/osiscope/objects: No such file or directory\n")
    }
}
/// `-w`: the selected packets in a file tshark reads with the same packets and bytes.
@Suite(.serialized) struct WriteCommandTests {
    /// The packets as tshark reads them, rewritten by tshark as nanosecond pcap records (the
    /// file header, whose snap length tools choose freely, left out): times, lengths and bytes.
    static func tsharkPackets(_ arguments: [String]) throws -> [UInt8] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-tshark-\(UUID()).pcap").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        _ = try FilterCommandTests.tshark(arguments + ["-F", "nsecpcap", "-w", out])
        return Array(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out))).dropFirst(24))
    }

    @Test(arguments: ["websocket-deflate.pcap", "socketio-browser.pcapng", "websocket-ipv6.pcap"])
    func writtenPacketsReadBackInTshark(sample: String) throws {
        for (expression, suffix) in [("websocket || tcp.stream == 0", ".pcapng"), ("tcp.len > 0", ".pcap")] {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-w-\(UUID())\(suffix)").path
            defer { try? FileManager.default.removeItem(atPath: out) }
            let result = try CommandRunner.run(["packets", "Samples/" + sample, "-Y", expression, "-w", out])
            #expect(result.status == 0)
            #expect(result.output == "")
            let expected = try Self.tsharkPackets(["-r", "Samples/" + sample, "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", expression])
            #expect(expected.count > 1000)
            #expect(try Self.tsharkPackets(["-r", out]) == expected, "\(sample) -Y '\(expression)' -w \(suffix)")
        }
    }

    @Test func inspectWritesToStandardOutputForAPipe() throws {
        let result = try CommandRunner.run(["inspect", "Samples/websocket-plain.pcapng", "--packets", "1-3", "-w", "-"])
        #expect(result.status == 0)
        #expect(result.bytes.prefix(4) == [0x0A, 0x0D, 0x0D, 0x0A]) // a pcapng section header
        let path = try CommandRunner.temporaryFile(result.bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Self.tsharkPackets(["-r", path]) == Self.tsharkPackets(["-r", "Samples/websocket-plain.pcapng", "-Y", "frame.number <= 3"]))
    }

    @Test func writeUsageErrors() throws {
        let both = try CommandRunner.run(["packets", "Samples/websocket-plain.pcapng", "-w", "/tmp/x.pcapng", "-T", "fields", "-e", "tcp.port"])
        #expect(both.status == 64)
        #expect(both.errors.contains("-w writes packets, -T writes fields: choose one"))
        let nowhere = try CommandRunner.run(["packets", "Samples/websocket-plain.pcapng", "-w", "/nonexistent-folder/x.pcapng"])
        #expect(nowhere.status == 1)
        #expect(nowhere.errors == "osiscope: cannot write /nonexistent-folder/x.pcapng: No such file or directory\n")
    }
}
