#if !OSISCOPE_FUZZING
/// Built without the fuzzer (a plain `swift build`), the binary only says how to run it.
@main
struct NotFuzzing {
    static func main() {
        print("osiscope-fuzz is built for libFuzzer by scripts/fuzz; targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))")
    }
}
#endif
