/// The diagnostics of TCP, like Wireshark's expert-info rows: each key defined once,
/// with its severity and what it means; decoders add the particulars.
enum TCPDiagnostics {
    static let hdrLenBad = DiagnosticDescriptor("tcp.hdr_len.bad", .error,
        "header length … is less than the minimum of 20 bytes")
    static let checksumBad = DiagnosticDescriptor("tcp.checksum.bad", .warning,
        "TCP checksum is wrong …")
    static let optionLenInvalid = DiagnosticDescriptor("tcp.option.len.invalid", .error,
        "a TCP option (…) has a length that runs past the header")

    static let all: [DiagnosticDescriptor] = [
        hdrLenBad, checksumBad, optionLenInvalid,
    ]
}
