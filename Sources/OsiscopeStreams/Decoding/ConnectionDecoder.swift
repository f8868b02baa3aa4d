import OsiscopeCapture
import OsiscopeWire

/// A decoder of the byte streams of one connection (or of a layer inside one: the plaintext
/// under TLS, the bytes after an HTTP Upgrade). Bytes arrive in order, per direction, with
/// the stream offset of their first byte; what the decoder finds goes into the context.
///
/// A class: the decoder's state (buffers, inflaters) is changed in place on every packet, and
/// sharing one reference never copies it.
public protocol ConnectionDecoder: AnyObject {
    /// The table row's name: "http", "websocket", … (conversation tables show it).
    var protocolName: String { get }
    /// For people: "HTTP", "WebSocket".
    var displayName: String { get }
    /// False for a decoder that only passes bytes by (a tunnel after CONNECT).
    var decodesPayload: Bool { get }
    /// Called once when the decoder takes over a connection from another (after an Upgrade).
    func begin(_ context: inout DecoderContext)
    func feed(_ bytes: ArraySlice<UInt8>, from direction: Direction, at offset: Int64, _ context: inout DecoderContext)
    /// Bytes the capture does not have.
    func gap(from direction: Direction, at offset: Int64, length: Int64, _ context: inout DecoderContext)
    /// The direction sent FIN and everything before it was delivered.
    func end(from direction: Direction, _ context: inout DecoderContext)
    /// The connection or the capture ended: give up whatever is held.
    func finish(_ context: inout DecoderContext)
}

extension ConnectionDecoder {
    public var decodesPayload: Bool { true }
    public func begin(_ context: inout DecoderContext) {}
    public func end(from direction: Direction, _ context: inout DecoderContext) {}
}

/// A decoder of whole payloads that another protocol delivered: a WebSocket message, an HTTP
/// body (long-polling). Engine.IO plugs in here.
public protocol PayloadDecoder: AnyObject {
    var protocolName: String { get }
    func decode(_ payload: CarriedPayload, _ context: inout DecoderContext)
    func finish(_ context: inout DecoderContext)
}

extension PayloadDecoder {
    public func finish(_ context: inout DecoderContext) {}
}

/// A payload handed on by its carrier, with the source of its bytes.
public struct CarriedPayload: Sendable {
    public var direction: Direction
    public var bytes: [UInt8]
    public var source: ByteSource?
    /// The message that carried it (an HTTP request or response, a WebSocket message).
    public var carrier: ApplicationMessage

    public init(direction: Direction, bytes: [UInt8], source: ByteSource?, carrier: ApplicationMessage) {
        self.direction = direction
        self.bytes = bytes
        self.source = source
        self.carrier = carrier
    }
}

/// Something a decoder found that belongs on the packet being processed: a layer to add (an
/// HTTP head, a WebSocket frame) or fields to add to one already there. Recorded compactly
/// and turned into fields only when a view shows the packet.
public protocol LayerRecord: Sendable {
    func apply(to packet: inout DecodedPacket)
}

/// Where the bytes a decoder reads came from: cuts the source of a range of one direction.
public protocol StreamSources {
    func source(for ranges: [Range<Int64>], _ direction: Direction) -> ByteSource
}

/// The time a message began: its first byte's packet, known when a decoder first sees it.
public struct MessageStart: Sendable, Equatable {
    public var stream: Int
    public var protocolName: String
    public var direction: Direction
    /// The packet whose bytes began the message and when it was captured.
    public var packet: Int
    public var time: Timestamp
}

/// What a decoder is told about the moment, and where it puts what it found.
public struct DecoderContext {
    /// The connection's `tcp.stream`.
    public let stream: Int
    /// The packet being processed; nil at the end of the capture.
    public let packet: Int?
    /// Its capture time, or the last packet's at the end.
    public let time: Timestamp
    /// False when nobody shows packets: decoders skip their layer records.
    public let wantsLayers: Bool
    public let sources: any StreamSources

    public internal(set) var records: [any LayerRecord] = []
    public internal(set) var messages: [ApplicationMessage] = []
    public internal(set) var starts: [MessageStart] = []
    /// Set by a decoder that hands its connection to another (HTTP after `101`).
    public internal(set) var replacement: (any ConnectionDecoder)?

    init(stream: Int, packet: Int?, time: Timestamp, wantsLayers: Bool, sources: any StreamSources) {
        self.stream = stream
        self.packet = packet
        self.time = time
        self.wantsLayers = wantsLayers
        self.sources = sources
    }

    public mutating func add(_ record: any LayerRecord) {
        if wantsLayers { records.append(record) }
    }

    public mutating func complete(_ message: ApplicationMessage) { messages.append(message) }

    /// Problems that concern the HTTP message completed last on this packet (the `101` whose
    /// handshake a later decoder checked), so that `messages` shows them on it.
    mutating func addToLastHTTPMessage(_ diagnostics: [StreamDiagnostic]) {
        guard !diagnostics.isEmpty, let index = messages.lastIndex(where: { $0.protocolName == "http" }),
              case .http(var http) = messages[index].content else { return }
        http.diagnostics += diagnostics
        messages[index].content = .http(http)
    }

    /// Problems a payload decoder found in the message that carried the payload (the HTTP or
    /// WebSocket message completed last).
    mutating func addToLastCarrier(_ diagnostics: [StreamDiagnostic]) {
        guard let index = messages.lastIndex(where: { $0.protocolName == "http" || $0.protocolName == "websocket" }) else { return }
        switch messages[index].content {
        case .http(var http):
            http.diagnostics += diagnostics
            messages[index].content = .http(http)
        case .websocket(var websocket):
            websocket.diagnostics += diagnostics
            messages[index].content = .websocket(websocket)
        default: return
        }
    }

    public mutating func started(_ protocolName: String, _ direction: Direction, at source: ByteSource) {
        guard let first = source.packetSpans.first else { return }
        starts.append(MessageStart(stream: stream, protocolName: protocolName, direction: direction,
                                   packet: first.packet, time: first.time))
    }

    /// A problem shown on the packet being processed, after the layers recorded so far.
    public mutating func diagnose(_ diagnostic: StreamDiagnostic, _ direction: Direction) {
        if wantsLayers { records.append(StreamDiagnosticsRecord(diagnostics: [diagnostic.diagnostic])) }
    }

    public mutating func handOver(to decoder: any ConnectionDecoder) { replacement = decoder }

    public func source(for ranges: [Range<Int64>], _ direction: Direction) -> ByteSource {
        sources.source(for: ranges, direction)
    }

    public func source(for range: Range<Int64>, _ direction: Direction) -> ByteSource {
        sources.source(for: [range], direction)
    }
}
