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
}
