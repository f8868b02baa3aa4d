import OsiscopeWire
import Foundation

/// Runs tshark, the reference decoder, and returns its `-T fields` rows.
enum Tshark {
    static let executable: String? = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// One dictionary per packet, holding the fields that have a value (first occurrence only,
    /// so an ICMP error's quoted header does not replace the outer one).
    static func fields(_ names: [String], of path: String) throws -> [[String: String]] {
        guard let executable else { throw TsharkMissing() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // Out-of-order reassembly on, as ANCHORS.md measured it must be for a fair reference.
        process.arguments = ["-n", "-r", path, "-o", "tcp.reassemble_out_of_order:TRUE", "-T", "fields",
                             "-E", "occurrence=f", "-E", "separator=\t"] + names.flatMap { ["-e", $0] }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
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

