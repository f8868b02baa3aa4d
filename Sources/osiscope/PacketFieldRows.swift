import OsiscopeFilter
import OsiscopeViews

/// `packets` and `inspect` with -T: the fields named with -e, for each packet selected.
struct PacketFieldRows {
    let file: String
    let selection: PacketSelectionOptions
    let streams: StreamDecodingOptions
    let output: FieldOutputOptions
    let columns: FieldColumns

    func run() throws {
        let choice = try selection.choice()
        let run = try CaptureRun(file: file, events: selection.decodesAll ? [.packets, .shownPackets] : .packets,
                                 streams: try streams.streamOptions(), showsProgress: false, threads: streams.decodingThreads)
        let out = run.makeOutput()
        if let header = output.header(columns) { out.writeLine(header) }
        let output = output, columns = columns
        var shown = 0
        let damage = run.forEach(prepare: { event -> (number: Int, line: String?)? in
            guard case .packet(let packet) = event else { return nil }
            guard let decoded = choice.decodedIfShown(packet) else { return (packet.packet.number, nil) }
            return (packet.packet.number, output.render(columns, PacketFields.gather(decoded, keys: columns.keys)))
        }) { packet in
            if choice.isPast(packet.number) { return false }
            guard let line = packet.line else { return true }
            out.writeLine(line)
            shown += 1
            return true
        }
        try run.finish(damage, output: out)
        try run.checkStream(selection.stream)
        try selection.checkShown(shown, run)
    }
}
