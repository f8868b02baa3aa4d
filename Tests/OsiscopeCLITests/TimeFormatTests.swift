import Foundation
import Testing

/// `-t a|ad|r|d|e` in `packets` and `messages`, as tshark's `-t`, with absolute times in UTC.
@Suite struct TimeFormatTests {
    /// The timestamps of packets as `inspect --json` writes them.
    static func timestamps() throws -> [Decimal] {
        let result = try CommandRunner.run(["inspect", "Samples/http-keepalive.pcap", "--json"])
        return try result.output.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let text = try #require(object["timestamp"] as? String)
            return try #require(Decimal(string: text))
        }
    }

    static func times(_ arguments: [String]) throws -> [String] {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 0, "\(result.errors)")
        return result.output.split(separator: "\n").dropFirst(arguments[0] == "packets" ? 1 : 0).map { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // The date and the time of day are two words in the `ad` format.
            return arguments.contains("ad") ? "\(fields[1]) \(fields[2])" : String(fields[arguments[0] == "packets" ? 1 : 0])
        }
    }

    static func sixDecimals(_ value: Decimal) -> String {
        var value = value, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 6, .plain)
        let text = "\(rounded)"
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return "\(parts[0])." + fraction + String(repeating: "0", count: 6 - fraction.count)
    }

    @Test func packetTimes() throws {
        let stamps = try Self.timestamps()
        let arguments = ["packets", "Samples/http-keepalive.pcap", "--packets", "3-5", "--color", "never"]
        #expect(try Self.times(arguments + ["-t", "e"]) == stamps[2...4].map { Self.sixDecimals($0) })
        #expect(try Self.times(arguments + ["-t", "r"]) == stamps[2...4].map { Self.sixDecimals($0 - stamps[0]) })
        #expect(try Self.times(arguments + ["-t", "d"]) == ["0.000000"] + [3, 4].map { Self.sixDecimals(stamps[$0] - stamps[$0 - 1]) })
        let absolute = try Self.times(arguments + ["-t", "a"])
        let withDate = try Self.times(arguments + ["-t", "ad"])
        #expect(absolute.count == 3 && withDate.count == 3)
        for (time, dated) in zip(absolute, withDate) {
            #expect(dated.hasSuffix(" " + time))
            #expect(time.count == "13:46:31.967300".count)
            #expect(dated.count == "2026-11-25 13:46:31.967300".count)
        }
        // The time of day is the epoch time's, in UTC.
        let seconds = Int(truncating: NSDecimalNumber(decimal: stamps[2])) % 86_400
        #expect(absolute[0].hasPrefix(String(format: "%02d:%02d:%02d.", seconds / 3600, seconds / 60 % 60, seconds % 60)))
    }

    @Test func messageTimesAndBadFormats() throws {
        let epoch = try Self.times(["messages", "Samples/http-keepalive.pcap", "-t", "e", "--color", "never"])
        let json = try CommandRunner.run(["messages", "Samples/http-keepalive.pcap", "--json"])
        let stamps = try json.output.split(separator: "\n").map { line -> String in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object?["timestamp"] as? String)
        }
        #expect(epoch == stamps.map { Self.sixDecimals(Decimal(string: $0)!) })
        let bad = try CommandRunner.run(["packets", "Samples/http-keepalive.pcap", "-t", "x"])
        #expect(bad.status == 64)
    }
}
