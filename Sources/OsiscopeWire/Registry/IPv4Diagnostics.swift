/// The diagnostics of IPv4, like Wireshark's expert-info rows: each key defined once,
/// with its severity and what it means; decoders add the particulars.
enum IPv4Diagnostics {
    static let versionBad = DiagnosticDescriptor("ip.version.bad", .error,
        "the version field says … in an IPv4 header")
    static let hdrLenBad = DiagnosticDescriptor("ip.hdr_len.bad", .error,
        "header length … is less than the minimum of 20 bytes")
    static let checksumBad = DiagnosticDescriptor("ip.checksum.bad", .warning,
        "IPv4 header checksum is wrong …")
    static let lenZero = DiagnosticDescriptor("ip.len.zero", .note,
        "total length is 0 (segmentation offload): using the captured length")
    static let lenBad = DiagnosticDescriptor("ip.len.bad", .error,
        "total length … is less than the header length …")
    static let fragment = DiagnosticDescriptor("ip.fragment", .note,
        "a fragment of a larger datagram; fragments are not reassembled, so the payload is shown as data")
    static let optLenBad = DiagnosticDescriptor("ip.opt.len.bad", .error,
        "an IPv4 option's length runs past the header")

    static let all: [DiagnosticDescriptor] = [
        versionBad, hdrLenBad, checksumBad, lenZero, lenBad, fragment, optLenBad,
    ]
}
