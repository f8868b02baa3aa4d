/// Fields whose values come from the whole conversation rather than one packet; the
/// streams stage computes them and adds them to the transport layer.
public enum ConversationFields {
    public static let tcpStream = FieldDescriptor("tcp.stream", "Stream index",
        blurb: "Which TCP connection of the capture this is, counted from 0 in order of first appearance.")
    public static let udpStream = FieldDescriptor("udp.stream", "Stream index",
        blurb: "Which UDP conversation of the capture this is, counted from 0 in order of first appearance.")
    public static let relativeSequence = FieldDescriptor("tcp.seq", "Sequence Number",
        blurb: "The sequence number counted from this direction's first byte, easier to read than the raw one.")
    public static let relativeAck = FieldDescriptor("tcp.ack", "Acknowledgment Number",
        blurb: "The acknowledgment number counted from the other direction's first byte.")
    public static let nextSequence = FieldDescriptor("tcp.nxtseq", "Next Sequence Number",
        blurb: "The sequence number the next segment from this side should carry.")
    public static let window = FieldDescriptor("tcp.window_size", "Calculated window size",
        blurb: "The receive window after window scaling: how many more bytes this side will accept now.")
    public static let windowScaleFactor = FieldDescriptor("tcp.window_size_scalefactor", "Window size scaling factor",
        names: { value in
            switch Int64(bitPattern: value) {
            case -1: "unknown: the handshake was not captured"
            case -2: "no window scaling used"
            default: nil
            }
        },
        blurb: "What the window value is multiplied by, as the SYNs negotiated (RFC 7323); -1 when the handshake was not captured, -2 when it turned scaling off.")
}
