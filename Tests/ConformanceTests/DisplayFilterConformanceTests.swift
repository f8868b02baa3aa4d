import Foundation
import Testing
import OsiscopeFilter
import OsiscopeTestSupport
import OsiscopeWire

/// Issue 11's check: for every expression of Oracle/filter-expressions.txt, on every sample and
/// corpus capture, the packets `-Y` keeps are exactly the ones `tshark -Y` keeps (with
/// out-of-order reassembly on). tshark's answers are stored in Oracle/filters.json by
/// scripts/filter-oracle, with tshark's version, so CI need not run tshark 2,000 times.
@Suite struct DisplayFilterConformanceTests {
    struct Oracle: Decodable {
        struct Capture: Decodable {
            var packets: Int
            var matches: [String: String]
        }
        var tshark_version: String
        var expressions: [String]
        var captures: [String: Capture]
    }

    static let oracle: Oracle = {
        let url = Bundle.module.url(forResource: "filters", withExtension: "json", subdirectory: "Oracle")!
        return try! JSONDecoder().decode(Oracle.self, from: Data(contentsOf: url))
    }()

    /// Where osiscope and tshark 4.0.17 disagree, keyed by "capture | expression", each said once.
    static let knownDifferences: [String: String] = [:]

    @Test func theOracleWasMadeFromTheExpressionList() throws {
        let url = Bundle.module.url(forResource: "filter-expressions", withExtension: "txt", subdirectory: "Oracle")!
        let listed = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(Self.oracle.expressions == listed, "run scripts/filter-oracle after changing the list")
        #expect(Self.oracle.tshark_version.hasPrefix("TShark (Wireshark) 4.0"))
        #expect(listed.count >= 30)
        for name in ["eth", "ip.", "ipv6", "tcp.", "http.", "websocket."] {
            #expect(listed.contains { $0.contains(name) }, "no expression uses \(name)")
        }
    }

    @Test func everyCaptureHasTsharksAnswers() {
        let labels = Set(ConformanceCaptures.all.map(ConformanceCaptures.label))
        #expect(labels.subtracting(Self.oracle.captures.keys).isEmpty, "run scripts/filter-oracle for the new captures")
        #expect(labels.filter { $0.hasPrefix("Samples/") }.count == 15)
    }

    @Test(arguments: ConformanceCaptures.all)
    func matchesEqualTsharks(path: String) throws {
        let label = ConformanceCaptures.label(path)
        let answers = try #require(Self.oracle.captures[label])
        let filters = try Self.oracle.expressions.map { try DisplayFilter($0) }
        let keys = filters.reduce(into: Set<String>()) { $0.formUnion($1.keys) }
        var matched = Array(repeating: [Int](), count: filters.count)
        let recording = try PipelineRecording.record(path: path)
        #expect(recording.packets.count == answers.packets)
        for packet in recording.packets {
            let fields = PacketFields.gather(packet, keys: keys)
            for (index, filter) in filters.enumerated() where filter.matches(fields) {
                matched[index].append(packet.packet.number)
            }
        }
        for (index, expression) in Self.oracle.expressions.enumerated() {
            let expected = Self.numbers(answers.matches[expression] ?? "")
            let found = matched[index]
            guard found != expected else { continue }
            let difference = "only osiscope: \(Self.ranges(found.filter { !expected.contains($0) })); "
                + "only tshark: \(Self.ranges(expected.filter { !found.contains($0) }))"
            let known = Self.knownDifferences["\(label) | \(expression)"]
            #expect(known == difference, "\(label): -Y '\(expression)': \(difference)")
        }
    }

    /// "1-3,7" -> [1, 2, 3, 7].
    static func numbers(_ ranges: String) -> [Int] {
        ranges.split(separator: ",").flatMap { part -> [Int] in
            let ends = part.split(separator: "-").compactMap { Int($0) }
            return ends.count == 2 ? Array(ends[0]...ends[1]) : ends
        }
    }

    static func ranges(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        while index < numbers.count {
            var end = index
            while end + 1 < numbers.count, numbers[end + 1] == numbers[end] + 1 { end += 1 }
            parts.append(end == index ? "\(numbers[index])" : "\(numbers[index])-\(numbers[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
