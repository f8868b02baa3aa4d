import OsiscopeWire
import Foundation
import OsiscopeTestSupport

extension Tshark {
    /// Every occurrence of each field, per packet, keyed by frame number: tshark's
    /// `-T json -e …` output, which lists all occurrences (several WebSocket frames in one
    /// packet) and escapes text as JSON, so a text holding commas, tabs or line breaks comes
    /// back exactly as it was sent (`-T fields` writes CR LF as the four characters `\r\n`).
    /// Packets without any of the fields are left out; `filter` is a display filter (`-Y`).
    static func occurrences(_ names: [String], filter: String, of path: String) throws -> [Int: [String: [String]]] {
        guard let executable else { throw TsharkMissing() }
        // Out-of-order reassembly on, as ANCHORS.md measured it must be for a fair reference.
        let result = try ChildProcess.run(executable, ["-n", "-r", path, "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", filter,
                                                       "-T", "json", "-e", "frame.number"] + names.flatMap { ["-e", $0] })
        guard result.status == 0 else { throw TsharkFailed(path: path, status: result.status) }
        let data = result.output
        var rows: [Int: [String: [String]]] = [:]
        guard !data.isEmpty, let packets = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return rows }
        for packet in packets {
            guard let source = packet["_source"] as? [String: Any], let layers = source["layers"] as? [String: [String]],
                  let number = layers["frame.number"]?.first.flatMap({ Int($0) }) else { continue }
            rows[number] = layers.filter { $0.key != "frame.number" }
        }
        return rows
    }

    /// A one-bit field as tshark writes it: "1"/"0" in 4.0.17, "True"/"False" in other versions.
    static func flag(_ value: String) -> Bool? {
        switch value.lowercased() {
        case "1", "true": true
        case "0", "false": false
        default: nil
        }
    }

    struct TsharkFailed: Error, CustomStringConvertible {
        var path: String
        var status: Int32
        var description: String { "tshark failed on \(path) (exit status \(status))" }
    }
}
