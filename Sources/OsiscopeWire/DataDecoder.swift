/// Bytes no decoder claimed: shown as data so nothing in a packet goes unseen.
enum DataDecoder {
    static let data = FieldDescriptor("data.data", "Data", .bytes,
        blurb: "Payload bytes that this view does not decode further.")
    static let length = FieldDescriptor("data.len", "Length",
        blurb: "How many payload bytes there are.")

    static func decode(at offset: Int, _ context: inout DecodeContext) -> (NextLayer, Int)? {
        var builder = context.builder(at: offset)
        let count = builder.available
        guard count > 0, context.records else { return nil }
        let bytes = Array(builder.slice(0..<count)!)
        builder.value(data, 0..<count, .bytes(bytes))
        builder.generated(length, .number(UInt64(count)))
        context.add(builder.layer("data", "Data", .application, length: count, summary: "\(count) bytes"))
        return nil
    }
}
