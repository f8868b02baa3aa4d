import Foundation
import OsiscopeTestSupport
import OsiscopeWire
import Testing
@testable import OsiscopeStreams

/// The opening handshake, RFC 6455 §4 (and §1.3's worked example), and permessage-deflate
/// negotiation, RFC 7692 §7.1.
struct WebSocketHandshakeTests {
    /// RFC 6455 §1.3: the client's handshake.
    static let request: [HTTPHeader] = [
        HTTPHeader("Host", "server.example.com"),
        HTTPHeader("Upgrade", "websocket"),
        HTTPHeader("Connection", "Upgrade"),
        HTTPHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        HTTPHeader("Origin", "http://example.com"),
        HTTPHeader("Sec-WebSocket-Protocol", "chat, superchat"),
        HTTPHeader("Sec-WebSocket-Version", "13"),
    ]

    /// RFC 6455 §1.3: the server's answer.
    static let response: [HTTPHeader] = [
        HTTPHeader("Upgrade", "websocket"),
        HTTPHeader("Connection", "Upgrade"),
        HTTPHeader("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        HTTPHeader("Sec-WebSocket-Protocol", "chat"),
    ]

    static func keys(_ handshake: WebSocketHandshake) -> [String] { handshake.diagnostics.map(\.key) }

    static func replacing(_ headers: [HTTPHeader], _ name: String, with value: String?) -> [HTTPHeader] {
        var result = headers.filter { $0.name.lowercased() != name.lowercased() }
        if let value { result.append(HTTPHeader(name, value)) }
        return result
    }

    @Test func rfc6455Section1_3ExampleIsValid() {
        let handshake = WebSocketHandshake(request: Self.request, method: "GET", status: 101, response: Self.response)
        #expect(handshake.diagnostics.isEmpty)
        #expect(handshake.isUpgraded)
        #expect(handshake.keyIsValid)
        #expect(handshake.acceptMatches)
        #expect(handshake.expectedAccept == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(handshake.offeredProtocols == ["chat", "superchat"])
        #expect(handshake.chosenProtocol == "chat")
        #expect(handshake.perMessageDeflate == nil)
        #expect(handshake.version == "13")
    }

    /// §1.3: SHA-1 of "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11" is
    /// 0xb3 0x7a 0x4f 0x2c 0xc0 0x62 0x4f 0x16 0x90 0xf6 0x46 0x06 0xcf 0x38 0x59 0x45 0xb2 0xbe 0xc4 0xea.
    @Test func acceptValueFromKey() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(Data(base64Encoded: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=").map { Array($0) } == [
            0xB3, 0x7A, 0x4F, 0x2C, 0xC0, 0x62, 0x4F, 0x16, 0x90, 0xF6,
            0x46, 0x06, 0xCF, 0x38, 0x59, 0x45, 0xB2, 0xBE, 0xC4, 0xEA,
        ])
        #expect(Data(utf8("the sample nonce")).base64EncodedString() == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(Data(base64Encoded: "dGhlIHNhbXBsZSBub25jZQ=").map { Array($0) } == nil)
        #expect(Data(base64Encoded: "dGhl*HNhbXBsZSBub25jZQ==").map { Array($0) } == nil)
    }

    @Test func acceptMismatch() {
        let response = Self.replacing(Self.response, "Sec-WebSocket-Accept", with: "s3pPLMBiTxaGEmo9dBDUc8XRe5o=")
        let handshake = WebSocketHandshake(request: Self.request, status: 101, response: response,
                                           requestRange: 0..<200, responseRange: 0..<120)
        #expect(Self.keys(handshake) == ["websocket.handshake.accept_mismatch"])
        #expect(!handshake.acceptMatches)
        #expect(handshake.responseDiagnostics.first?.streamRange == 0..<120)
        #expect(handshake.responseDiagnostics.first?.severity == .error)
    }

    @Test func acceptMissingOrRepeated() {
        let missing = WebSocketHandshake(request: Self.request, status: 101,
                                         response: Self.replacing(Self.response, "Sec-WebSocket-Accept", with: nil))
        #expect(Self.keys(missing) == ["websocket.handshake.accept_missing"])
        let twice = WebSocketHandshake(request: Self.request, status: 101,
                                       response: Self.response + [HTTPHeader("sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")])
        #expect(Self.keys(twice) == ["websocket.handshake.multiple_accept"])
        #expect(!twice.acceptMatches)
    }

    @Test func upgradeAndConnectionTokens() {
        // Token lists, any case (RFC 9110 §7.6.1, §7.8).
        var request = Self.replacing(Self.request, "Connection", with: "keep-alive, UPGRADE")
        request = Self.replacing(request, "Upgrade", with: "WebSocket")
        let ok = WebSocketHandshake(request: request, status: 101,
                                    response: Self.replacing(Self.response, "connection", with: "upgrade"))
        #expect(ok.diagnostics.isEmpty)
        #expect(WebSocketHandshake.isUpgradeRequest(request))

        let noUpgrade = WebSocketHandshake(request: Self.replacing(Self.request, "Upgrade", with: nil), status: 101,
                                           response: Self.replacing(Self.response, "Upgrade", with: "h2c"))
        #expect(noUpgrade.requestDiagnostics.map(\.key) == ["websocket.handshake.upgrade_missing"])
        #expect(noUpgrade.responseDiagnostics.map(\.key) == ["websocket.handshake.upgrade_missing"])

        let noConnection = WebSocketHandshake(request: Self.replacing(Self.request, "Connection", with: "keep-alive"),
                                              status: 101, response: Self.response)
        #expect(Self.keys(noConnection) == ["websocket.handshake.connection_missing"])
        #expect(!WebSocketHandshake.isUpgradeRequest(Self.replacing(Self.request, "Connection", with: "close")))
    }

    @Test func versionKeyMethodAndHost() {
        let version8 = WebSocketHandshake(request: Self.replacing(Self.request, "Sec-WebSocket-Version", with: "8"),
                                          status: 101, response: Self.response)
        #expect(Self.keys(version8) == ["websocket.handshake.version"])
        let noVersion = WebSocketHandshake(request: Self.replacing(Self.request, "Sec-WebSocket-Version", with: nil),
                                           status: 101, response: Self.response)
        #expect(Self.keys(noVersion) == ["websocket.handshake.version"])

        // A key must be base64 for 16 bytes; the accept is still computed from what was sent.
        let shortKey = "c2hvcnQ="
        let badKey = WebSocketHandshake(
            request: Self.replacing(Self.request, "Sec-WebSocket-Key", with: shortKey), status: 101,
            response: Self.replacing(Self.response, "Sec-WebSocket-Accept", with: WebSocketHandshake.acceptValue(forKey: shortKey)))
        #expect(Self.keys(badKey) == ["websocket.handshake.key_invalid"])
        #expect(badKey.acceptMatches)

        let noKey = WebSocketHandshake(request: Self.replacing(Self.request, "Sec-WebSocket-Key", with: nil),
                                       status: 101, response: Self.response)
        #expect(Self.keys(noKey) == ["websocket.handshake.key_missing"])
        let twoKeys = WebSocketHandshake(request: Self.request + [HTTPHeader("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA==")],
                                         status: 101, response: Self.response)
        #expect(Self.keys(twoKeys) == ["websocket.handshake.multiple_key"])

        let post = WebSocketHandshake(request: Self.replacing(Self.request, "Host", with: nil), method: "POST",
                                      status: 101, response: Self.response)
        #expect(Self.keys(post) == ["websocket.handshake.method", "websocket.handshake.host_missing"])
    }

    @Test func subprotocolMustBeOneOffered() {
        let notOffered = WebSocketHandshake(request: Self.request, status: 101,
                                            response: Self.replacing(Self.response, "Sec-WebSocket-Protocol", with: "mqtt"))
        #expect(Self.keys(notOffered) == ["websocket.handshake.protocol_not_offered"])
        let two = WebSocketHandshake(request: Self.request, status: 101,
                                     response: Self.replacing(Self.response, "Sec-WebSocket-Protocol", with: "chat, superchat"))
        #expect(Self.keys(two) == ["websocket.handshake.multiple_protocol"])
        let none = WebSocketHandshake(request: Self.request, status: 101,
                                      response: Self.replacing(Self.response, "Sec-WebSocket-Protocol", with: nil))
        #expect(none.diagnostics.isEmpty)
        #expect(none.chosenProtocol == nil)
    }

    @Test func refusedUpgrade() {
        let refused = WebSocketHandshake(request: Self.request, status: 426,
                                         response: [HTTPHeader("Sec-WebSocket-Version", "13, 8")])
        #expect(!refused.isUpgraded)
        #expect(Self.keys(refused) == ["websocket.handshake.not_upgraded"])
        #expect(refused.diagnostics.first?.message.contains("13, 8") == true)
    }

    /// The negotiation recorded in Samples/websocket-deflate.pcap (websockets 17.4): the offer
    /// "permessage-deflate; client_max_window_bits" and the answer
    /// "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12", read from the
    /// capture (its capture facts).
    @Test func permessageDeflateFromTheSample() throws {
        let facts = try SampleFiles.capture("websocket-deflate")
        let offer = try #require(facts.requests.first?.header("Sec-WebSocket-Extensions").first)
        let answer = try #require(facts.responses.first { $0.status == 101 }?.header("Sec-WebSocket-Extensions").first)
        let request = Self.request + [HTTPHeader("Sec-WebSocket-Extensions", offer)]
        let response = Self.response + [HTTPHeader("Sec-WebSocket-Extensions", answer)]
        let handshake = WebSocketHandshake(request: request, status: 101, response: response)
        #expect(handshake.diagnostics.isEmpty)
        #expect(handshake.offeredExtensions == [WebSocketExtension(
            name: "permessage-deflate", parameters: [WebSocketExtension.Parameter("client_max_window_bits")])])
        let settings = try #require(handshake.perMessageDeflate)
        #expect(settings == PerMessageDeflateSettings(serverMaxWindowBits: 12, clientMaxWindowBits: 12))
        #expect(!settings.noContextTakeover(for: .client))
        #expect(!settings.noContextTakeover(for: .server))
        #expect(settings.windowBits(for: .client) == 12)
        #expect(!handshake.hasOtherExtensions)
    }

    @Test func contextTakeoverParametersMapToTheirDirection() throws {
        let request = Self.request + [HTTPHeader(
            "Sec-WebSocket-Extensions",
            "permessage-deflate; client_no_context_takeover; server_max_window_bits=\"10\", permessage-deflate")]
        let response = Self.response + [HTTPHeader(
            "sec-websocket-extensions", "permessage-deflate; client_no_context_takeover; server_max_window_bits=10")]
        let handshake = WebSocketHandshake(request: request, status: 101, response: response)
        #expect(handshake.diagnostics.isEmpty)
        #expect(handshake.offeredExtensions.count == 2)
        #expect(handshake.offeredExtensions[0].parameters[1] == WebSocketExtension.Parameter("server_max_window_bits", "10"))
        let settings = try #require(handshake.perMessageDeflate)
        #expect(settings.noContextTakeover(for: .client))
        #expect(!settings.noContextTakeover(for: .server))
        #expect(settings.windowBits(for: .server) == 10)
        #expect(settings.windowBits(for: .client) == 15)
    }

    @Test(arguments: [
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=010",
        "permessage-deflate; server_max_window_bits=abc",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; client_max_window_bits=9",
        "permessage-deflate; server_no_context_takeover=yes",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; x_unknown=1",
        "permessage-deflate, permessage-deflate",
    ])
    func invalidDeflateAnswers(_ answer: String) {
        // The client offered permessage-deflate without client_max_window_bits, so the server
        // may not set it (RFC 7692 §7.1.2.2).
        let request = Self.request + [HTTPHeader("Sec-WebSocket-Extensions", "permessage-deflate")]
        let response = Self.response + [HTTPHeader("Sec-WebSocket-Extensions", answer)]
        let handshake = WebSocketHandshake(request: request, status: 101, response: response)
        #expect(Self.keys(handshake).contains("websocket.handshake.deflate_parameter"))
        #expect(handshake.perMessageDeflate != nil)
    }

    @Test func serverWindowMayNotExceedTheOffer() {
        let request = Self.request + [HTTPHeader("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=10")]
        let larger = WebSocketHandshake(request: request, status: 101, response: Self.response + [HTTPHeader(
            "Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=12")])
        #expect(Self.keys(larger) == ["websocket.handshake.deflate_parameter"])
        let smaller = WebSocketHandshake(request: request, status: 101, response: Self.response + [HTTPHeader(
            "Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=9")])
        #expect(smaller.diagnostics.isEmpty)
    }

    @Test func invalidOfferParameter() {
        let request = Self.request + [HTTPHeader("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits=20")]
        let handshake = WebSocketHandshake(request: request, status: 101, response: Self.response)
        #expect(handshake.requestDiagnostics.map(\.key) == ["websocket.handshake.deflate_parameter"])
        #expect(handshake.perMessageDeflate == nil)
    }

    @Test func extensionsMustHaveBeenOffered() {
        let response = Self.response + [HTTPHeader("Sec-WebSocket-Extensions", "x-webkit-deflate-frame")]
        let handshake = WebSocketHandshake(request: Self.request, status: 101, response: response)
        #expect(Self.keys(handshake) == ["websocket.handshake.extension_not_offered"])
        #expect(handshake.hasOtherExtensions)
        #expect(handshake.perMessageDeflate == nil)
    }
}
