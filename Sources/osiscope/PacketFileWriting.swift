#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import OsiscopeCapture

/// `-w FILE` on `packets` and `inspect`: the packets selected (by number, stream, -f and -Y)
/// written to a capture file instead of shown, as tshark -w does.
struct CaptureWriteOptions: ParsableArguments {
    @Option(name: .customShort("w"), help: ArgumentHelp(
        "Write the selected packets to this capture file instead of showing them: pcapng, or pcap when the name ends in .pcap; '-' for standard output.",
        valueName: "file"))
    var path: String?
}

struct PacketFileWriting {
    let file: String
    let path: String
    let selection: PacketSelectionOptions
    let streams: StreamDecodingOptions

    func run() throws {
        if path == "-" && isatty(STDOUT_FILENO) == 1 {
            printError("-w -: standard output is a terminal; redirect it to a file or a pipe")
            throw ExitStatus.usage
        }
        let choice = try selection.choice()
        let run = try CaptureRun(file: file, events: .packets, streams: try streams.streamOptions(), showsProgress: path != "-",
                                 threads: streams.decodingThreads)
        let writer: CaptureWriter
        do {
            writer = try CaptureWriter(path: path)
        } catch {
            printError(error.reason)
            throw ExitStatus.cannotRead
        }
        var written = 0
        var failure: CaptureError?
        let damage = run.forEach(prepare: { event -> (number: Int, packet: CapturedPacket?)? in
            guard case .packet(let packet) = event else { return nil }
            return (packet.packet.number, choice.passes(packet) ? packet.packet : nil)
        }) { (item: (number: Int, packet: CapturedPacket?)) -> Bool in
            if choice.isPast(item.number) { return false }
            guard let packet = item.packet else { return true }
            do {
                try writer.write(packet)
            } catch {
                failure = error as? CaptureError ?? CaptureError(.io, at: 0, "\(error)")
                return false
            }
            written += 1
            return true
        }
        do {
            try writer.flush()
        } catch {
            failure = failure ?? error
        }
        if let failure {
            printError(failure.reason)
            throw ExitStatus.cannotRead
        }
        run.progress?.clear()
        try run.finish(damage, output: run.makeOutput())
        try run.checkStream(selection.stream)
        try selection.checkShown(written, run)
    }
}
