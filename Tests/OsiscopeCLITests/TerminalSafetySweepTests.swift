import Foundation
import OsiscopeTestSupport
import Testing

/// Every human view of a capture whose payloads try to drive the terminal (escape sequences,
/// C1 controls, bidi overrides, invalid UTF-8, in a URI, headers, bodies, WebSocket texts, a
/// close reason and a Socket.IO event name): nothing but osiscope's own colours reaches the
/// output, whatever it is.
@Suite struct TerminalSafetySweepTests {
    typealias C = SyntheticConnections

    /// ESC [2J (clear), OSC 0 (window title) ended by BEL, CSI as the C1 byte, RLO and an isolate, then invalid UTF-8.
    static let hostileText = "\u{1B}[2J\u{1B}]0;owned\u{07}\u{9B}31m\u{202E}exe.txt\u{2066}"
    static let hostile: [UInt8] = Array(hostileText.utf8) + [0xFF, 0xC3, 0x28]

    static func capture() throws -> String {
        var c = C()
        c.open(0)
        c.send(0, .client, Array("GET /a".utf8) + hostile + Array(" HTTP/1.1\r\nHost: x\r\nX-Note: ".utf8) + hostile + Array("\r\n\r\n".utf8))
        c.send(0, .server, Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Note: ".utf8) + hostile
            + Array("\r\nContent-Length: \(hostile.count)\r\n\r\n".utf8) + hostile)
        c.close(0)
        c.open(1)
        c.send(1, .client, C.upgradeRequest("/socket.io/?EIO=4&transport=websocket"))
        c.send(1, .server, C.upgradeResponse)
        c.send(1, .server, C.frame(.server, #"0{"sid":"s\u001b[2J","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#))
        c.send(1, .client, C.frame(.client, "40"))
        c.send(1, .server, C.frame(.server, #"40{"sid":"x"}"#))
        c.send(1, .client, C.frame(.client, #"42["\u001b]0;title\u0007ev\u202e",{"t":"\u009b2J"}]"#))
        c.send(1, .client, C.frame(.client, Array("42".utf8) + hostile))
        c.send(1, .server, C.frame(.server, hostileText))
        c.send(1, .server, C.frame(.server, opcode: 8, [0x03, 0xE8] + hostile))
        c.close(1)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-hostile-text-\(UUID()).pcap").path
        try c.write(to: path)
        return path
    }

    static let views: [[String]] = [
        ["packets"], ["inspect"], ["inspect", "--hex"], ["inspect", "--explain"], ["messages"],
        ["streams"], ["follow", "--stream", "0"], ["follow", "--stream", "1"], ["follow", "--stream", "1", "--messages"],
        ["follow", "--session", "s\u{1B}[2J"], ["sessions"], ["ladder", "--stream", "0"], ["ladder", "--stream", "1"], ["stats"], ["timeline"],
    ]

    /// What is left after osiscope's own colour sequences (SGR: ESC [ digits ; m) are removed.
    static func problems(in output: [UInt8]) -> [String] {
        let text = String(decoding: output, as: UTF8.self).replacing(/\x{1B}\[[0-9;]*m/, with: "")
        var found: [String] = []
        if String(validating: output, as: UTF8.self) == nil { found.append("invalid UTF-8") }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if (value < 0x20 && value != 0x0A) || value == 0x7F || (0x80...0x9F).contains(value)
                || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) {
                found.append(String(format: "U+%04X", value))
            }
        }
        return found
    }

    @Test(arguments: views)
    func nothingButOurColoursReachesTheOutput(view: [String]) throws {
        let path = try Self.capture()
        defer { try? FileManager.default.removeItem(atPath: path) }
        for colour in ["never", "always"] {
            let result = try CommandRunner.run([view[0], path] + view.dropFirst() + ["--color", colour])
            #expect(result.status == 0, "\(view): \(result.errors)")
            #expect(result.bytes.count > 200, "\(view) shows the capture")
            #expect(Self.problems(in: result.bytes) == [], "\(view) --color \(colour)")
            #expect(Self.problems(in: Array(result.errors.utf8)) == [], "\(view) errors")
        }
    }

    /// The escaped forms are there to be read: the clear-screen sequence as text.
    @Test func theHostileBytesAreShownEscaped() throws {
        let path = try Self.capture()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let messages = try CommandRunner.run(["messages", path, "--color", "never"]).output
        #expect(messages.contains(#"WebSocket text "\x1b[2J\x1b]0;owned\x07\x9b31m\u{202e}exe.txt\u{2066}" (32 bytes)"#), "\(messages)")
        // Invalid UTF-8 is shown as the bytes it is.
        #expect(messages.contains("WebSocket text 34 32 1b 5b 32 4a 1b 5d 30 3b 6f 77 6e 65 64 07 … (37 bytes)"), "\(messages)")
    }
}
