#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The target this run fuzzes: `-target=NAME` on the command line (libFuzzer warns about the
/// flag and ignores it), or OSISCOPE_FUZZ_TARGET.
nonisolated(unsafe) private var chosen: (([UInt8]) -> Void)?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> Int32 {
    var name = getenv("OSISCOPE_FUZZ_TARGET").map { String(cString: $0) }
    for index in 0..<Int(argc.pointee) {
        guard let argument = argv.pointee[index].map({ String(cString: $0) }), argument.hasPrefix("-target=") else { continue }
        name = String(argument.dropFirst(8))
    }
    guard let name, let target = FuzzTargets.all[name] else {
        let names = FuzzTargets.all.keys.sorted().joined(separator: ", ")
        let message = "osiscope-fuzz: choose a target with -target=NAME: \(names)\n"
        _ = message.withCString { write(STDERR_FILENO, $0, strlen($0)) }
        exit(64)
    }
    chosen = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    chosen?(bytes)
    return 0
}
