import Testing
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeTestSupport
import OsiscopeWire

/// What decoders emit on real captures agrees with what `osiscope fields` lists, and the
/// transport-only decoding agrees with full decoding.
@Suite struct RegistryConformanceTests {
    static let fieldKeys: [String: String] = {
        var keys: [String: String] = [:]
        for registry in Registry.protocols {
            for row in registry.fields { keys[row.descriptor.key] = registry.name }
        }
        return keys
    }()

    static let diagnosticKeys: [String: Diagnostic.Severity] = {
        var keys: [String: Diagnostic.Severity] = [:]
        for registry in Registry.protocols {
            for diagnostic in registry.diagnostics { keys[diagnostic.key] = diagnostic.severity }
        }
        return keys
    }()

    /// Every field and diagnostic key any decoder emits on every sample and corpus capture
    /// is a row of the registry, and no key is listed twice.
    @Test(arguments: ConformanceCaptures.all)
    func everyEmittedKeyIsRegistered(path: String) throws {
        let recording = try PipelineRecording.record(path: path)
        var unknownFields: Set<String> = [], unknownDiagnostics: Set<String> = []
        for packet in recording.packets {
            for layer in packet.layers {
                for field in layer.fields.flatMap(\.flattened) where Self.fieldKeys[field.key] == nil {
                    unknownFields.insert(field.key)
                }
            }
            for diagnostic in packet.allDiagnostics where Self.diagnosticKeys[diagnostic.key] == nil {
                unknownDiagnostics.insert(diagnostic.key)
            }
        }
        for message in recording.messages {
            for diagnostic in message.diagnostics where Self.diagnosticKeys[diagnostic.key] == nil {
                unknownDiagnostics.insert(diagnostic.key)
            }
        }
        #expect(unknownFields.isEmpty, "\(ConformanceCaptures.label(path)): fields \(unknownFields.sorted())")
        #expect(unknownDiagnostics.isEmpty, "\(ConformanceCaptures.label(path)): diagnostics \(unknownDiagnostics.sorted())")
    }

    /// A field key belongs to one protocol; a diagnostic key is defined once.
    @Test func keysAreDefinedOnce() {
        var fieldOwners: [String: Set<String>] = [:]
        var diagnosticCount: [String: Int] = [:]
        for registry in Registry.protocols {
            for row in registry.fields { fieldOwners[row.descriptor.key, default: []].insert(registry.name) }
            for diagnostic in registry.diagnostics { diagnosticCount[diagnostic.key, default: 0] += 1 }
        }
        #expect(fieldOwners.filter { $0.value.count > 1 }.isEmpty)
        #expect(diagnosticCount.filter { $0.value > 1 }.isEmpty)
        #expect(Registry.protocols.map(\.name) == ["frame", "eth", "vlan", "sll", "null", "arp", "ipv4", "ipv6", "icmp",
                                                   "icmpv6", "tcp", "udp", "data", "http", "websocket", "engine.io", "socket.io"])
    }

    /// The transport that the pipeline reads without building fields is the one full
    /// decoding finds (checksum verdicts aside: they are made only when fields are shown).
    @Test(arguments: ConformanceCaptures.all)
    func transportWithoutFieldsMatchesFullDecoding(path: String) throws {
        let reader = try CaptureReader(path: path)
        var differences: [Int] = []
        var packets = 0
        while let packet = try reader.next() {
            packets += 1
            var full = PacketDecoder.decode(packet).transport
            full?.tcp?.badChecksum = false
            let fast = PacketDecoder.transport(of: packet)
            if fast?.kind != full?.kind || fast?.source != full?.source || fast?.destination != full?.destination
                || fast?.tcp != full?.tcp {
                differences.append(packet.number)
            }
        }
        #expect(packets > 0)
        #expect(differences.isEmpty, "\(ConformanceCaptures.label(path)): packets \(differences.prefix(10))")
    }
}
