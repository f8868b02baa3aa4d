import ArgumentParser
import OsiscopeCapture
import OsiscopeViews

struct Interfaces: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the interfaces 'capture' can read: name, description, addresses, up, loopback (as tshark -D).",
        discussion: """
        The number before each name can be given to 'capture -i' instead of the name.

        Examples:
          osiscope interfaces
          osiscope interfaces --json | jq -r 'select(.loopback) | .name'
        """)

    @Flag(help: "One JSON object per interface: index, name, description, addresses, up, running, loopback, wireless.")
    var json = false

    func run() throws {
        let interfaces = try Self.list()
        let out = Output()
        for (index, interface) in interfaces.enumerated() {
            out.writeLine(json ? Self.json(interface, index: index + 1) : Self.line(interface, index: index + 1))
        }
        out.flush()
    }

    static func list() throws -> [CaptureInterface] {
        do {
            return try CaptureInterface.all()
        } catch {
            printError("cannot list interfaces: \(error.message)")
            throw ExitStatus.cannotRead
        }
    }

    /// "1. lo (Loopback) [up, running, loopback] 127.0.0.1 ::1"
    static func line(_ interface: CaptureInterface, index: Int) -> String {
        let states = [(interface.isUp, "up"), (interface.isRunning, "running"), (interface.isLoopback, "loopback"),
                      (interface.isWireless, "wireless")].filter(\.0).map(\.1)
        var text = "\(index). \(interface.name)"
        if let description = interface.description { text += " (\(TerminalSafe.text(description)))" }
        if !states.isEmpty { text += " [\(states.joined(separator: ", "))]" }
        if !interface.addresses.isEmpty { text += " " + interface.addresses.joined(separator: " ") }
        return text
    }

    static func json(_ interface: CaptureInterface, index: Int) -> String {
        var json = JSONWriter()
        json.add("index", index)
        json.add("name", interface.name)
        if let description = interface.description { json.add("description", description) } else { json.addNull("description") }
        json.addArray("addresses", interface.addresses.map { "\"" + $0 + "\"" })
        json.add("up", interface.isUp)
        json.add("running", interface.isRunning)
        json.add("loopback", interface.isLoopback)
        json.add("wireless", interface.isWireless)
        return json.finished()
    }
}
