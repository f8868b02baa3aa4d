/// Splits an expression into tokens. Unquoted values are kept whole (addresses, byte strings,
/// networks) and given their meaning later, from the field they are compared with, as
/// Wireshark does.
enum FilterLexer {
    static func tokens(_ expression: String) throws(FilterSyntaxError) -> [FilterToken] {
        let characters = Array(expression)
        var tokens: [FilterToken] = []
        var index = 0
        func add(_ kind: FilterToken.Kind, from start: Int) {
            tokens.append(FilterToken(kind: kind, column: start, text: String(characters[start..<index])))
        }
        while index < characters.count {
            let start = index
            let character = characters[index]
            if character.isWhitespace { index += 1; continue }
            if character == "\"" {
                add(.string(try quoted(characters, &index)), from: start)
                continue
            }
            let startsRange = character == "." && index + 1 < characters.count && characters[index + 1] == "."
            if isWordCharacter(character), !startsRange {
                while index < characters.count, isWordCharacter(characters[index]) {
                    // `1..5` in a set: the dots end the word.
                    if characters[index] == ".", index + 1 < characters.count, characters[index + 1] == "." { break }
                    index += 1
                }
                let word = String(characters[start..<index])
                switch word {
                case "and": add(.and, from: start)
                case "or": add(.or, from: start)
                case "not": add(.not, from: start)
                case "contains": add(.contains, from: start)
                case "matches": add(.matches, from: start)
                case "in": add(.in, from: start)
                default:
                    if let relation = Relation.words[word] { add(.relation(relation), from: start) } else { add(.word(word), from: start) }
                }
                continue
            }
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            index += 1
            switch (character, next) {
            case ("=", "="): index += 1; add(.relation(.equal), from: start)
            case ("!", "="): index += 1; add(.relation(.notEqual), from: start)
            case ("<", "="): index += 1; add(.relation(.lessOrEqual), from: start)
            case (">", "="): index += 1; add(.relation(.greaterOrEqual), from: start)
            case ("<", _): add(.relation(.less), from: start)
            case (">", _): add(.relation(.greater), from: start)
            case ("&", "&"): index += 1; add(.and, from: start)
            case ("|", "|"): index += 1; add(.or, from: start)
            case ("!", _): add(.not, from: start)
            case ("(", _): add(.openParen, from: start)
            case (")", _): add(.closeParen, from: start)
            case ("{", _): add(.openBrace, from: start)
            case ("}", _): add(.closeBrace, from: start)
            case ("[", _): add(.openBracket, from: start)
            case ("]", _): add(.closeBracket, from: start)
            case (",", _): add(.comma, from: start)
            case (".", "."): index += 1; add(.range, from: start)
            case ("~", _): add(.matches, from: start)
            default:
                throw FilterSyntaxError("\"\(character)\" was unexpected in this context", column: start, length: 1)
            }
        }
        tokens.append(FilterToken(kind: .end, column: characters.count, text: ""))
        return tokens
    }

    /// Letters, digits and the characters of field names, numbers, addresses and networks.
    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || "_.:-/".contains(character)
    }

    /// A string between double quotes, from its opening quote; escapes as in C (`\"`, `\\`,
    /// `\n`, `\t`, `\r`, `\xhh`, `\0oo`).
    private static func quoted(_ characters: [Character], _ index: inout Int) throws(FilterSyntaxError) -> String {
        let start = index
        index += 1
        var bytes: [UInt8] = []
        while index < characters.count {
            let character = characters[index]
            index += 1
            if character == "\"" { return String(decoding: bytes, as: UTF8.self) }
            guard character == "\\" else { bytes += Array(String(character).utf8); continue }
            guard index < characters.count else { break }
            let escaped = characters[index]
            index += 1
            switch escaped {
            case "n": bytes.append(10)
            case "t": bytes.append(9)
            case "r": bytes.append(13)
            case "x":
                let digits = String(characters[index..<min(index + 2, characters.count)].prefix { $0.isHexDigit })
                guard digits.count == 2, let value = UInt8(digits, radix: 16) else {
                    throw FilterSyntaxError("\\x in a string needs two hex digits", column: index - 2, length: 2 + digits.count)
                }
                bytes.append(value)
                index += 2
            case "0"..."7":
                var digits = String(escaped)
                while digits.count < 3, index < characters.count, ("0"..."7").contains(characters[index]) {
                    digits.append(characters[index]); index += 1
                }
                guard let value = UInt8(digits, radix: 8) else {
                    throw FilterSyntaxError("octal escape \\\(digits) is larger than a byte", column: index - digits.count - 1, length: digits.count + 1)
                }
                bytes.append(value)
            default: bytes += Array(String(escaped).utf8)
            }
        }
        throw FilterSyntaxError("the string is missing its closing quote", column: start, length: characters.count - start)
    }
}
