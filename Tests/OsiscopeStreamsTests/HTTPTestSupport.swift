import OsiscopeWire
import OsiscopeTestSupport
import Testing
@testable import OsiscopeStreams

/// What happens on a connection, in order: bytes sent, bytes lost by the capture, FINs.
enum HTTPStep {
    case send(Direction, [UInt8])
    case lose(Direction, Int64)
    case close(Direction)
    case finish
}

/// How each `send` is cut into feeds.
enum HTTPSplit: CustomStringConvertible {
    case whole, byteByByte, random(seed: UInt64)

    var description: String {
        switch self {
        case .whole: "whole"
        case .byteByByte: "byte by byte"
        case .random(let seed): "random splits (seed \(seed))"
        }
    }

    static let all: [HTTPSplit] = [.whole, .byteByByte] + (1...6).map { .random(seed: UInt64($0) &* 7919) }
}

/// The outcome of a run. After `.upgraded`, the bytes the parser handed over and the bytes fed
/// later are collected per direction (the integration layer's job): how they are split between
/// the event and later feeds depends on the split, the stream they form does not. In `events`,
/// `clientBytes` and `serverBytes` of `.upgraded` are therefore emptied.
struct HTTPRun: Equatable {
    var events: [HTTPEvent] = []
    var handedOver: [Direction: [UInt8]] = [:]

    var messages: [HTTPMessage] {
        events.compactMap { if case .message(let message) = $0 { message } else { nil } }
    }

    var requests: [HTTPMessage] { messages.filter { $0.direction == .client } }
    var responses: [HTTPMessage] { messages.filter { $0.direction == .server } }

    var heads: [HTTPHead] {
        events.compactMap { if case .headComplete(let head, _) = $0 { head } else { nil } }
    }

    var upgrades: [HTTPUpgrade] {
        events.compactMap { if case .upgraded(let upgrade) = $0 { upgrade } else { nil } }
    }

    /// Diagnostics reported as events (not those inside messages).
    var diagnostics: [StreamDiagnostic] {
        events.compactMap { if case .diagnostic(let diagnostic, _) = $0 { diagnostic } else { nil } }
    }

    /// A compact trace of the events, e.g. ["head client 0", "message client 0", "upgraded"].
    var trace: [String] {
        events.map { event in
            switch event {
            case .headComplete(let head, let direction):
                "head \(direction) \(head.method ?? head.status.map(String.init) ?? "?")"
            case .message(let message):
                "message \(message.direction) \(message.index)"
            case .upgraded(let upgrade):
                "upgraded \(upgrade.kind)"
            case .diagnostic(let diagnostic, let direction):
                "diagnostic \(direction) \(diagnostic.key)"
            }
        }
    }
}

struct HTTPScript {
    var steps: [HTTPStep]
    var options = HTTPParserOptions()
    var startsMidStream = false

    init(_ steps: [HTTPStep], options: HTTPParserOptions = HTTPParserOptions(), startsMidStream: Bool = false) {
        self.steps = steps
        self.options = options
        self.startsMidStream = startsMidStream
    }

    func run(_ split: HTTPSplit) -> HTTPRun {
        var parser = HTTPConversationParser(options: options, startsMidStream: startsMidStream)
        var offsets: [Direction: Int64] = [.client: 0, .server: 0]
        var generator = SplitMix64(seed: { if case .random(let seed) = split { seed } else { 0 } }())
        var result = HTTPRun()
        var switched = false

        func take(_ events: [HTTPEvent]) {
            for event in events {
                if case .upgraded(var upgrade) = event {
                    switched = true
                    result.handedOver[.client, default: []] += upgrade.clientBytes
                    result.handedOver[.server, default: []] += upgrade.serverBytes
                    upgrade.clientBytes = []
                    upgrade.serverBytes = []
                    result.events.append(.upgraded(upgrade))
                } else {
                    result.events.append(event)
                }
            }
        }

        for step in steps {
            switch step {
            case .send(let direction, let bytes):
                var start = 0
                while start < bytes.count {
                    let remaining = bytes.count - start
                    let size: Int
                    switch split {
                    case .whole: size = remaining
                    case .byteByByte: size = 1
                    case .random:
                        // Mostly small pieces (cuts inside lines and CRLFs), sometimes large ones.
                        let bound = generator.next() % 4 == 0 ? remaining : min(remaining, 9)
                        size = 1 + Int(generator.next() % UInt64(bound))
                    }
                    let piece = bytes[start..<start + size]
                    let offset = offsets[direction]! + Int64(start)
                    let events = parser.feed(piece, from: direction, at: offset)
                    // Once switched, later feeds belong to the new protocol.
                    if switched, events.isEmpty {
                        result.handedOver[direction, default: []] += piece
                    }
                    take(events)
                    start += size
                }
                offsets[direction]! += Int64(bytes.count)
            case .lose(let direction, let length):
                take(parser.gap(from: direction, at: offsets[direction]!, length: length))
                offsets[direction]! += length
            case .close(let direction):
                take(parser.close(from: direction))
            case .finish:
                take(parser.finish())
            }
        }
        return result
    }

    /// Runs the script whole, byte by byte, and in several random splits, records an issue for any
    /// split whose events differ from the whole run's, and returns the whole run.
    func run(sourceLocation: SourceLocation = #_sourceLocation) -> HTTPRun {
        let reference = run(.whole)
        for split in HTTPSplit.all.dropFirst() {
            let other = run(split)
            guard other != reference else { continue }
            let first = zip(other.events, reference.events).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(other.events.count, reference.events.count)
            let got = first < other.events.count ? "\(other.events[first])" : "nothing"
            let wanted = first < reference.events.count ? "\(reference.events[first])" : "nothing"
            Issue.record("""
                \(split) differs from the whole feed at event \(first) \
                (\(other.events.count) events against \(reference.events.count); handed over equal: \
                \(other.handedOver == reference.handedOver)): got \(got), wanted \(wanted)
                """, sourceLocation: sourceLocation)
        }
        return reference
    }
}

func http(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Length of a string in bytes, as a stream offset.
func span(_ text: String) -> Int64 { Int64(text.utf8.count) }

func decoded(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
