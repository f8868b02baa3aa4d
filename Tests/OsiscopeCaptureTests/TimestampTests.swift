import Testing
@testable import OsiscopeCapture

@Suite struct TimestampTests {
    @Test func convertsDecimalResolutions() {
        #expect(Timestamp(units: 1_234_567, resolution: .decimal(6)).decimalString == "1.234567")
        #expect(Timestamp(units: 1_234_567, resolution: .decimal(3)).decimalString == "1234.567")
        #expect(Timestamp(units: 1_234_567_890_123, resolution: .decimal(12)).decimalString == "1.234567890")
        #expect(Timestamp(units: 42, resolution: .decimal(0)).decimalString == "42")
    }

    @Test func convertsBinaryResolutions() {
        // 2^-10 s units: 1024 + 512 units = 1.5 s.
        let ts = Timestamp(units: 1536, resolution: .binary(10))
        #expect(ts.seconds == 1)
        #expect(ts.nanoseconds == 500_000_000)
        // 2^-63: the multiplication by 10^9 needs 128 bits.
        let fine = Timestamp(units: UInt64(1) << 62, resolution: .binary(63))
        #expect(fine.seconds == 0)
        #expect(fine.nanoseconds == 500_000_000)
    }

    @Test func decodesIfTsresol() {
        #expect(TimestampResolution(ifTsresol: 6) == .decimal(6))
        #expect(TimestampResolution(ifTsresol: 0x8A) == .binary(10))
    }

    @Test func hostileTimestampsDoNotTrap() {
        // pcapng allows any 64-bit count and offset; differences are computed without overflow.
        let early = Timestamp(seconds: Int64.min + 1, nanoseconds: 0)
        let late = Timestamp(seconds: Int64.max, nanoseconds: 999_999_999)
        #expect(late.seconds(since: early) > 1e18)
        #expect(early.seconds(since: late) < -1e18)
    }

    @Test func appliesTheOffset() {
        #expect(Timestamp(units: 5_000_000, resolution: .microseconds, offsetSeconds: 10).seconds == 15)
    }
}
