import ArgumentParser
import OsiscopeFilter

/// `-Y`, as tshark's: a display filter in Wireshark's language.
struct DisplayFilterOptions: ParsableArguments {
    @Option(name: .customShort("Y"), help: ArgumentHelp(
        "Show only what matches this display filter (Wireshark's language, e.g. 'websocket.opcode == 8', 'http.time > 0.2').",
        valueName: "filter"))
    var expression: String?

    /// The filter compiled against these names; a bad one is reported with a caret under
    /// the problem, exit status 64.
    func compile(_ catalog: FieldCatalog = .packets) throws -> DisplayFilter? {
        guard let expression else { return nil }
        do {
            return try DisplayFilter(expression, catalog: catalog)
        } catch {
            printError("-Y: " + error.rendered(expression: expression))
            throw ExitStatus.usage
        }
    }
}
