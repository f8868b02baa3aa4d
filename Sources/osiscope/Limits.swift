import ArgumentParser
import OsiscopeStreams
import OsiscopeViews

struct Limits: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the decoding limits: what each bounds, its default, and the diagnostic a capture that reaches it gets.",
        discussion: """
        Every command that decodes streams takes '--limit NAME=VALUE' (repeatable) to change one.
        A capture that reaches a limit is decoded on, with the diagnostic named here where it
        happened; nothing a capture holds makes memory grow past these bounds.

        Examples:
          osiscope limits
          osiscope messages app.pcapng --limit engine.io.payload_bytes=8000000
          osiscope messages big.pcap --json -Y 'tcp.reassembly.limit || engine.io.payload.limit'
        """)

    @Flag(help: "One JSON object per limit: name, default, unit, meaning, diagnostic.")
    var json = false

    func run() throws {
        let defaults = StreamOptions()
        let out = Output()
        let width = DecodingLimit.all.map(\.name.count).max() ?? 0
        for limit in DecodingLimit.all {
            let value = limit.value(in: defaults)
            if json {
                var object = JSONWriter()
                object.add("name", limit.name)
                object.add("default", value)
                object.add("unit", limit.unit)
                object.add("meaning", limit.meaning)
                object.add("diagnostic", limit.diagnostic)
                out.writeLine(object.finished())
            } else {
                let padded = limit.name.padding(toLength: width, withPad: " ", startingAt: 0)
                out.writeLine("\(padded)  \(value) \(limit.unit): \(limit.meaning) [\(limit.diagnostic)]")
            }
        }
        out.flush()
    }
}
