#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a capture's packets are written as they come: one file, or a ring of files.
public protocol PacketWriter: AnyObject {
    func write(_ packet: CapturedPacket) throws(CaptureError)
    /// Everything written so far is in the file (or files), readable by other tools.
    func flush() throws(CaptureError)
}

extension CaptureWriter: PacketWriter {}

/// A ring buffer of capture files, as dumpcap's `-b filesize:…,files:…`: a new file once the
/// current one reaches its size, the oldest deleted when there are more than `files`. Names are
/// dumpcap's: `out_00001_20261204183000.pcapng` for `-w out.pcapng`.
public final class RingWriter: PacketWriter {
    public let fileBytes: Int
    public let files: Int?
    private let stem: String
    private let suffix: String
    private var current: CaptureWriter?
    private var sequence = 0
    /// The files written, oldest first (those the ring deleted are gone from it).
    public private(set) var paths: [String] = []
    public var interfaceNames: [Int: String] = [:]

    public init(path: String, fileBytes: Int, files: Int?) {
        self.fileBytes = max(1, fileBytes)
        self.files = files
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        if let dot = path[slash...].lastIndex(of: ".") {
            stem = String(path[..<dot])
            suffix = String(path[dot...])
        } else {
            stem = path
            suffix = ".pcapng"
        }
    }

    public func write(_ packet: CapturedPacket) throws(CaptureError) {
        if current == nil || current!.bytesWritten >= fileBytes { try open(at: packet.timestamp) }
        try current!.write(packet)
    }

    public func flush() throws(CaptureError) { try current?.flush() }

    /// The name of the ring's file number `sequence` started at `time`.
    public static func name(stem: String, sequence: Int, time: Timestamp, suffix: String) -> String {
        var seconds = time_t(time.seconds)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ count: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, count - text.count)) + text
        }
        let number = String(sequence)
        return stem + "_" + String(repeating: "0", count: max(0, 5 - number.count)) + number + "_"
            + digits(parts.tm_year + 1900, 4) + digits(parts.tm_mon + 1, 2) + digits(parts.tm_mday, 2)
            + digits(parts.tm_hour, 2) + digits(parts.tm_min, 2) + digits(parts.tm_sec, 2) + suffix
    }

    private func open(at time: Timestamp) throws(CaptureError) {
        try current?.flush()
        current = nil
        sequence += 1
        let path = Self.name(stem: stem, sequence: sequence, time: time, suffix: suffix)
        let writer = try CaptureWriter(path: path)
        writer.interfaceNames = interfaceNames
        current = writer
        paths.append(path)
        if let files, paths.count > files {
            unlink(paths.removeFirst())
        }
    }
}
