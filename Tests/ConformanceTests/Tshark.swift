import OsiscopeWire
import Foundation
import OsiscopeTestSupport

/// Runs tshark, the reference decoder, and returns its `-T fields` rows.
enum Tshark {
    static let executable: String? = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// One dictionary per packet, holding the fields that have a value (first occurrence only,
    /// so an ICMP error's quoted header does not replace the outer one).
    static func fields(_ names: [String], of path: String) throws -> [[String: String]] {
        guard let executable else { throw TsharkMissing() }
        // Out-of-order reassembly on, as ANCHORS.md measured it must be for a fair reference.
        let text = try ChildProcess.run(executable, ["-n", "-r", path, "-o", "tcp.reassemble_out_of_order:TRUE", "-T", "fields",
                                                     "-E", "occurrence=f", "-E", "separator=\t"] + names.flatMap { ["-e", $0] }).text
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            var row: [String: String] = [:]
            for (name, value) in zip(names, line.split(separator: "\t", omittingEmptySubsequences: false)) where !value.isEmpty {
                row[name] = String(value)
            }
            return row
        }
    }

    struct TsharkMissing: Error, CustomStringConvertible {
        var description: String { "tshark is not installed: run the README's set-up command (apt-get install tshark)" }
    }
}

