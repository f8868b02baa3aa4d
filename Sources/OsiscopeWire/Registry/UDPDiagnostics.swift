/// The diagnostics of UDP, like Wireshark's expert-info rows: each key defined once,
/// with its severity and what it means; decoders add the particulars.
enum UDPDiagnostics {
    static let lengthBad = DiagnosticDescriptor("udp.length.bad", .error,
        "length … does not fit the … bytes IP carries")
    static let checksumBad = DiagnosticDescriptor("udp.checksum.bad", .warning,
        "UDP checksum is wrong …")

    static let all: [DiagnosticDescriptor] = [
        lengthBad, checksumBad,
    ]
}
