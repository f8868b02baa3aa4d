import Foundation
import OsiscopeTestSupport

/// Runs the built `osiscope` binary as a user would, capturing its output and exit status.
enum CommandRunner {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The binary sits next to the test bundle in the build folder.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("osiscope")
    }

    struct Result {
        var status: Int32
        var output: String
        var errors: String
        /// Standard output as bytes (a capture written to it).
        var bytes: [UInt8] = []
    }

    static func run(_ arguments: [String], input: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        for (key, value) in environment { env[key] = value }
        return try execute(binary, arguments, input: input, environment: env)
    }

    /// Any program, from the repository root: its status, standard output and errors.
    static func execute(_ executable: URL, _ arguments: [String], input: Data? = nil,
                        environment: [String: String]? = nil, seconds: Double = 300) throws -> Result {
        let result = try ChildProcess.run(executable.path, arguments, input: input, environment: environment,
                                          directory: root, seconds: seconds)
        return Result(status: result.status, output: result.text, errors: result.errorText, bytes: [UInt8](result.output))
    }

    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-cli-\(UUID()).bin").path
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw CocoaError(.fileWriteUnknown) }
        return path
    }
}
