import OsiscopeWire
import Foundation
import Testing

/// Compares rendered text with a file in Golden/. Run with OSISCOPE_UPDATE_GOLDEN=1 to write
/// the files anew after a deliberate change (then review the diff before committing).
enum GoldenFile {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    static func check(_ text: String, against name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["OSISCOPE_UPDATE_GOLDEN"] == "1" {
            let old = try? String(contentsOf: url, encoding: .utf8)
            guard old != text else { return }
            try text.write(to: url, atomically: true, encoding: .utf8)
            // A rewrite is never a pass: the run fails and names each file it rewrote.
            Issue.record("rewrote golden file \(name): review the diff, then run the tests again", sourceLocation: sourceLocation)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if text != expected {
            let got = text.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
            Issue.record("""
                \(name) differs at line \(line + 1):
                  got:  \(line < got.count ? String(got[line]) : "<end>")
                  want: \(line < want.count ? String(want[line]) : "<end>")
                """, sourceLocation: sourceLocation)
        }
    }
}
