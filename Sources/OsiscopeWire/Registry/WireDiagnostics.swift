/// The diagnostics of the capture as a whole, like Wireshark's expert-info rows: each key defined once,
/// with its severity and what it means; decoders add the particulars.
enum WireDiagnostics {
    static let truncated = DiagnosticDescriptor("wire.truncated", .warning,
        "… header cut off by the capture's snap length: … of … bytes captured")
    static let malformed = DiagnosticDescriptor("wire.malformed", .error,
        "… header is malformed: it needs … bytes but only … are there")
    static let unknownLinkType = DiagnosticDescriptor("wire.unknown_link_type", .note,
        "link type … is not decoded; the packet is shown as raw bytes")

    static let all: [DiagnosticDescriptor] = [
        truncated, malformed, unknownLinkType,
    ]
}
