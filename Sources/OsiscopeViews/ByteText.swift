/// Text views that build their page as UTF-8 bytes (the tree, JSON) append Strings this way.
extension [UInt8] {
    /// A String's UTF-8 appended (one copy, no String growth).
    mutating func add(_ string: String) { append(contentsOf: string.utf8) }
}
