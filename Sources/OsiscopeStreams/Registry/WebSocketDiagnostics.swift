import OsiscopeWire
/// The diagnostics of WebSocket, like Wireshark's expert-info rows: each key defined once,
/// with its severity and what it means; decoders add the particulars.
enum WebSocketDiagnostics {
    static let gap = DiagnosticDescriptor("websocket.gap", .warning,
        "… bytes of the …'s stream were not captured")
    static let frameIncomplete = DiagnosticDescriptor("websocket.frame.incomplete", .warning,
        "The stream ends inside a frame header (… bytes)")
    static let lengthMsbSet = DiagnosticDescriptor("websocket.length.msb_set", .error,
        "The 64-bit payload length has its most significant bit set (RFC 6455 §5.2 says it must be 0); looking for the next frame")
    static let lengthNotMinimal = DiagnosticDescriptor("websocket.length.not_minimal", .warning,
        "The payload length … uses the …-bit form although a shorter one fits (RFC 6455 §5.2 requires the shortest)")
    static let resync = DiagnosticDescriptor("websocket.resync", .note,
        "Skipped … bytes that do not start a plausible frame, looking for the next frame header")
    static let handshakeMethod = DiagnosticDescriptor("websocket.handshake.method", .error,
        "The upgrade request uses …; RFC 6455 §4.1 requires GET")
    static let handshakeHostMissing = DiagnosticDescriptor("websocket.handshake.host_missing", .warning,
        "The upgrade request has no Host header (RFC 6455 §4.1)")
    static let handshakeUpgradeMissing = DiagnosticDescriptor("websocket.handshake.upgrade_missing", .error,
        "The request lacks \"Upgrade: websocket\" (RFC 6455 §4.1)")
    static let handshakeConnectionMissing = DiagnosticDescriptor("websocket.handshake.connection_missing", .error,
        "The request's Connection header does not list \"Upgrade\" (RFC 6455 §4.1)")
    static let handshakeKeyMissing = DiagnosticDescriptor("websocket.handshake.key_missing", .error,
        "The request has no Sec-WebSocket-Key (RFC 6455 §4.1)")
    static let handshakeMultipleKey = DiagnosticDescriptor("websocket.handshake.multiple_key", .error,
        "The request has … Sec-WebSocket-Key headers; exactly one is allowed (RFC 6455 §4.1)")
    static let handshakeKeyInvalid = DiagnosticDescriptor("websocket.handshake.key_invalid", .error,
        "Sec-WebSocket-Key \"…\" is not the base64 encoding of 16 bytes (RFC 6455 §4.1)")
    static let handshakeVersion = DiagnosticDescriptor("websocket.handshake.version", .error,
        "Sec-WebSocket-Version is …; RFC 6455 §4.1 requires 13")
    static let handshakeDeflateParameter = DiagnosticDescriptor("websocket.handshake.deflate_parameter", .warning,
        "permessage-deflate offer: …")
    static let handshakeNotUpgraded = DiagnosticDescriptor("websocket.handshake.not_upgraded", .warning,
        "the server did not answer the upgrade request with 101 Switching Protocols")
    static let handshakeAcceptMissing = DiagnosticDescriptor("websocket.handshake.accept_missing", .error,
        "The 101 answer has no Sec-WebSocket-Accept (RFC 6455 §4.2.2)")
    static let handshakeAcceptMismatch = DiagnosticDescriptor("websocket.handshake.accept_mismatch", .error,
        "Sec-WebSocket-Accept is \"…\" but the key calls for \"…\" = base64(SHA-1(key + …)) (RFC 6455 §4.2.2)")
    static let handshakeMultipleAccept = DiagnosticDescriptor("websocket.handshake.multiple_accept", .error,
        "The 101 answer has … Sec-WebSocket-Accept headers; exactly one is allowed (RFC 6455 §4.2.2)")
    static let handshakeMultipleProtocol = DiagnosticDescriptor("websocket.handshake.multiple_protocol", .error,
        "the server chose more than one subprotocol; at most one is allowed (RFC 6455 §4.2.2)")
    static let handshakeProtocolNotOffered = DiagnosticDescriptor("websocket.handshake.protocol_not_offered", .error,
        "The server chose subprotocol \"…\", which the client did not offer (RFC 6455 §4.1, client check 6)")
    static let handshakeExtensionNotOffered = DiagnosticDescriptor("websocket.handshake.extension_not_offered", .error,
        "The server accepted extension \"…\", which the client did not offer (RFC 6455 §4.1, client check 5)")
    static let closeAfterClose = DiagnosticDescriptor("websocket.close.after_close", .warning,
        "A frame sent after this direction's close frame (RFC 6455 §5.5.1: nothing may follow a close frame)")
    static let fragmentStartLost = DiagnosticDescriptor("websocket.fragment.start_lost", .note,
        "A continuation frame whose message started in bytes that were not captured")
    static let fragmentContinuationWithoutStart = DiagnosticDescriptor("websocket.fragment.continuation_without_start", .error,
        "A continuation frame with no fragmented message to continue (RFC 6455 §5.4)")
    static let messageIncomplete = DiagnosticDescriptor("websocket.message.incomplete", .warning,
        "The end of this fragmented message was not captured")
    static let fragmentInterleaved = DiagnosticDescriptor("websocket.fragment.interleaved", .error,
        "A new … message started before this fragmented message ended (RFC 6455 §5.4)")
    static let deflateAssumed = DiagnosticDescriptor("websocket.deflate.assumed", .note,
        "RSV1 is set and no handshake was seen: inflating as permessage-deflate")
    static let maskUnmaskedClientFrame = DiagnosticDescriptor("websocket.mask.unmasked_client_frame", .error,
        "A client frame without a masking key: clients must mask every frame (RFC 6455 §5.1, §5.3)")
    static let maskMaskedServerFrame = DiagnosticDescriptor("websocket.mask.masked_server_frame", .error,
        "A masked server frame: servers must not mask (RFC 6455 §5.1)")
    static let rsvUnexpected = DiagnosticDescriptor("websocket.rsv.unexpected", .error,
        "… set, but no negotiated extension defines them (RFC 6455 §5.2)")
    static let rsvRsv1Control = DiagnosticDescriptor("websocket.rsv.rsv1_control", .error,
        "RSV1 set on a control frame: permessage-deflate compresses only data messages (RFC 7692 §6.1)")
    static let rsvRsv1Continuation = DiagnosticDescriptor("websocket.rsv.rsv1_continuation", .error,
        "RSV1 set on a continuation frame: permessage-deflate marks only a message's first frame (RFC 7692 §6.1)")
    static let opcodeReserved = DiagnosticDescriptor("websocket.opcode.reserved", .error,
        "Opcode 0x… is reserved (RFC 6455 §5.2)")
    static let controlFragmented = DiagnosticDescriptor("websocket.control.fragmented", .error,
        "A control frame with FIN clear: control frames must not be fragmented (RFC 6455 §5.5)")
    static let controlTooLong = DiagnosticDescriptor("websocket.control.too_long", .error,
        "A … frame with … payload bytes: control frames carry at most 125 (RFC 6455 §5.5)")
    static let closePayloadOneByte = DiagnosticDescriptor("websocket.close.payload_one_byte", .error,
        "A close payload of 1 byte: it must be empty or start with a 2-byte status code (RFC 6455 §5.5.1)")
    static let closeInvalidCode = DiagnosticDescriptor("websocket.close.invalid_code", .error,
        "Close code … may not be sent in a close frame: … (RFC 6455 §7.4)")
    static let closeInvalidUtf8 = DiagnosticDescriptor("websocket.close.invalid_utf8", .error,
        "The close reason is not valid UTF-8 (RFC 6455 §5.5.1)")
    static let messageLimit = DiagnosticDescriptor("websocket.message.limit", .note,
        "Message of … bytes: only the first … are kept (the message size limit)")
    static let textInvalidUtf8 = DiagnosticDescriptor("websocket.text.invalid_utf8", .error,
        "A text message that is not valid UTF-8… (RFC 6455 §5.6, §8.1)")
    static let deflateSkipped = DiagnosticDescriptor("websocket.deflate.skipped", .warning,
        "This compressed message is not inflated: …")
    static let deflateWindowReset = DiagnosticDescriptor("websocket.deflate.window_reset", .note,
        "Inflating with the window kept from earlier messages failed (…); from a fresh window it worked, so earlier data was lost or the sender did not keep its context")
    static let deflateLimit = DiagnosticDescriptor("websocket.deflate.limit", .warning,
        "Inflating stopped at … bytes (the message size limit); the rest of the message was not inflated. … compressed bytes inflate to more than that")
    static let deflateFailed = DiagnosticDescriptor("websocket.deflate.failed", .error,
        "the compressed message does not inflate")
    static let deflateStreamLimit = DiagnosticDescriptor("websocket.deflate.stream_limit", .warning,
        "… bytes were inflated in this direction, the limit per connection: later compressed messages are not inflated")

    static let all: [DiagnosticDescriptor] = [
        gap, frameIncomplete, lengthMsbSet, lengthNotMinimal, resync, handshakeMethod, handshakeHostMissing, handshakeUpgradeMissing, handshakeConnectionMissing, handshakeKeyMissing, handshakeMultipleKey, handshakeKeyInvalid, handshakeVersion, handshakeDeflateParameter, handshakeNotUpgraded, handshakeAcceptMissing, handshakeAcceptMismatch, handshakeMultipleAccept, handshakeMultipleProtocol, handshakeProtocolNotOffered, handshakeExtensionNotOffered, closeAfterClose, fragmentStartLost, fragmentContinuationWithoutStart, messageIncomplete, fragmentInterleaved, deflateAssumed, maskUnmaskedClientFrame, maskMaskedServerFrame, rsvUnexpected, rsvRsv1Control, rsvRsv1Continuation, opcodeReserved, controlFragmented, controlTooLong, closePayloadOneByte, closeInvalidCode, closeInvalidUtf8, messageLimit, textInvalidUtf8, deflateSkipped, deflateWindowReset, deflateLimit, deflateFailed, deflateStreamLimit,
    ]
}
