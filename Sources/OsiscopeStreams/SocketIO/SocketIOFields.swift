import OsiscopeWire

/// The fields of the socket.io layer.
enum SocketIOFields {
    static let type = FieldDescriptor("socket.io.type", "Packet type", names: { value in
        value <= 6 ? SocketIOPacketType(code: UInt8(value)).name : nil
    }, blurb: "0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK.")
    static let namespace = FieldDescriptor("socket.io.namespace", "Namespace", .text,
        blurb: "Which channel of the one connection the packet belongs to; \"/\" unless the packet names another.")
    static let attachments = FieldDescriptor("socket.io.attachments", "Attachments",
        blurb: "How many binary messages follow this packet; placeholders in its JSON name them by number.")
    static let ackID = FieldDescriptor("socket.io.ack_id", "Ack id",
        blurb: "An event with an id asks for an acknowledgement; the ACK with the same id answers it.")
    static let event = FieldDescriptor("socket.io.event", "Event", .text,
        blurb: "The event's name: the first element of the EVENT's JSON array.")
    static let args = FieldDescriptor("socket.io.args", "Arguments", .text,
        blurb: "The event's arguments after its name, or an ACK's data, as JSON (attachments in place as _binary_base64).")
    static let data = FieldDescriptor("socket.io.data", "Data", .text,
        blurb: "A CONNECT's auth payload or the server's answer with the socket id, a CONNECT_ERROR's reason, as JSON.")
    static let all = [type, namespace, attachments, ackID, event, args, data]
}
