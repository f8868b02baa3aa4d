import OsiscopeTestSupport
import Testing
@testable import OsiscopeStreams

/// Masking eight bytes at a time against RFC 6455 §5.3's byte-by-byte definition.
@Suite struct WebSocketMaskingTests {
    @Test func rfcExample() {
        // RFC 6455 §5.7: "Hello" masked with 37 fa 21 3d.
        let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        #expect(WebSocketMasking.unmasked([0x7F, 0x9F, 0x4D, 0x51, 0x58], key: key) == Array("Hello".utf8))
        #expect(WebSocketMasking.unmasked([0x7F, 0x9F], key: nil) == [0x7F, 0x9F])
    }

    @Test(arguments: 0..<4)
    func everyPhaseAndLength(phase: Int) {
        var random = SplitMix64(seed: UInt64(phase))
        let key = random.bytes(4)
        for length in 0..<40 {
            let payload = random.bytes(length)
            var masked = payload
            masked.withUnsafeMutableBufferPointer { WebSocketMasking.apply(key, phase: phase, to: $0) }
            let expected = payload.indices.map { payload[$0] ^ key[($0 + phase) & 3] }
            #expect(masked == expected, "phase \(phase) length \(length)")
        }
    }
}
