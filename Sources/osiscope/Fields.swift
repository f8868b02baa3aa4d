import ArgumentParser
import OsiscopeStreams
import OsiscopeViews

struct Fields: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the fields and diagnostics osiscope can report, per protocol (like tshark -G fields).",
        discussion: """
        Each field has its filter key, its label, its OSI layer, a sentence on what it is for, \
        and, where it always sits at the same place in its header, its bytes and bit mask. \
        Diagnostics have their key, severity and meaning.

        Examples:
          osiscope fields tcp
          osiscope fields --json | jq -r 'select(.severity) | .name'
        """)

    @Argument(help: ArgumentHelp("Only this protocol: \(Registry.protocols.map(\.name).joined(separator: ", ")).",
                                 valueName: "protocol"))
    var protocolName: String?

    @Flag(name: .long, help: "Print JSON Lines: one object per field or diagnostic.")
    var json = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        var registries = Registry.protocols
        if let protocolName {
            guard let registry = Registry.registry(named: protocolName) else {
                printError("no protocol '\(protocolName)'; known: \(Registry.protocols.map(\.name).joined(separator: ", "))")
                throw ExitStatus.usage
            }
            registries = [registry]
        }
        let out = Output()
        let view = RegistryView(style: output.style, width: terminalWidth())
        for (index, registry) in registries.enumerated() {
            if json {
                for line in RegistryView.json(registry) { out.write(line + "\n") }
            } else {
                out.write((index > 0 ? "\n" : "") + view.render(registry))
            }
        }
        out.flush()
    }
}
