import Foundation
import Testing
import OsiscopeStreams
import OsiscopeWire

/// `osiscope fields`: the registry as users and scripts see it, and `--decode-as` for every row.
@Suite struct FieldsCommandTests {
    static func rows(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try CommandRunner.run(["fields", "--json"] + arguments)
        #expect(result.status == 0, "\(result.errors)")
        return try result.output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// Every row names itself and its protocol; field rows have a label, an OSI layer and a
    /// blurb and never a severity; diagnostic rows have a severity and a message. The rows are
    /// exactly the registry's, in its order.
    @Test func jsonRowsFollowTheContract() throws {
        let rows = try Self.rows([])
        let expected = Registry.protocols.flatMap { registry in
            registry.fields.map { "\(registry.name) \($0.descriptor.key)" } + registry.diagnostics.map { "\(registry.name) \($0.key)" }
        }
        #expect(rows.map { "\($0["protocol"] as? String ?? "?") \($0["name"] as? String ?? "?")" } == expected)
        for row in rows {
            if row["severity"] != nil {
                #expect(["note", "warning", "error"].contains(row["severity"] as? String), "\(row)")
                #expect((row["message"] as? String)?.isEmpty == false, "\(row)")
                #expect(row["label"] == nil && row["blurb"] == nil, "\(row)")
            } else {
                #expect((row["label"] as? String)?.isEmpty == false, "\(row)")
                #expect((row["blurb"] as? String)?.isEmpty == false, "\(row)")
                #expect((1...7).contains(row["osi"] as? Int ?? 0), "\(row)")
                #expect((row["offset"] == nil) == (row["length"] == nil), "\(row)")
            }
        }
    }

    /// A fixed field carries its place and mask: the TCP SYN bit is in bytes 12–13 under 0x2.
    @Test func oneProtocolWithPlacesAndMasks() throws {
        let rows = try Self.rows(["tcp"])
        #expect(Set(rows.compactMap { $0["protocol"] as? String }) == ["tcp"])
        let syn = try #require(rows.first { $0["name"] as? String == "tcp.flags.syn" })
        #expect(syn["offset"] as? Int == 12)
        #expect(syn["length"] as? Int == 2)
        #expect(syn["mask"] as? String == "0x2")
        #expect(syn["osi"] as? Int == 4)
        let retransmission = try #require(rows.first { $0["name"] as? String == "tcp.analysis.retransmission" })
        #expect(retransmission["severity"] as? String == "note")
        let text = try CommandRunner.run(["fields", "udp", "--color", "never"])
        let lines = text.output.split(separator: "\n")
        #expect(lines.first == "udp · Layer 4 · User Datagram Protocol")
        #expect(lines.dropFirst().first?.hasPrefix("  udp.srcport ") == true)
        #expect(lines.dropFirst().first?.hasSuffix(" Source Port  [bytes 0–1]") == true)
    }

    @Test func unknownProtocolIsAUsageError() throws {
        let result = try CommandRunner.run(["fields", "smtp"])
        #expect(result.status == 64)
        #expect(result.errors.contains("no protocol 'smtp'; known: frame, eth,"))
    }

    /// `--decode-as` takes any row of the decoder table, and says which exist otherwise.
    @Test func decodeAsNamesAnyDecoder() throws {
        // Forced beats the HTTP start line: the keep-alive HTTP sample read as WebSocket, not guessed.
        let forced = try CommandRunner.run(["streams", "Samples/http-keepalive.pcap", "--json", "--decode-as", "8080=websocket"])
        #expect(forced.status == 0, "\(forced.errors)")
        #expect(forced.output.hasPrefix(#"{"stream":0,"protocol":"websocket","guessed":false,"#), "\(forced.output)")
        let http = try CommandRunner.run(["streams", "Samples/http-keepalive.pcap", "--json", "--decode-as", "8080=http"])
        #expect(http.output.hasPrefix(#"{"stream":0,"protocol":"http","guessed":false,"#), "\(http.output)")
        let bad = try CommandRunner.run(["streams", "Samples/websocket-ipv6.pcap", "--decode-as", "8767=smtp"])
        #expect(bad.status == 64)
        #expect(bad.errors.contains("PROTOCOL one of http, websocket"), "\(bad.errors)")
    }
}
