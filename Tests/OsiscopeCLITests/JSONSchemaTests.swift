import Foundation
import Testing
import OsiscopeTestSupport

/// Every JSON Lines output, on every sample and corpus capture, validates against its schema in
/// Sources/osiscope/Schemas (scripts/check-json-schema); and each schema refuses a line with a
/// key missing or of the wrong type, so the check can fail.
@Suite(.serialized) struct JSONSchemaTests {
    static let schemas = CommandRunner.root.appendingPathComponent("Sources/osiscope/Schemas")

    /// Schema name and the commands whose output it describes; F is the capture, D a new folder.
    static let commands: [(String, [String])] = [
        // The first packets of each capture: the packet schema checks every field by its name,
        // which costs Python's validator about a millisecond a packet.
        ("inspect", ["inspect", "F", "--json", "--packets", "1-12"]),
        ("messages", ["messages", "F", "--json", "--bodies"]),
        ("streams", ["streams", "F", "--json"]),
        ("stats", ["stats", "F", "--json"]),
        ("sessions", ["sessions", "F", "--json"]),
        ("timeline", ["timeline", "F", "--json"]),
        ("field-output", ["packets", "F", "-T", "json", "-e", "frame.number", "-e", "frame.time_epoch", "-e", "ip.src", "-e", "ipv6.src",
                          "-e", "tcp.srcport", "-e", "tcp.flags", "-e", "websocket.opcode", "-e", "websocket.masking_key", "-e", "http.request.uri"]),
        ("field-output", ["messages", "F", "-T", "json", "-e", "websocket.text", "-e", "websocket.opcode", "-e", "http.status",
                          "-e", "socket.io.event", "-e", "engine.io.type"]),
        ("export-objects", ["export", "objects", "F", "D", "--json"]),
    ]

    static func check(_ schema: String, _ files: [String]) throws -> (status: Int32, output: String) {
        try runScript(["python3", "scripts/check-json-schema", schemas.appendingPathComponent("\(schema).schema.json").path] + files)
    }

    @Test func everyOutputOfEveryCaptureValidates() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-schemas-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var outputs: [String: Data] = [:]
        for (index, capture) in ConformanceCaptures.all.enumerated() {
            for (schema, command) in Self.commands {
                let objects = folder.appendingPathComponent("objects-\(index)").path
                let arguments = command.map { $0 == "F" ? capture : $0 == "D" ? objects : $0 }
                let result = try CommandRunner.run(arguments)
                #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.errors)")
                outputs[schema, default: Data()].append(Data(result.output.utf8))
                try? FileManager.default.removeItem(atPath: objects)
            }
        }
        // One sample whole: handshake, every opcode, fragments, masks, a 70,000-byte message.
        outputs["inspect", default: Data()].append(Data(try CommandRunner.run(["inspect", "Samples/websocket-plain.pcapng", "--json"]).output.utf8))
        let samples = ConformanceCaptures.all.filter { $0.contains("/Samples/") }
        outputs["compare"] = Data(try CommandRunner.run(["compare"] + samples + ["--json"]).output.utf8)
        outputs["fields"] = Data(try CommandRunner.run(["fields", "--json"]).output.utf8)
        outputs["limits"] = Data(try CommandRunner.run(["limits", "--json"]).output.utf8)
        #expect(outputs.count == 11)
        for (schema, data) in outputs.sorted(by: { $0.key < $1.key }) {
            let file = folder.appendingPathComponent("\(schema).jsonl")
            try data.write(to: file)
            let lines = data.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            #expect(lines > 5, "\(schema): \(lines) lines")
            let checked = try Self.check(schema, [file.path])
            #expect(checked.status == 0, "\(schema): \(checked.output)")
        }
    }

    /// One real line per schema, broken two ways.
    @Test(arguments: [
        ("inspect", ["inspect", "Samples/websocket-plain.pcapng", "--json", "--packet", "8"], "number"),
        ("messages", ["messages", "Samples/websocket-plain.pcapng", "--json", "--protocol", "websocket"], "opcode"),
        ("streams", ["streams", "Samples/websocket-plain.pcapng", "--json"], "client"),
        ("stats", ["stats", "Samples/websocket-plain.pcapng", "--json"], "turns"),
        ("sessions", ["sessions", "Samples/socketio-upgrade.pcapng", "--json"], "sid"),
        ("timeline", ["timeline", "Samples/websocket-plain.pcapng", "--json"], "seconds"),
        ("fields", ["fields", "tcp", "--json"], "name"),
        ("limits", ["limits", "--json"], "default"),
        ("export-objects", ["export", "objects", "Samples/socketio-upgrade.pcapng", "D", "--json"], "file"),
    ])
    func aBrokenLineIsRefused(schema: String, command: [String], key: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-schema-break-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try CommandRunner.run(command.map { $0 == "D" ? folder.path : $0 }).output
        let line = try #require(output.split(separator: "\n").first)
        var object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object[key] != nil, "\(schema) has \(key)")
        let good = try CommandRunner.temporaryFile(Array(line.utf8))
        object[key] = nil
        let missing = try CommandRunner.temporaryFile(Array(try JSONSerialization.data(withJSONObject: object)))
        object[key] = ["a wrong type"]
        let wrongType = try CommandRunner.temporaryFile(Array(try JSONSerialization.data(withJSONObject: object)))
        defer { for file in [good, missing, wrongType] { try? FileManager.default.removeItem(atPath: file) } }
        #expect(try Self.check(schema, [good]).status == 0)
        let refusedMissing = try Self.check(schema, [missing])
        #expect(refusedMissing.status == 1)
        #expect(refusedMissing.output.contains("'\(key)' is a required property"), "\(refusedMissing.output)")
        #expect(try Self.check(schema, [wrongType]).status == 1)
    }
}
