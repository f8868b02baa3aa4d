import OsiscopeWire
import OsiscopeTestSupport
import Testing
@testable import OsiscopeStreams

/// Damaged conversations: valid ones with bytes flipped, lines cut, bytes lost and streams ended
/// early. The parser must not trap, must give the same events however the bytes are split, and
/// its messages must be consistent (ranges in order and inside what was fed, kept bodies capped).
@Suite("HTTP parser on damaged input")
struct HTTPRobustnessTests {
    static let bases: [[HTTPStep]] = [
        [
            .send(.client, http("GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")),
            .send(.server, http("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n")),
            .send(.server, http("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")),
            .close(.client), .close(.server),
        ],
        [
            .send(.client, http(HTTPParserTests.webSocketRequest) + HTTPParserTests.clientFrame),
            .send(.server, http(HTTPParserTests.switching) + HTTPParserTests.serverFrame),
            .send(.client, HTTPParserTests.clientFrame),
            .finish,
        ],
        [
            .send(.client, http("HEAD / HTTP/1.1\r\n\r\nGET /z HTTP/1.0\r\n\r\n")),
            .send(.server, http("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nHTTP/1.0 200 OK\r\nContent-Encoding: gzip\r\n\r\n")
                + HTTPParserTests.gzipHello),
            .close(.server),
        ],
        [
            .send(.client, http("CONNECT h:443 HTTP/1.1\r\n\r\n")),
            .send(.server, http("HTTP/1.1 200 OK\r\n\r\n\u{16}\u{03}")),
            .finish,
        ],
    ]

    static func mutate(_ steps: [HTTPStep], seed: UInt64) -> [HTTPStep] {
        var random = SplitMix64(seed: seed)
        var result: [HTTPStep] = []
        for step in steps {
            guard case .send(let direction, var data) = step else {
                result.append(step)
                continue
            }
            switch random.next() % 6 {
            case 0: // flip a few bytes
                for _ in 0..<(1 + random.next() % 4) where !data.isEmpty {
                    data[Int(random.next() % UInt64(data.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 1: // cut the end off
                data = Array(data.prefix(Int(random.next() % UInt64(data.count + 1))))
            case 2: // insert a line break or a digit somewhere
                let insert: [[UInt8]] = [[0x0D, 0x0A], [0x0A], [0x39], [0x20], [0x3A]]
                data.insert(contentsOf: insert[Int(random.next() % 5)], at: Int(random.next() % UInt64(data.count + 1)))
            case 3: // lose some bytes in the middle
                let split = Int(random.next() % UInt64(data.count + 1))
                result.append(.send(direction, Array(data.prefix(split))))
                result.append(.lose(direction, Int64(1 + random.next() % 40)))
                data = Array(data.dropFirst(split))
            default:
                break
            }
            result.append(.send(direction, data))
        }
        return result
    }

    @Test("mutated conversations: same events for every split, consistent messages")
    func mutatedConversations() {
        for seed in UInt64(1)...240 {
            let base = Self.bases[Int(seed % UInt64(Self.bases.count))]
            let steps = Self.mutate(base, seed: seed)
            var options = HTTPParserOptions()
            options.maxHeadBytes = 64 + Int(seed % 3) * 40
            options.maxBodyBytesKept = 3
            let run = HTTPScript(steps, options: options).run()
            Self.checkConsistency(run, steps, options: options, seed: seed)
        }
    }

    @Test("random bytes after a valid request")
    func randomBytes() {
        for seed in UInt64(1)...60 {
            var random = SplitMix64(seed: seed)
            let noise = (0..<(20 + Int(random.next() % 200))).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let steps: [HTTPStep] = [
                .send(.client, http("GET / HTTP/1.1\r\n\r\n") + noise),
                .send(.server, http("HTTP/1.1 200 OK\r\n") + noise),
                .finish,
            ]
            let run = HTTPScript(steps).run()
            Self.checkConsistency(run, steps, options: HTTPParserOptions(), seed: seed)
        }
    }

    static func checkConsistency(_ run: HTTPRun, _ steps: [HTTPStep], options: HTTPParserOptions, seed: UInt64,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        var fed: [Direction: Int64] = [.client: 0, .server: 0]
        for step in steps {
            if case .send(let direction, let data) = step { fed[direction]! += Int64(data.count) }
            if case .lose(let direction, let length) = step { fed[direction]! += length }
        }
        for direction in Direction.allCases {
            let messages = run.messages.filter { $0.direction == direction }
            #expect(messages.map(\.index) == Array(0..<messages.count), "seed \(seed)", sourceLocation: sourceLocation)
            var end: Int64 = 0
            for message in messages {
                let ok = message.range.lowerBound >= end && message.range.upperBound <= fed[direction]!
                    && message.head.range.lowerBound == message.range.lowerBound
                    && message.head.range.upperBound <= message.range.upperBound
                    && message.bodyRange.lowerBound >= message.head.range.upperBound
                    && message.bodyRange.upperBound <= message.range.upperBound
                    && message.body.count <= min(message.bodyLength, options.maxBodyBytesKept)
                    && message.head.headers.count == message.head.headerRanges.count
                #expect(ok, "seed \(seed): \(message)", sourceLocation: sourceLocation)
                end = message.range.upperBound
            }
        }
    }
}
