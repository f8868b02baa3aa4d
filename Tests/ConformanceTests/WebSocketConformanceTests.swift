import Foundation
import Testing
import OsiscopeTestSupport
import OsiscopeCapture
import OsiscopeStreams
import OsiscopeWire

/// WebSocket frames per packet against tshark on every sample and corpus capture: each frame's
/// opcode, FIN, MASK and 7-bit payload length, RSV bits, masking key, extended lengths, the close
/// status codes, the text tshark shows, and the bytes of binary messages (tshark's `data.data`),
/// pings and pongs.
///
/// tshark is run as `tshark -n -r FILE -o tcp.reassemble_out_of_order:TRUE -Y websocket -T json
/// -e frame.number -e websocket.opcode -e websocket.fin -e websocket.mask -e websocket.payload_length …`
/// (see `Tshark.occurrences`). tshark 4.0.17 writes FIN and MASK as "1"/"0"; `Tshark.flag` also takes
/// "True"/"False". Both tools put a frame on the packet that completes it, one entry per frame,
/// in stream order, so the lists compare element by element.
///
/// Where the two differ because tshark is wrong or shows less, the difference is listed in
/// `exceptions`, by file and packet, with both values pinned and the reason: an exception only
/// excuses exactly that difference, and an exception that no longer matches anything fails.
/// (Every corpus capture holds its opening handshake, so tshark decodes WebSocket on all of them
/// and none needs an exception; a capture without one would be listed here packet by packet.)
@Suite struct WebSocketConformanceTests {
    /// The header fields compared, as one value per frame.
    struct FrameHeader: Equatable, CustomStringConvertible {
        var opcode: UInt64
        var fin: Bool
        var mask: Bool
        var payloadLength: UInt64

        var description: String { "op=\(opcode) fin=\(fin ? 1 : 0) mask=\(mask ? 1 : 0) len=\(payloadLength)" }
    }

    /// What one packet shows of WebSocket.
    struct PacketView: Equatable {
        var frames: [FrameHeader] = []
        /// `websocket.payload.text` values, in frame order.
        var texts: [String] = []
        /// Texts of data frames (opcode 1 or 0), leaving out ping and pong payloads, which
        /// osiscope shows as text and tshark as bytes only.
        var dataTexts: [String] = []
        var closeCodes: [UInt64] = []
        /// Per packet, as tshark lists them (only frames that have one): the RSV bits of each
        /// frame (`websocket.rsv`), masking keys in hex, and 16- and 64-bit extended lengths.
        var rsv: [UInt64] = []
        var maskingKeys: [String] = []
        var extendedLengths: [String] = []
        /// Payload bytes in hex, sorted: of each binary message (joined and inflated, on the
        /// packet that completes it) and of each ping and pong; empty ones left out, as tshark
        /// shows no field for them.
        var payloads: [String] = []

        /// The header values compared besides the frames, in one list.
        var headerValues: [String] {
            rsv.map { "rsv=\($0)" } + maskingKeys.map { "key=\($0)" } + extendedLengths.sorted().map { "ext=\($0)" }
        }
    }

    enum Aspect: String { case frames, text, closeCodes }

    /// A difference from tshark that is tshark's, explained.
    struct Exception: CustomStringConvertible {
        /// `ConformanceCaptures.label` of the capture.
        var file: String
        var packet: Int
        var aspect: Aspect
        /// The values each tool shows on that packet, exactly (texts, or frame descriptions).
        var ours: [String]
        var tshark: [String]
        var reason: String

        var description: String { "\(file) packet \(packet) \(aspect.rawValue): \(reason)" }
    }

    /// The packet that completes a sample's fragmented WebSocket message (its capture facts), or
    /// -1 when the facts are missing, which `everyExceptionIsStillNeeded` then reports.
    static func fragmentedMessageEnd(_ sample: String) -> Int {
        (try? SampleFiles.capture(sample))?.fragmentedMessages.first?.packet ?? -1
    }

    static let exceptions: [Exception] = [
        Exception(
            file: "Samples/websocket-deflate.pcap", packet: fragmentedMessageEnd("websocket-deflate"), aspect: .text,
            ours: ["frag-one frag-two frag-three"],
            tshark: ["J+JL\u{FFFD}\u{FFFD}\u{FFFD}KU"],
            reason: "tshark 4.0.17 does not inflate a fragmented permessage-deflate message: it shows the joined "
                + "deflate bytes as text (invalid UTF-8 replaced), with an expert note. The peers' log "
                + "(websocket-deflate.expected.json, message 3) and the server's echo (its next message) say the text is "
                + "\"frag-one frag-two frag-three\" (Samples/websocket-deflate.md, \"tshark check\")."),
        Exception(
            file: "Samples/websocket-plain.pcapng", packet: fragmentedMessageEnd("websocket-plain"), aspect: .text,
            ours: ["frag-one frag-two frag-three"], tshark: [],
            reason: "tshark 4.0.17 shows no text for a fragmented message whose last fragment is empty (the "
                + "4th frame, FIN=1, payload 0): it reassembles nothing from an empty tail. The message is "
                + "\"frag-one frag-two frag-three\" (websocket-plain.expected.json, message 3; echoed in the server's next message)."),
    ]

    // MARK: tests

    @Test func theCapturesAreThere() {
        let samples = ConformanceCaptures.all.filter { $0.contains("/Samples/") }
        #expect(samples.count >= 5)
    }

    /// One tshark run per capture (tshark is the slow part) for the three comparisons.
    @Test(arguments: ConformanceCaptures.all)
    func webSocketEqualsTsharks(path: String) throws {
        let name = ConformanceCaptures.label(path)
        let (ours, theirs) = try Self.views(of: path)
        // Guards against comparing two empty lists: the frame count is known beforehand.
        let count = try #require(Self.knownFrameCount(path), "\(name) has no known frame count")
        #expect(theirs.values.reduce(0) { $0 + $1.frames.count } == count, "\(name): tshark's frames")
        #expect(ours.values.reduce(0) { $0 + $1.frames.count } == count, "\(name): osiscope's frames")

        let frames = Self.compare(path, ours, theirs, .frames) { $0.frames.map(\.description) }
        #expect(frames.isEmpty, "\(name) frame headers:\n\(frames.prefix(5).joined(separator: "\n"))")
        let headers = Self.compare(path, ours, theirs, .frames) { $0.headerValues }
        #expect(headers.isEmpty, "\(name) RSV bits, masking keys, extended lengths:\n\(headers.prefix(5).joined(separator: "\n"))")
        let payloads = Self.compare(path, ours, theirs, .frames) { $0.payloads.sorted() }
        #expect(payloads.isEmpty, "\(name) binary and ping/pong payloads:\n\(payloads.prefix(5).joined(separator: "\n"))")
        let closes = Self.compare(path, ours, theirs, .closeCodes) { $0.closeCodes.map { String($0) } }
        #expect(closes.isEmpty, "\(name) close codes:\n\(closes.prefix(5).joined(separator: "\n"))")
        let texts = Self.compareTexts(path, ours, theirs)
        #expect(texts.isEmpty, "\(name) text:\n\(texts.prefix(5).joined(separator: "\n"))")
    }

    /// Every exception still describes a real difference (once tshark or osiscope changes, it must go).
    @Test func everyExceptionIsStillNeeded() throws {
        for exception in Self.exceptions {
            guard let path = ConformanceCaptures.all.first(where: { ConformanceCaptures.label($0) == exception.file }) else {
                // The corpus may be absent (CI); a sample never is.
                if !exception.file.hasPrefix("corpus/") { Issue.record("\(exception.file) is not among the captures") }
                continue
            }
            let (ours, theirs) = try Self.views(of: path)
            let mine = ours[exception.packet] ?? PacketView(), reference = theirs[exception.packet] ?? PacketView()
            switch exception.aspect {
            case .text:
                #expect(mine.texts == exception.ours, "\(exception)")
                #expect(reference.texts == exception.tshark, "\(exception)")
            case .frames:
                #expect(mine.frames.map(\.description) == exception.ours, "\(exception)")
                #expect(reference.frames.map(\.description) == exception.tshark, "\(exception)")
            case .closeCodes:
                #expect(mine.closeCodes.map { String($0) } == exception.ours, "\(exception)")
                #expect(reference.closeCodes.map { String($0) } == exception.tshark, "\(exception)")
            }
        }
    }

    /// WebSocket frames in each capture: for a sample, from its capture facts (the "capture" key
    /// of Samples/NAME.expected.json, written by `Samples/verify.py capture-facts` when it was
    /// recorded), and from the corpus's INDEX.tsv (column `ws_frames`).
    static func knownFrameCount(_ path: String) -> Int? {
        let label = ConformanceCaptures.label(path)
        if label.hasPrefix("Samples/") {
            return (try? SampleFiles.capture(URL(fileURLWithPath: path).lastPathComponent))?.websocket.frames.count
        }
        guard label.hasPrefix("corpus/") else { return nil }
        var folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        while folder.lastPathComponent != "corpus" && folder.path != "/" { folder.deleteLastPathComponent() }
        guard let table = try? String(contentsOf: folder.appendingPathComponent("INDEX.tsv"), encoding: .utf8) else { return nil }
        let rows = table.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = rows.first, let column = header.firstIndex(of: "ws_frames") else { return nil }
        let file = String(label.dropFirst("corpus/".count))
        guard let row = rows.first(where: { $0.first == file }), column < row.count else { return nil }
        return Int(row[column])
    }

    // MARK: comparing

    /// Where tshark shows text, osiscope shows the same text; where osiscope shows the text of a
    /// data message, tshark shows it too.
    static func compareTexts(_ path: String, _ ours: [Int: PacketView], _ theirs: [Int: PacketView]) -> [String] {
        var mismatches: [String] = []
        for packet in Set(ours.keys).union(theirs.keys).sorted() {
            let mine = ours[packet] ?? PacketView(), reference = theirs[packet] ?? PacketView()
            let equal = reference.texts.isEmpty ? mine.dataTexts.isEmpty : textsMatch(mine.texts, reference.texts)
            if equal { continue }
            let shown = reference.texts.isEmpty ? mine.dataTexts : mine.texts
            if excused(path, packet, .text, ours: shown, tshark: reference.texts) { continue }
            mismatches.append("packet \(packet): osiscope \(shown.map(short)) tshark \(reference.texts.map(short))")
        }
        return mismatches
    }

    static func compare(_ path: String, _ ours: [Int: PacketView], _ theirs: [Int: PacketView], _ aspect: Aspect,
                        _ values: (PacketView) -> [String]) -> [String] {
        var mismatches: [String] = []
        for packet in Set(ours.keys).union(theirs.keys).sorted() {
            let mine = values(ours[packet] ?? PacketView()), reference = values(theirs[packet] ?? PacketView())
            if mine == reference || excused(path, packet, aspect, ours: mine, tshark: reference) { continue }
            mismatches.append("packet \(packet): osiscope \(mine) tshark \(reference)")
        }
        return mismatches
    }

    static func excused(_ path: String, _ packet: Int, _ aspect: Aspect, ours: [String], tshark: [String]) -> Bool {
        let file = ConformanceCaptures.label(path)
        return exceptions.contains {
            $0.file == file && $0.packet == packet && $0.aspect == aspect && $0.ours == ours && $0.tshark == tshark
        }
    }

    /// Equal texts, whole: layers keep the whole text (views cut it for display).
    static func textsMatch(_ ours: [String], _ theirs: [String]) -> Bool { ours == theirs }

    static func short(_ text: String) -> String { text.count > 60 ? String(text.prefix(60)) + "…(\(text.count))" : text }

    // MARK: reading

    static func views(of path: String) throws -> (ours: [Int: PacketView], theirs: [Int: PacketView]) {
        (try ours(path), try theirs(path))
    }

    /// osiscope's websocket layers, per packet that has any.
    static func ours(_ path: String) throws -> [Int: PacketView] {
        var views: [Int: PacketView] = [:]
        for packet in try PipelineRecording.record(path: path).packets {
            var view = PacketView()
            for layer in packet.layers where layer.protocolKey == "websocket" {
                let opcode = layer.field("websocket.opcode")?.value.number ?? 99
                view.frames.append(FrameHeader(
                    opcode: opcode,
                    fin: layer.field("websocket.fin")?.value == .flag(true),
                    mask: layer.field("websocket.mask")?.value == .flag(true),
                    payloadLength: layer.field("websocket.payload_length")?.value.number ?? 999))
                if case .bytes(let bytes)? = layer.field("websocket.payload.binary")?.value, !bytes.isEmpty {
                    view.payloads.append(hex(bytes))
                }
                if opcode == 9 || opcode == 10, case .bytes(let bytes)? = layer.field("websocket.payload")?.value, !bytes.isEmpty {
                    view.payloads.append(hex(bytes))
                }
                if case .text(let text)? = layer.field("websocket.payload.text")?.value {
                    view.texts.append(text)
                    if opcode <= 1 { view.dataTexts.append(text) }
                }
                if let code = layer.field("websocket.payload.close.status_code")?.value.number {
                    view.closeCodes.append(code)
                }
                func bit(_ key: String) -> UInt64 { layer.field(key)?.value == .flag(true) ? 1 : 0 }
                view.rsv.append(bit("websocket.rsv1") << 2 | bit("websocket.rsv2") << 1 | bit("websocket.rsv3"))
                if let key = layer.field("websocket.masking_key")?.value.number {
                    let hex = String(key, radix: 16)
                    view.maskingKeys.append(String(repeating: "0", count: 8 - hex.count) + hex)
                }
                for name in ["websocket.payload_length_ext_16", "websocket.payload_length_ext_64"] {
                    if let length = layer.field(name)?.value.number { view.extendedLengths.append(String(length)) }
                }
            }
            if !view.frames.isEmpty { views[packet.packet.number] = view }
        }
        return views
    }

    /// tshark's WebSocket frames, per packet that has any.
    static func theirs(_ path: String) throws -> [Int: PacketView] {
        let rows = try Tshark.occurrences(
            ["websocket.opcode", "websocket.fin", "websocket.mask", "websocket.payload_length", "websocket.payload.text",
             "websocket.payload.close.status_code", "websocket.rsv", "websocket.masking_key",
             "websocket.payload_length_ext_16", "websocket.payload_length_ext_64", "data.data",
             "websocket.payload.ping", "websocket.payload.pong"],
            filter: "websocket", of: path)
        var views: [Int: PacketView] = [:]
        for (packet, row) in rows {
            let opcodes = row["websocket.opcode"] ?? [], fins = row["websocket.fin"] ?? []
            let masks = row["websocket.mask"] ?? [], lengths = row["websocket.payload_length"] ?? []
            var view = PacketView()
            for index in opcodes.indices {
                // A missing or unreadable value makes an impossible frame, which fails the comparison.
                func value(_ list: [String]) -> String { index < list.count ? list[index] : "?" }
                view.frames.append(FrameHeader(
                    opcode: UInt64(value(opcodes)) ?? 99, fin: Tshark.flag(value(fins)) ?? false,
                    mask: Tshark.flag(value(masks)) ?? false, payloadLength: UInt64(value(lengths)) ?? 999))
            }
            if fins.count != opcodes.count || masks.count != opcodes.count || lengths.count != opcodes.count {
                view.frames.append(FrameHeader(opcode: 99, fin: false, mask: false, payloadLength: 999))
            }
            view.texts = row["websocket.payload.text"] ?? []
            view.dataTexts = view.texts
            view.closeCodes = (row["websocket.payload.close.status_code"] ?? []).map { UInt64($0) ?? 99_999 }
            view.rsv = (row["websocket.rsv"] ?? []).map { UInt64($0.dropFirst(2), radix: 16) ?? 99 }
            view.maskingKeys = row["websocket.masking_key"] ?? []
            view.extendedLengths = (row["websocket.payload_length_ext_16"] ?? []) + (row["websocket.payload_length_ext_64"] ?? [])
            view.payloads = ["data.data", "websocket.payload.ping", "websocket.payload.pong"].flatMap { row[$0] ?? [] }
            views[packet] = view
        }
        return views
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes { text += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: text, as: UTF8.self)
    }
}
