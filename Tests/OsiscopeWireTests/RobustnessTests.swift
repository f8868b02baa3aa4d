import OsiscopeTestSupport
import OsiscopeCapture
@testable import OsiscopeWire
import Testing

/// Everything a decoded packet claims about where its parts are that does not fit its bytes.
func boundsViolations(_ decoded: DecodedPacket) -> [String] {
    let count = decoded.packet.data.count
    func outside(_ offset: Int, _ length: Int) -> Bool { offset < 0 || length < 0 || offset + length > count }
    var problems: [String] = []
    if decoded.layers.count > PacketDecoder.maximumLayers + 1 {
        problems.append("\(decoded.layers.count) layers")
    }
    for layer in decoded.layers {
        if outside(layer.offset, layer.length) {
            problems.append("layer \(layer.protocolKey) at \(layer.span) of \(count) bytes")
        }
        for field in layer.fields.flatMap(\.flattened) where !field.generated && outside(field.offset, field.length) {
            problems.append("field \(field.key) at \(field.span) of \(count) bytes")
        }
        for diagnostic in layer.diagnostics {
            if let offset = diagnostic.offset, outside(offset, diagnostic.length ?? 0) {
                problems.append("diagnostic \(diagnostic.key) at \(offset)+\(diagnostic.length ?? 0) of \(count) bytes")
            }
        }
    }
    return problems
}

/// A compact description of a decoding, to compare two decodings of the same bytes.
func fingerprint(_ decoded: DecodedPacket) -> String {
    decoded.layers.map { layer in
        "\(layer.protocolKey)@\(layer.span)[\(layer.summary)]"
            + layer.fields.flatMap(\.flattened).map { "\($0.key)=\($0.value)@\($0.span)" }.joined(separator: ",")
            + layer.diagnosticList.joined(separator: ",")
    }.joined(separator: "|") + decoded.diagnosticList.joined(separator: ",")
}

@Suite("Robustness")
struct RobustnessTests {
    /// Decodes and checks one packet; returns a description of what is wrong, or nil.
    static func check(_ bytes: [UInt8], link: LinkType, originalLength: Int, twice: Bool) -> String? {
        let packet = capture(bytes, link: link, originalLength: originalLength)
        let decoded = PacketDecoder.decode(packet)
        var problems = boundsViolations(decoded)
        if twice && fingerprint(PacketDecoder.decode(packet)) != fingerprint(decoded) {
            problems.append("a second decoding differs")
        }
        guard !problems.isEmpty else { return nil }
        return "\(link) \(AddressFormat.hex(bytes)) (original length \(originalLength)): "
            + problems.joined(separator: "; ")
    }

    @Test("The bounds check itself catches a field past the end")
    func boundsCheckCatchesProblems() {
        var decoded = decode(Samples.pingIPv4, link: .raw)
        #expect(boundsViolations(decoded) == [])
        decoded.layers[1].fields[0].offset = 35 // icmp.type, one byte, moved to the last byte: still inside
        #expect(boundsViolations(decoded) == [])
        decoded.layers[1].fields[0].offset = 36 // one past the end
        #expect(boundsViolations(decoded) == ["field icmp.type at 36+1 of 36 bytes"])
        decoded.layers[1].length = 17
        #expect(boundsViolations(decoded).first == "layer icmp at 20+17 of 36 bytes")
    }

    @Test("20,000 random byte arrays per link type decode within bounds", arguments: [
        LinkType.ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .rawBSD12, .ipv4, .ipv6, LinkType(rawValue: 147),
    ])
    func randomBytes(link: LinkType) {
        var random = SplitMix64(seed: 0x05C1_0BE5 ^ UInt64(link.rawValue))
        var failures: [String] = []
        for round in 0..<20_000 {
            let bytes = random.bytes(Int.random(in: 0...200, using: &random))
            // One packet in four was cut by the snap length.
            let originalLength = random.next() % 4 == 0 ? bytes.count + Int.random(in: 1...1500, using: &random) : bytes.count
            if let failure = Self.check(bytes, link: link, originalLength: originalLength, twice: round % 16 == 0),
               failures.count < 5 {
                failures.append(failure)
            }
        }
        #expect(failures == [])
    }

    /// Valid packets to mutate, each with its link type.
    static let seeds: [(name: String, bytes: [UInt8], link: LinkType)] = [
        ("IPv6 TCP", Samples.tcpIPv6, .raw),
        ("IPv6 extension headers UDP", IPv6Tests.extensionChain(fragmentWord: "00 00"), .raw),
        ("ICMPv6 echo", ICMPTests.echoV6(), .raw),
        ("Ethernet IPv4 TCP SYN", Samples.tcpSYN, .ethernet),
        ("IPv4 options", IPv4Tests.routerAlertPacket, .raw),
        ("IPv4 UDP", UDPTests.ipv4Header + UDPTests.checksummed, .raw),
        ("ICMP unreachable", ICMPTests.destinationUnreachable(type: 3, code: 3), .raw),
        ("ARP over Ethernet", ARPTests.request, .ethernet),
        ("802.1ad 802.1Q IPv4", hex(
            "52 54 00 12 34 56 00 1b 21 3a 4f 5e", // IEEE 802.3 §3.1.1: destination, source
            "88 a8 70 c8",          // IEEE 802.1ad S-tag: PCP 3, DEI 1, VID 200
            "81 00 00 2a",          // IEEE 802.1Q C-tag: VID 42
            "08 00") + Samples.pingIPv4, .ethernet), // EtherType IPv4
        ("SLL2 IPv6 TCP", hex(
            "86 dd 00 00",          // SLL2: protocol 0x86dd IPv6, reserved
            "00 00 00 02 00 01",    // interface index 2, ARPHRD_ETHER
            "00 06",                // packet type 0 (to us), address length 6
            "52 54 00 12 34 56 00 00") + Samples.tcpIPv6, .linuxSLL2), // address, padded to 8
        ("SLL IPv4 ICMP", hex(
            "00 04 00 01 00 06",    // SLL: packet type 4 (sent by us), ARPHRD_ETHER, address length 6
            "00 1b 21 3a 4f 5e 00 00", // address, padded to 8
            "08 00") + Samples.pingIPv4, .linuxSLL), // protocol 0x0800 IPv4
        ("LOOP IPv6 TCP", hex("00 00 00 18") + Samples.tcpIPv6, .loop),  // family 24 (AF_INET6), network order
        ("NULL IPv4 ICMP", hex("02 00 00 00") + Samples.pingIPv4, .null), // family 2 (AF_INET), little-endian
    ]

    @Test("Mutated valid packets (byte flips and truncations) decode within bounds",
          arguments: RobustnessTests.seeds.indices)
    func mutatedPackets(seedIndex: Int) {
        let seed = Self.seeds[seedIndex]
        // The unmutated packet decodes cleanly: the mutations start from a valid packet.
        #expect(PacketDecoder.decode(capture(seed.bytes, link: seed.link)).allDiagnostics == [])
        var random = SplitMix64(seed: 0x0D1F_F00D &+ UInt64(seedIndex))
        var failures: [String] = []
        for round in 0..<5_000 {
            var bytes = seed.bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                if random.next() % 2 == 0 {
                    bytes[index] ^= UInt8(1) << (random.next() % 8) // flip one bit
                } else {
                    bytes[index] = UInt8(truncatingIfNeeded: random.next()) // replace the byte
                }
            }
            var originalLength = bytes.count
            if random.next() % 3 == 0 {
                // Cut the packet: by the snap length (the original length stays) or for real.
                let kept = Int.random(in: 0...bytes.count, using: &random)
                bytes.removeLast(bytes.count - kept)
                originalLength = random.next() % 2 == 0 ? originalLength : kept
            }
            if let failure = Self.check(bytes, link: seed.link, originalLength: originalLength, twice: round % 16 == 0),
               failures.count < 5 {
                failures.append(failure)
            }
        }
        #expect(failures == [], "seed packet: \(seed.name)")
    }
}
