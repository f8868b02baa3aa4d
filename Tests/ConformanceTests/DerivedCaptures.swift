import OsiscopeTestSupport
import Foundation

/// Captures made from the samples with Wireshark's own editing tools, so that the TCP analysis
/// comparison also meets loss, duplicates, reordering and a missed handshake, which the
/// recorded captures (clean loopback traffic) hardly have. Made on first use in one temporary
/// folder and kept there until a sample changes; never committed.
enum DerivedCaptures {
    enum Change: String, CaseIterable, Sendable {
        /// Every fifth packet from the fourth on dropped: lost segments and ACKs of unseen bytes.
        case thinned
        /// Every packet again 0.2 ms later: retransmissions, duplicate ACKs, spurious retransmissions.
        case doubled
        /// Packets 6 to 9 held back 2 ms behind the ones after them: out-of-order segments.
        case delayed
        /// The first five packets cut: no handshake, so window scaling is unknown.
        case midStream
    }

    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-derived")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Every change of every sample: "thinned:/path/Samples/x.pcap".
    static var all: [String] {
        ConformanceCaptures.all.filter { $0.contains("/Samples/") }.flatMap { path in
            Change.allCases.map { "\($0.rawValue):\(path)" }
        }
    }

    /// The derived file for "change:path", made on first use.
    static func make(_ spec: String) throws -> String {
        let colon = spec.firstIndex(of: ":")!
        let change = Change(rawValue: String(spec[..<colon]))!, source = String(spec[spec.index(after: colon)...])
        let name = change.rawValue + "-" + URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent + ".pcapng"
        let final = folder.appendingPathComponent(name).path
        if isNewer(final, than: source) { return final }
        // Made under names of this process and renamed into place, so that two test runs at once
        // or one killed half-way never leave a half-written capture behind for the next run.
        let output = final + ".\(getpid()).part", scratch = output + ".1", other = output + ".2"
        defer { for leftover in [output, scratch, other] { try? FileManager.default.removeItem(atPath: leftover) } }
        switch change {
        case .thinned:
            try run("editcap", ["-F", "pcapng", source, output] + stride(from: 4, through: 400, by: 5).map(String.init))
        case .doubled:
            try run("editcap", ["-F", "pcapng", "-t", "0.0002", source, scratch])
            try run("mergecap", ["-F", "pcapng", "-w", output, source, scratch])
        case .delayed:
            try run("editcap", ["-F", "pcapng", "-r", "-t", "0.002", source, scratch, "6-9"])
            try run("editcap", ["-F", "pcapng", source, other, "6-9"])
            try run("mergecap", ["-F", "pcapng", "-w", output, other, scratch])
        case .midStream:
            try run("editcap", ["-F", "pcapng", source, output, "1-5"])
        }
        guard rename(output, final) == 0 else { throw ToolFailed(description: "cannot rename \(output) to \(final)") }
        return final
    }

    private static func isNewer(_ path: String, than source: String) -> Bool {
        let attributes = { (path: String) in try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date }
        guard let made = attributes(path), let changed = attributes(source) else { return false }
        return made >= changed
    }

    static func label(_ spec: String) -> String {
        let colon = spec.firstIndex(of: ":")!
        return String(spec[..<colon]) + " " + ConformanceCaptures.label(String(spec[spec.index(after: colon)...]))
    }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        guard try ChildProcess.run("/usr/bin/" + tool, arguments).status == 0 else { throw ToolFailed(description: "\(tool) \(arguments) failed") }
    }

    struct ToolFailed: Error, CustomStringConvertible { var description: String }
}
