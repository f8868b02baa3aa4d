/// The diagnostics of IPv6, like Wireshark's expert-info rows: each key defined once,
/// with its severity and what it means; decoders add the particulars.
enum IPv6Diagnostics {
    static let versionBad = DiagnosticDescriptor("ipv6.version.bad", .error,
        "the version field says … in an IPv6 header")
    static let plenBad = DiagnosticDescriptor("ipv6.plen.bad", .error,
        "payload length … is more than the … bytes present")
    static let fragment = DiagnosticDescriptor("ipv6.fragment", .note,
        "IPv6 fragment; fragments are not reassembled, so the payload is shown as data")

    static let all: [DiagnosticDescriptor] = [
        versionBad, plenBad, fragment,
    ]
}
