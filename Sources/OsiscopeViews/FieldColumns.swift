import OsiscopeFilter
import OsiscopeWire

/// `-T fields -e NAME … -E option=value`, as tshark writes them: one line per packet or message,
/// the values of each named field in order, several occurrences joined by the aggregator; and
/// `-T json -e …`: one object per line keyed by field name, each an array of typed values.
public struct FieldColumns: Sendable {
    public enum Occurrence: Sendable, Equatable {
        case all, first, last
        /// The nth occurrence, counting from 1.
        case number(Int)
    }

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// The names as given, with the keys that hold each one's values.
    public let names: [String]
    private let keysOfName: [[String]]
    public var separator = "\t"
    public var aggregator = ","
    public var header = false
    /// The quote put around each value ("" for none).
    public var quote = ""
    public var occurrence = Occurrence.all

    /// Every key the columns read.
    public var keys: Set<String> { Set(keysOfName.joined()) }

    public init(names: [String], options: [String], catalog: FieldCatalog) throws(Problem) {
        guard !names.isEmpty else { throw Problem(description: "-T needs the fields to write: add -e NAME (see 'osiscope fields')") }
        self.names = names
        var keys: [[String]] = []
        for name in names {
            do {
                keys.append(try catalog.resolve(name))
            } catch {
                throw Problem(description: "-e \(name): \(error.message)")
            }
        }
        keysOfName = keys
        for option in options { try apply(option) }
    }

    private mutating func apply(_ option: String) throws(Problem) {
        let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
        let value = parts.count == 2 ? parts[1] : ""
        func text(_ value: String) -> String { value == "/t" ? "\t" : value == "/s" ? " " : value }
        switch (parts.first ?? "", value) {
        case ("separator", let value) where !value.isEmpty: separator = text(value)
        case ("aggregator", let value) where !value.isEmpty: aggregator = text(value)
        case ("header", "y"): header = true
        case ("header", "n"): header = false
        case ("quote", "d"): quote = "\""
        case ("quote", "s"): quote = "'"
        case ("quote", "n"): quote = ""
        case ("occurrence", "a"): occurrence = .all
        case ("occurrence", "f"): occurrence = .first
        case ("occurrence", "l"): occurrence = .last
        case ("occurrence", let value) where Int(value).map({ $0 > 0 }) == true: occurrence = .number(Int(value)!)
        default:
            throw Problem(description: "-E \(option): the options are separator=/t|/s|TEXT, aggregator=,|/s|TEXT, header=y|n, quote=d|s|n, occurrence=f|l|a|N")
        }
    }

    /// The names, as the first line (`-E header=y`).
    public func headerLine() -> String { names.joined(separator: separator) }

    /// One line of values, a field without a value left empty.
    public func line(_ set: FieldSet) -> String {
        zip(names, keysOfName).map { _, keys in
            let values = chosen(keys.flatMap(set.occurrences(of:))).map { quote + Self.text($0) + quote }
            return values.joined(separator: aggregator)
        }.joined(separator: separator)
    }

    /// One JSON object: each field that has a value, as an array (numbers as numbers, one-bit
    /// flags as true/false, hex-formatted numbers and everything else as strings).
    public func json(_ set: FieldSet) -> String {
        var json = JSONWriter()
        for (name, keys) in zip(names, keysOfName) {
            let values = chosen(keys.flatMap(set.occurrences(of:)))
            guard !values.isEmpty else { continue }
            json.addArray(name, values.map(Self.json))
        }
        return json.finished()
    }

    private func chosen(_ occurrences: [FilterOccurrence]) -> [FilterOccurrence] {
        switch occurrence {
        case .all: occurrences
        case .first: Array(occurrences.prefix(1))
        case .last: Array(occurrences.suffix(1))
        case .number(let n): n <= occurrences.count ? [occurrences[n - 1]] : []
        }
    }

    /// A value as tshark writes it: numbers in decimal (hex-formatted ones as 0x…), flags 1 or
    /// 0, times with nine decimals, bytes as hex digits; text made safe for a terminal.
    static func text(_ occurrence: FilterOccurrence) -> String {
        switch occurrence.value {
        case .number(let number): FieldText.formatted(occurrence.descriptor?.format ?? .decimal, number)
        case .signed(let number): String(number)
        case .flag(let on): on ? "1" : "0"
        case .seconds(let seconds): String(format9: seconds)
        case .text(let text): TerminalSafe.text(text)
        case .bytes(let bytes): hex(bytes)
        case .none: "1"
        }
    }

    static func json(_ occurrence: FilterOccurrence) -> String {
        switch occurrence.value {
        case .number(let number):
            if case .hex? = occurrence.descriptor?.format { return JSONWriter.quoted(FieldText.formatted(occurrence.descriptor!.format, number)) }
            return String(number)
        case .signed(let number): return String(number)
        case .flag(let on): return on ? "true" : "false"
        case .seconds(let seconds): return String(format9: seconds)
        case .text(let text): return JSONWriter.quoted(text)
        case .bytes(let bytes): return JSONWriter.quoted(hex(bytes))
        case .none: return "true"
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
