import Foundation

/// The captures the conformance tests run on: every sample, and the shared corpus when present.
public enum ConformanceCaptures {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public static var all: [String] {
        let folders = [root.appendingPathComponent("Samples"), root.deletingLastPathComponent().appendingPathComponent("shared/corpus")]
        var files: [String] = []
        for folder in folders {
            guard let walker = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let name as String in walker where name.hasSuffix(".pcap") || name.hasSuffix(".pcapng") {
                files.append(folder.appendingPathComponent(name).path)
            }
        }
        return files.sorted()
    }

    /// A short name for test output: "Samples/x.pcap" or "corpus/zeek/y.pcap".
    public static func label(_ path: String) -> String {
        path.replacingOccurrences(of: root.path + "/", with: "")
            .replacingOccurrences(of: root.deletingLastPathComponent().path + "/shared/", with: "")
    }
}
