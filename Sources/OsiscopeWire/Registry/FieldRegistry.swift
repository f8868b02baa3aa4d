/// One row of a protocol's registry: a field descriptor and, when the field always sits at
/// the same place in its header, that place (offsets from the header's first byte).
public struct FieldRow: Sendable {
    public let descriptor: FieldDescriptor
    public let place: Range<Int>?

    public init(_ descriptor: FieldDescriptor, at place: Range<Int>? = nil) {
        self.descriptor = descriptor
        self.place = place
    }
}

/// Everything one protocol can report: its fields and its kinds of diagnostics, as
/// `tshark -G fields` lists Wireshark's `hf_` and `ei_` rows.
public struct ProtocolRegistry: Sendable {
    /// The layer key ("tcp", "ipv4", …) and the key prefix of its fields.
    public let name: String
    public let title: String
    public let osi: OSILayer
    public let fields: [FieldRow]
    public let diagnostics: [DiagnosticDescriptor]

    public init(name: String, title: String, osi: OSILayer, fields: [FieldRow], diagnostics: [DiagnosticDescriptor] = []) {
        self.name = name
        self.title = title
        self.osi = osi
        self.fields = fields
        self.diagnostics = diagnostics
    }

    /// The same protocol with rows another stage adds (TCP analysis from the stream stage).
    public func adding(fields more: [FieldRow] = [], diagnostics moreDiagnostics: [DiagnosticDescriptor]) -> ProtocolRegistry {
        ProtocolRegistry(name: name, title: title, osi: osi, fields: fields + more, diagnostics: diagnostics + moreDiagnostics)
    }
}
