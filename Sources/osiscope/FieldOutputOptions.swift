import ArgumentParser
import OsiscopeFilter
import OsiscopeViews

/// `-T fields|json -e NAME … -E option=value`, as tshark's.
struct FieldOutputOptions: ParsableArguments {
    enum Kind: String, ExpressibleByArgument, CaseIterable { case fields, json }

    @Option(name: .customShort("T"), help: ArgumentHelp(
        "Write only the fields named with -e: 'fields' as tab-separated lines (as tshark -T fields), 'json' as one object per line keyed by field name.",
        valueName: "fields|json"))
    var kind: Kind?

    @Option(name: .customShort("e"), help: ArgumentHelp("A field to write with -T (repeatable; see 'osiscope fields').", valueName: "field"))
    var names: [String] = []

    @Option(name: .customShort("E"), help: ArgumentHelp(
        "How -T fields writes: separator=/t|/s|TEXT, aggregator=,|/s|TEXT, header=y|n, quote=d|s|n, occurrence=f|l|a|N (repeatable).",
        valueName: "option=value"))
    var options: [String] = []

    func validate() throws {
        if kind == nil && (!names.isEmpty || !options.isEmpty) { throw ValidationError("-e and -E choose what -T writes: add -T fields or -T json") }
    }

    /// The columns, checked against the names the command knows; nil without -T.
    func columns(_ catalog: FieldCatalog) throws -> FieldColumns? {
        guard kind != nil else { return nil }
        do {
            return try FieldColumns(names: names, options: options, catalog: catalog)
        } catch {
            printError(error.description)
            throw ExitStatus.usage
        }
    }

    /// The header line when asked for (text output only), then each subject's line.
    func render(_ columns: FieldColumns, _ set: FieldSet) -> String {
        kind == .json ? columns.json(set) : columns.line(set)
    }

    func header(_ columns: FieldColumns) -> String? {
        kind == .fields && columns.header ? columns.headerLine() : nil
    }
}
