import OsiscopeWire
/// Whether a connection whose opening handshake was not captured carries WebSocket frames,
/// judged from the first bytes of both directions: client frames masked, server frames not,
/// known opcodes, RSV bits only where permessage-deflate allows them, lengths in their
/// shortest form and consistent with the bytes (each frame ends where the next plausible one
/// starts), text in UTF-8, close codes valid. Wireshark needs Decode-As for this.
public struct WebSocketGuess: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        /// Frames that look right in both directions (or several in one and nothing else).
        case webSocket
        /// Bytes that cannot be WebSocket frames (or are HTTP).
        case notWebSocket
        /// Too few bytes to tell.
        case undecided
    }

    public var verdict: Verdict
    /// The frames make sense only with the directions swapped: the side that looked like the
    /// client sends unmasked frames and the other masked ones (the connection's opening was
    /// not captured and the first packet seen came from the server).
    public var directionsSwapped: Bool
    /// Complete, plausible frames found at the start of each direction (as given).
    public var clientFrames: Int
    public var serverFrames: Int
    /// RSV1 was set on a data frame: the peers probably agreed on permessage-deflate.
    public var rsv1Seen: Bool
    /// What to decode with when RSV1 was seen: permessage-deflate with context takeover (the
    /// message assembler retries a message from a fresh window when that fails).
    public var perMessageDeflate: PerMessageDeflateSettings?
    /// Why, in words.
    public var reasons: [String]

    /// A short label for views: "WebSocket (guessed)" when the verdict is yes.
    public var label: String? {
        verdict == .webSocket ? "WebSocket (guessed)" : nil
    }

    /// Bytes of each direction looked at, at most.
    public static let defaultLookahead = 64 << 10

    /// Judges the first bytes of each direction (offset 0 of each slice is assumed to be the
    /// start of a frame).
    public static func examine(client: ArraySlice<UInt8>, server: ArraySlice<UInt8>,
                               lookahead: Int = WebSocketGuess.defaultLookahead) -> WebSocketGuess {
        let client = client.prefix(lookahead)
        let server = server.prefix(lookahead)
        var guess = WebSocketGuess(verdict: .undecided, directionsSwapped: false, clientFrames: 0, serverFrames: 0,
                                   rsv1Seen: false, perMessageDeflate: nil, reasons: [])
        if HTTPSyntax.startsLikeHTTP(client) || HTTPSyntax.startsLikeHTTP(server) {
            guess.verdict = .notWebSocket
            guess.reasons = ["the bytes start like HTTP"]
            return guess
        }
        if client.isEmpty && server.isEmpty {
            guess.reasons = ["no bytes in either direction"]
            return guess
        }
        let asGiven = (walk(client, as: .client), walk(server, as: .server))
        let swapped = (walk(server, as: .client), walk(client, as: .server))
        let givenOK = asGiven.0.failure == nil && asGiven.1.failure == nil
        let swappedOK = swapped.0.failure == nil && swapped.1.failure == nil
        let givenFrames = asGiven.0.frames + asGiven.1.frames
        let swappedFrames = swapped.0.frames + swapped.1.frames

        let chosen: (Walk, Walk)
        if givenOK && (givenFrames > 0 || !swappedOK || swappedFrames == 0) {
            chosen = asGiven
        } else if swappedOK {
            chosen = (swapped.1, swapped.0) // back to (client bytes, server bytes)
            guess.directionsSwapped = true
        } else {
            guess.verdict = .notWebSocket
            guess.reasons = [asGiven.0.failure, asGiven.1.failure].compactMap { $0 }
            return guess
        }
        guess.clientFrames = chosen.0.frames
        guess.serverFrames = chosen.1.frames
        guess.rsv1Seen = chosen.0.rsv1 || chosen.1.rsv1
        let total = guess.clientFrames + guess.serverFrames
        if (guess.clientFrames > 0 && guess.serverFrames > 0) || total >= 2 {
            guess.verdict = .webSocket
            guess.reasons.append("\(guess.clientFrames) client and \(guess.serverFrames) server frames look right"
                + (guess.directionsSwapped ? " with the directions swapped" : ""))
        } else {
            guess.reasons.append(total == 1 ? "only one plausible frame" : "no complete frame yet")
        }
        if guess.rsv1Seen {
            guess.perMessageDeflate = PerMessageDeflateSettings()
            guess.reasons.append("RSV1 is set: assuming permessage-deflate with context takeover")
        }
        return guess
    }

    private struct Walk {
        var frames = 0
        var rsv1 = false
        var failure: String?
    }

    /// Reads frames from the start of `bytes` as `direction`'s, until the bytes end (a last
    /// frame cut by the end is fine) or a frame does not look right.
    private static func walk(_ bytes: ArraySlice<UInt8>, as direction: Direction) -> Walk {
        let rules = WebSocketFrameRules(direction: direction, allowRSV1: true,
                                        maxPayload: UInt64(WebSocketFrameParser.defaultMaxPayload))
        var walk = Walk()
        var index = bytes.startIndex
        var previous: RawFrameHeader?
        while true {
            let header: RawFrameHeader, payloadStart: Int
            switch rules.chainStep(bytes, at: index, after: previous) {
            case .needMore: return walk
            case .implausible(.firstBytes):
                walk.failure = "byte \(index - bytes.startIndex) of the \(direction.rawValue) side does not start a plausible \(direction.rawValue) frame"
                return walk
            case .implausible(.header):
                walk.failure = "implausible payload length at byte \(index - bytes.startIndex) of the \(direction.rawValue) side"
                return walk
            case .implausible(.sequence):
                walk.failure = "fragments out of order on the \(direction.rawValue) side"
                return walk
            case .header(let found, let start):
                (header, payloadStart) = (found, start)
            }
            if previous == nil && header.opcode == .continuation {
                walk.failure = "the \(direction.rawValue) side starts with a continuation frame"
                return walk
            }
            guard UInt64(bytes.endIndex - payloadStart) >= header.payloadLength else { break }
            let frameEnd = payloadStart + Int(header.payloadLength)
            guard rules.payloadPlausible(header, bytes[payloadStart..<frameEnd]) else {
                walk.failure = "a \(header.opcode.name) frame of the \(direction.rawValue) side has an implausible payload"
                return walk
            }
            walk.frames += 1
            walk.rsv1 = walk.rsv1 || header.rsv1
            previous = header
            index = frameEnd
        }
        return walk
    }

}
