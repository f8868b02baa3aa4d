import Testing
import OsiscopeCapture
import OsiscopeWire
@testable import OsiscopeStreams

/// Full duplex as the stats measure it: time during which both sides had a message in flight,
/// from its first packet until the other side's ACK covers its last byte (RFC 9293 §3.4: an ACK
/// acknowledges every sequence number below it).
@Suite struct MessageFlightTests {
    static func at(_ milliseconds: Int) -> Timestamp {
        Timestamp(seconds: 100, nanoseconds: UInt32(milliseconds) * 1_000_000)
    }

    /// Runs flights through the overlap measure; each message is (direction, start, completed,
    /// end offset), each acknowledgment (direction acknowledged, relative number, time).
    enum Step { case sent(Direction, Int, Int, Int64), acked(Direction, UInt32, Int) }

    static func measure(_ steps: [Step]) -> (flights: [MessageFlight], overlap: FlightOverlap) {
        var flights = MessageFlights(), overlap = FlightOverlap(), landed: [MessageFlight] = []
        func land(_ flight: MessageFlight) {
            landed.append(flight)
            overlap.add(flight)
        }
        for step in steps {
            switch step {
            case .sent(let direction, let start, let completed, let end):
                flights.sent(direction, start: at(start), completed: at(completed), endOffset: end, tag: landed.count, land)
            case .acked(let direction, let number, let time):
                flights.acknowledge(direction, relative: number, at: at(time), land)
            }
        }
        flights.finish(land)
        overlap.finish()
        return (landed, overlap)
    }

    @Test func requestThenResponseNeverOverlaps() {
        // A 100-byte request acknowledged by the response's first packet, the response by the next request.
        let (flights, overlap) = Self.measure([
            .sent(.client, 0, 0, 100), .acked(.client, 101, 10), .sent(.server, 10, 12, 500), .acked(.server, 501, 50),
        ])
        #expect(flights.map(\.end) == [Self.at(10), Self.at(50)])
        #expect(overlap.overlaps == 0)
        #expect(overlap.seconds == 0)
    }

    @Test func messagesCrossingInFlightAreTimed() {
        let (_, overlap) = Self.measure([
            // The client's 1000 bytes take 0-12 ms to be acknowledged; the server's 5-8 ms.
            .sent(.client, 0, 2, 1000), .sent(.server, 5, 6, 1000), .acked(.server, 1001, 8), .acked(.client, 1001, 12),
            // A second crossing, 20-21 ms.
            .sent(.client, 20, 20, 1010), .sent(.server, 19, 21, 2000), .acked(.client, 1011, 21), .acked(.server, 2001, 30),
        ])
        #expect(overlap.overlaps == 2)
        #expect(abs(overlap.seconds - 0.004) < 1e-9)
    }

    @Test func anAcknowledgmentBeforeTheMessageIsReportedLandsItAtOnce() {
        let (flights, _) = Self.measure([.acked(.client, 501, 3), .sent(.client, 1, 2, 500)])
        #expect(flights == [MessageFlight(tag: 0, direction: .client, start: Self.at(1), end: Self.at(2))])
    }

    /// A capture of one direction never shows the ACKs: the messages waiting stay bounded, the
    /// oldest landing when they were complete.
    @Test func messagesNeverAcknowledgedStayBounded() {
        var flights = MessageFlights()
        var landed: [MessageFlight] = []
        for index in 0..<10_000 {
            flights.sent(.client, start: Self.at(index % 1000), completed: Self.at(index % 1000), endOffset: Int64(index + 1) * 10,
                         tag: index) { landed.append($0) }
        }
        // A batch of 2,048 goes out each time 4,097 wait: after 4,097, 6,145 and 8,193 messages.
        #expect(landed.count == 3 * MessageFlights.waitingLimit / 2)
        #expect(landed.map(\.tag) == Array(0..<landed.count))
        flights.finish { landed.append($0) }
        #expect(landed.count == 10_000)
    }

    @Test func relativeNumbersWrapEvery4GiB() {
        let (flights, _) = Self.measure([
            .acked(.client, UInt32.max - 9, 1),       // offset 2^32 - 11
            .sent(.client, 2, 3, (1 << 32) + 5),      // ends past the wrap
            .acked(.client, 7, 4),                    // 2^32 + 6 wrapped: offset 2^32 + 6
        ])
        #expect(flights.map(\.end) == [Self.at(4)])
    }

    @Test func latencyMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        var sample = LatencySample()
        for seconds in [0.4, 0.1, 0.3, 0.2] { sample.add(seconds) }
        let summary = sample.summary
        #expect(summary == ConversationFigures.Latency(minimum: 0.1, median: 0.25, maximum: 0.4, count: 4))
    }

    @Test func timelineBinsWidenAndKeepEveryByte() {
        var timeline = TimelineBins()
        let start = Timestamp(seconds: 0, nanoseconds: 0)
        timeline.add(100, from: .client, at: start)
        // 10 s later at 1 ms bins would be bin 10,000: the bins double until it fits in 4096.
        timeline.add(7, from: .server, at: Timestamp(seconds: 10, nanoseconds: 0))
        #expect(timeline.binSeconds == 0.004)
        #expect(timeline.bins.count == 2501)
        let (columns, seconds) = timeline.columns(10)
        #expect(columns.count == 10)
        #expect(abs(seconds - 1.004) < 1e-9)
        #expect(columns.first?.bytes.client == 100)
        #expect(columns.last?.bytes.server == 7)
        #expect(columns.map { $0.bytes.client + $0.bytes.server }.reduce(0, +) == 107)
    }
}
