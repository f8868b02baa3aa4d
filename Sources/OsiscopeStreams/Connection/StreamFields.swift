import OsiscopeWire

/// Field tables for the layers the stream stage adds to packets, keyed as in Wireshark.
enum HTTPFields {
    static let method = FieldDescriptor("http.request.method", "Request Method", .text,
        blurb: "What the client asks the server to do: GET fetches, POST sends data, HEAD asks for the head only.")
    static let uri = FieldDescriptor("http.request.uri", "Request URI", .text,
        blurb: "Which resource on the server the request is about.")
    static let requestVersion = FieldDescriptor("http.request.version", "Request Version", .text,
        blurb: "The HTTP version the client speaks; HTTP/1.1 keeps the connection open by default.")
    static let responseVersion = FieldDescriptor("http.response.version", "Response Version", .text,
        blurb: "The HTTP version the server answers with.")
    static let status = FieldDescriptor("http.response.code", "Status Code",
        blurb: "The outcome as a number: 2xx success, 3xx go elsewhere, 4xx the client's fault, 5xx the server's; 101 switches protocols.")
    static let phrase = FieldDescriptor("http.response.phrase", "Response Phrase", .text,
        blurb: "The outcome in words, for people only.")
    static let requestLine = FieldDescriptor("http.request.line", "Header", .text,
        blurb: "One header line of the request: a name, a colon and a value.")
    static let responseLine = FieldDescriptor("http.response.line", "Header", .text,
        blurb: "One header line of the response: a name, a colon and a value.")
    static let bodyLength = FieldDescriptor("http.body_length", "Body length",
        blurb: "Bytes of the body as sent (after chunked framing is removed). Every request and response repeats its whole head: that is the overhead WebSocket avoids.")
    /// Wireshark's `http.content_length`: the header's number, present only with the header
    /// (a HEAD response states a length it does not send).
    static let contentLengthValue = FieldDescriptor("http.content_length", "Content length",
        blurb: "The number the Content-Length header states: how many body bytes follow the head.")
    static let chunks = FieldDescriptor("http.chunk_count", "Chunks",
        blurb: "The body came in this many chunks (Transfer-Encoding: chunked), each announced by its size.")
    static let responseIn = FieldDescriptor("http.response_in", "Response in",
        blurb: "The packet that completed the answer to this request.")
    static let requestIn = FieldDescriptor("http.request_in", "Request in",
        blurb: "The packet that completed the request this response answers.")
    static let time = FieldDescriptor("http.time", "Time since request",
        blurb: "Seconds between the request and this response: one full round trip of half-duplex HTTP.")
    static let decodedBody = FieldDescriptor("http.file_data.decoded_length", "Decoded body length",
        blurb: "Bytes of the body after removing its Content-Encoding (gzip or deflate).")
}

/// HTTP header fields that have a Wireshark key of their own; other headers are
/// `http.request.line` or `http.response.line`. The label shown is the header's own name.
enum HTTPHeaderFields {
    static let host = FieldDescriptor("http.host", "Host", .text,
        blurb: "The server name (and port) the client wants: one address can serve many sites.")
    static let userAgent = FieldDescriptor("http.user_agent", "User-Agent", .text,
        blurb: "The client program and its version.")
    static let accept = FieldDescriptor("http.accept", "Accept", .text,
        blurb: "The media types the client can take in the response.")
    static let acceptEncoding = FieldDescriptor("http.accept_encoding", "Accept Encoding", .text,
        blurb: "The compressions (gzip, deflate, br) the client can undo.")
    static let acceptLanguage = FieldDescriptor("http.accept_language", "Accept-Language", .text,
        blurb: "The languages the reader prefers.")
    static let connection = FieldDescriptor("http.connection", "Connection", .text,
        blurb: "Options for this connection only: keep-alive, close, or Upgrade to switch protocols.")
    static let upgrade = FieldDescriptor("http.upgrade", "Upgrade", .text,
        blurb: "The protocol the client asks to switch to on this connection (websocket), or the server switches to.")
    static let contentType = FieldDescriptor("http.content_type", "Content-Type", .text,
        blurb: "The media type of the body (text/html, application/json …).")
    static let contentLength = FieldDescriptor("http.content_length_header", "Content-Length", .text,
        blurb: "The body's length in bytes as the header states it.")
    static let contentEncoding = FieldDescriptor("http.content_encoding", "Content-Encoding", .text,
        blurb: "The compression applied to the body (gzip, deflate).")
    static let transferEncoding = FieldDescriptor("http.transfer_encoding", "Transfer-Encoding", .text,
        blurb: "How the body is framed on the wire: chunked sends it in pieces, each with its size.")
    static let date = FieldDescriptor("http.date", "Date", .text,
        blurb: "When the message was sent, in the sender's clock.")
    static let server = FieldDescriptor("http.server", "Server", .text,
        blurb: "The server program and its version.")
    static let cacheControl = FieldDescriptor("http.cache_control", "Cache-Control", .text,
        blurb: "Whether and how long caches may keep the response.")
    static let location = FieldDescriptor("http.location", "Location", .text,
        blurb: "Where a redirect points, or where a created resource is.")
    static let cookie = FieldDescriptor("http.cookie", "Cookie", .text,
        blurb: "State the client hands back to the server.")
    static let setCookie = FieldDescriptor("http.set_cookie", "Set-Cookie", .text,
        blurb: "State the server asks the client to keep and send back.")
    static let referer = FieldDescriptor("http.referer", "Referer", .text,
        blurb: "The page that linked to this request.")
    static let lastModified = FieldDescriptor("http.last_modified", "Last-Modified", .text,
        blurb: "When the resource last changed; a later If-Modified-Since can get 304 Not Modified.")
    static let authorization = FieldDescriptor("http.authorization", "Authorization", .text,
        blurb: "The client's credentials.")
    static let wwwAuthenticate = FieldDescriptor("http.www_authenticate", "WWW-Authenticate", .text,
        blurb: "How the server wants the client to authenticate.")
    static let xForwardedFor = FieldDescriptor("http.x_forwarded_for", "X-Forwarded-For", .text,
        blurb: "The client address a proxy forwarded the request for.")
    static let secWebsocketKey = FieldDescriptor("http.sec_websocket_key", "Sec-WebSocket-Key", .text,
        blurb: "16 random bytes in base64 from the client; the server proves it read the request by hashing them.")
    static let secWebsocketAccept = FieldDescriptor("http.sec_websocket_accept", "Sec-WebSocket-Accept", .text,
        blurb: "base64(SHA-1(key + a fixed GUID)): the server's proof that it speaks WebSocket.")
    static let secWebsocketVersion = FieldDescriptor("http.sec_websocket_version", "Sec-WebSocket-Version", .text,
        blurb: "The WebSocket protocol version the client speaks; 13 is RFC 6455.")
    static let secWebsocketExtensions = FieldDescriptor("http.sec_websocket_extensions", "Sec-WebSocket-Extensions", .text,
        blurb: "Extensions offered by the client or accepted by the server, such as permessage-deflate.")
    static let secWebsocketProtocol = FieldDescriptor("http.sec_websocket_protocol", "Sec-WebSocket-Protocol", .text,
        blurb: "Application subprotocols offered by the client, or the one the server chose.")

    /// By lower-case header name.
    static let byName: [String: FieldDescriptor] = [
        "host": host,
        "user-agent": userAgent,
        "accept": accept,
        "accept-encoding": acceptEncoding,
        "accept-language": acceptLanguage,
        "connection": connection,
        "upgrade": upgrade,
        "content-type": contentType,
        "content-length": contentLength,
        "content-encoding": contentEncoding,
        "transfer-encoding": transferEncoding,
        "date": date,
        "server": server,
        "cache-control": cacheControl,
        "location": location,
        "cookie": cookie,
        "set-cookie": setCookie,
        "referer": referer,
        "last-modified": lastModified,
        "authorization": authorization,
        "www-authenticate": wwwAuthenticate,
        "x-forwarded-for": xForwardedFor,
        "sec-websocket-key": secWebsocketKey,
        "sec-websocket-accept": secWebsocketAccept,
        "sec-websocket-version": secWebsocketVersion,
        "sec-websocket-extensions": secWebsocketExtensions,
        "sec-websocket-protocol": secWebsocketProtocol,
    ]

    static let all: [FieldDescriptor] = [
        host, userAgent, accept, acceptEncoding, acceptLanguage, connection, upgrade, contentType, contentLength, contentEncoding, transferEncoding, date, server, cacheControl, location, cookie, setCookie, referer, lastModified, authorization, wwwAuthenticate, xForwardedFor, secWebsocketKey, secWebsocketAccept, secWebsocketVersion, secWebsocketExtensions, secWebsocketProtocol,
    ]
}

enum WebSocketFields {
    static let fin = FieldDescriptor("websocket.fin", "Fin", .flag, mask: UInt64(WebSocketFrameLayout.finBit),
        blurb: "Set on the last frame of a message; a message may be split into several frames.")
    static let rsv = FieldDescriptor("websocket.rsv", "Reserved", mask: UInt64(WebSocketFrameLayout.rsvMask),
        blurb: "The three reserved bits as one number (4 is RSV1 alone: a compressed message under permessage-deflate).")
    static let rsv1 = FieldDescriptor("websocket.rsv1", "Reserved 1", .flag, mask: UInt64(WebSocketFrameLayout.rsv1Bit),
        blurb: "Meaningful only with an extension: with permessage-deflate it marks a compressed message.")
    static let rsv2 = FieldDescriptor("websocket.rsv2", "Reserved 2", .flag, mask: UInt64(WebSocketFrameLayout.rsv2Bit), blurb: "Must be 0 unless an extension defines it.")
    static let rsv3 = FieldDescriptor("websocket.rsv3", "Reserved 3", .flag, mask: UInt64(WebSocketFrameLayout.rsv3Bit), blurb: "Must be 0 unless an extension defines it.")
    static let opcode = FieldDescriptor("websocket.opcode", "Opcode", mask: UInt64(WebSocketFrameLayout.opcodeMask), names: { value in
        switch value {
        case 0: "Continuation"
        case 1: "Text"
        case 2: "Binary"
        case 8: "Connection Close"
        case 9: "Ping"
        case 10: "Pong"
        default: nil
        }
    }, blurb: "What the frame carries: 1 text, 2 binary, 0 the next part of a message, 8 close, 9 ping, 10 pong.")
    static let mask = FieldDescriptor("websocket.mask", "Mask", .flag, mask: UInt64(WebSocketFrameLayout.maskBit),
        blurb: "Set when the payload is masked: every frame from client to server must be, none from the server.")
    static let payloadLength = FieldDescriptor("websocket.payload_length", "Payload length", mask: UInt64(WebSocketFrameLayout.lengthMask),
        blurb: "Length in 7 bits: up to 125 it is the length; 126 and 127 say a 16- or 64-bit length follows.")
    static let extended16 = FieldDescriptor("websocket.payload_length_ext_16", "Extended Payload length (16 bits)",
        blurb: "The payload length when it is 126 to 65535 bytes.")
    static let extended64 = FieldDescriptor("websocket.payload_length_ext_64", "Extended Payload length (64 bits)",
        blurb: "The payload length when it is more than 65535 bytes.")
    static let maskingKey = FieldDescriptor("websocket.masking_key", "Masking-Key", .hex(digits: 8),
        blurb: "Four random bytes XORed over the payload so that proxies cannot be fooled by crafted bytes.")
    static let payload = FieldDescriptor("websocket.payload", "Payload", .bytes,
        blurb: "The frame's data, shown unmasked: a client's payload is XORed with the masking key on the wire, and this is what the application sent.")
    static let text = FieldDescriptor("websocket.payload.text", "Text", .text,
        blurb: "The message as text (after joining fragments, unmasking and inflating).")
    static let binary = FieldDescriptor("websocket.payload.binary", "Binary", .bytes,
        blurb: "The binary message's bytes (after joining fragments, unmasking and inflating); tshark shows them as data.data.")
    static let closeCode = FieldDescriptor("websocket.payload.close.status_code", "Close status code",
        blurb: "Why the connection is closing, as a registered number (1000 normal, 1001 going away …).")
    static let closeReason = FieldDescriptor("websocket.payload.close.reason", "Close reason", .text,
        blurb: "Why the connection is closing, in words chosen by the sender.")
    static let messageLength = FieldDescriptor("websocket.message_length", "Message length",
        blurb: "Bytes of the whole message after joining its frames and inflating.")
    static let frames = FieldDescriptor("websocket.message_frames", "Frames in message",
        blurb: "How many frames carried this message.")
    static let accept = FieldDescriptor("websocket.handshake.accept_ok", "Sec-WebSocket-Accept check", .check,
        blurb: "The server proved it understood the WebSocket request: SHA-1 of the client's key and a fixed GUID, in base64.")
    static let expectedAccept = FieldDescriptor("websocket.handshake.expected_accept", "Expected Sec-WebSocket-Accept", .text,
        blurb: "What the server should have answered for the client's key.")
    static let deflate = FieldDescriptor("websocket.handshake.permessage_deflate", "permessage-deflate", .text,
        blurb: "The peers agreed to compress each message with DEFLATE (RFC 7692).")
    static let subprotocol = FieldDescriptor("websocket.handshake.protocol", "Subprotocol", .text,
        blurb: "The application protocol the server chose among those the client offered.")
}
