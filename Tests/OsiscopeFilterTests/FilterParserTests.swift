import Testing
@testable import OsiscopeFilter

/// The grammar: precedence, sets, slices, literals, and every error with its column.
@Suite struct FilterParserTests {
    /// The tree written back as fully bracketed text, to assert precedence exactly.
    static func shape(_ expression: String) throws -> String {
        func operand(_ operand: Operand) -> String {
            switch operand {
            case .field(let reference):
                let slice = reference.slice.map { "[\($0.start):\($0.length.map(String.init) ?? "")]" } ?? ""
                return reference.name + slice
            case .literal(let literal): return literal.quoted ? "\"\(literal.text)\"" : literal.text
            }
        }
        func node(_ tree: FilterNode) -> String {
            switch tree {
            case .exists(let reference): return operand(.field(reference))
            case .compare(let left, let relation, let right): return "(\(operand(left)) \(relation.rawValue) \(operand(right)))"
            case .contains(let left, let right): return "(\(operand(left)) contains \(operand(right)))"
            case .matches(let left, let pattern): return "(\(operand(left)) matches \"\(pattern.source)\")"
            case .member(let left, let members):
                let inside = members.map { member -> String in
                    switch member {
                    case .value(let value): operand(value)
                    case .range(let low, let high): "\(low.text)..\(high.text)"
                    }
                }
                return "(\(operand(left)) in {\(inside.joined(separator: ", "))})"
            case .not(let inner): return "!\(node(inner))"
            case .and(let left, let right): return "(\(node(left)) && \(node(right)))"
            case .or(let left, let right): return "(\(node(left)) || \(node(right)))"
            }
        }
        return node(try DisplayFilter(expression).root)
    }

    static func error(_ expression: String) -> FilterSyntaxError? {
        do {
            _ = try DisplayFilter(expression)
            return nil
        } catch {
            return error
        }
    }

    @Test func andBindsTighterThanOrAsInTshark() throws {
        #expect(try Self.shape("tcp or udp and ip") == "(tcp || (udp && ip))")
        #expect(try Self.shape("tcp and udp or ip") == "((tcp && udp) || ip)")
        #expect(try Self.shape("tcp || udp && ip || eth") == "((tcp || (udp && ip)) || eth)")
    }

    @Test func notBindsTighterThanAndAndParenthesesGroup() throws {
        #expect(try Self.shape("!tcp && udp") == "(!tcp && udp)")
        #expect(try Self.shape("not (tcp and udp)") == "!(tcp && udp)")
        #expect(try Self.shape("not not tcp") == "!!tcp")
        #expect(try Self.shape("(tcp or udp) and ip") == "((tcp || udp) && ip)")
    }

    @Test func relationsInBothSpellings() throws {
        let pairs = [("==", "eq"), ("!=", "ne"), ("<", "lt"), ("<=", "le"), (">", "gt"), (">=", "ge")]
        for (symbol, word) in pairs {
            #expect(try Self.shape("tcp.port \(symbol) 80") == "(tcp.port \(symbol) 80)")
            #expect(try Self.shape("tcp.port \(word) 80") == "(tcp.port \(symbol) 80)")
        }
        #expect(try Self.shape("tcp.port==80&&ip") == "((tcp.port == 80) && ip)")
        // A value on the left is turned round.
        #expect(try Self.shape("80 < tcp.port") == "(tcp.port > 80)")
    }

    @Test func literalsKeepTheirTextForTheFieldToRead() throws {
        #expect(try Self.shape("ip.src == 10.0.0.0/8") == "(ip.src == 10.0.0.0/8)")
        #expect(try Self.shape("ipv6.addr == fe80::1") == "(ipv6.addr == fe80::1)")
        #expect(try Self.shape("eth.src == 00:11:22:33:44:55") == "(eth.src == 00:11:22:33:44:55)")
        #expect(try Self.shape("http.request.method == \"GET\"") == "(http.request.method == \"GET\")")
        #expect(try Self.shape("websocket.text contains \"a\\\"b\\x41\\n\"", catalog: ["websocket.text"]) == "(websocket.text contains \"a\"bA\n\")")
        #expect(try Self.shape("tcp.flags.syn == true") == "(tcp.flags.syn == true)")
    }

    @Test func setsWithCommasAndRanges() throws {
        #expect(try Self.shape("tcp.port in {80, 443, 8000..8999}") == "(tcp.port in {80, 443, 8000..8999})")
        #expect(try Self.shape("tcp.stream in {1,3..5}") == "(tcp.stream in {1, 3..5})")
        #expect(try Self.shape("http.request.method in {\"GET\", \"POST\"}") == "(http.request.method in {\"GET\", \"POST\"})")
    }

    @Test func slices() throws {
        #expect(try Self.shape("websocket.masking_key[0:2] == 12:34") == "(websocket.masking_key[0:2] == 12:34)")
        #expect(try Self.shape("eth.src[0] == 00") == "(eth.src[0:1] == 00)")
        #expect(try Self.shape("eth.src[1-3] == 00:00:00") == "(eth.src[1:3] == 00:00:00)")
        #expect(try Self.shape("frame[2:] contains 00") == "(frame[2:] contains 00)")
        #expect(try Self.shape("frame[:4] == 00:00:00:00") == "(frame[0:4] == 00:00:00:00)")
        #expect(try Self.shape("frame[-1] == 0a") == "(frame[-1:1] == 0a)")
    }

    @Test func matchesAndTilde() throws {
        #expect(try Self.shape("http.request.uri matches \"^/socket\\\\.io\"") == "(http.request.uri matches \"^/socket\\.io\")")
        #expect(try Self.shape("http.request.uri ~ \"x\"") == "(http.request.uri matches \"x\")")
    }

    @Test func twoWayFieldsStandForBoth() throws {
        let filter = try DisplayFilter("ip.addr == 1.2.3.4 && tcp.port == 1 && eth.addr && ipv6.addr && udp.port")
        #expect(filter.keys == ["ip.src", "ip.dst", "tcp.srcport", "tcp.dstport", "eth.src", "eth.dst", "ipv6.src", "ipv6.dst",
                                "udp.srcport", "udp.dstport"])
    }

    @Test func errorsPointAtTheBadToken() {
        let tripleEquals = Self.error("tcp.port === 1")
        #expect(tripleEquals == FilterSyntaxError("\"=\" was unexpected in this context", column: 11))
        #expect(tripleEquals?.rendered(expression: "tcp.port === 1") == """
            "=" was unexpected in this context.
                tcp.port === 1
                           ^
            """)
        #expect(Self.error("tcp.port in {1 2}") == FilterSyntaxError(
            "\"2\" was unexpected in this context: separate the members of a set with commas", column: 15))
        #expect(Self.error("tcp.port in {1, 2") == FilterSyntaxError("the set is never closed: add }", column: 17))
        #expect(Self.error("tcp.port in 80") == FilterSyntaxError("in takes a set: {a, b, c..d}", column: 12, length: 2))
        #expect(Self.error("(tcp") == FilterSyntaxError("the parenthesis is never closed", column: 0))
        #expect(Self.error("tcp)") == FilterSyntaxError("\")\" was unexpected in this context", column: 3))
        #expect(Self.error("") == FilterSyntaxError("the filter is empty", column: 0))
        #expect(Self.error("tcp &&") == FilterSyntaxError("the filter ends too soon", column: 6))
        #expect(Self.error("tcp.port == ") == FilterSyntaxError("the filter ends too soon", column: 12))
        #expect(Self.error("http.host == \"abc") == FilterSyntaxError("the string is missing its closing quote", column: 13, length: 4))
        #expect(Self.error("http.host matches abc") == FilterSyntaxError("matches takes a regular expression in double quotes", column: 18, length: 3))
        #expect(Self.error("http.host matches \"(\"") == FilterSyntaxError("\"(\" is not a valid regular expression", column: 18, length: 3))
        #expect(Self.error("tcp.port # 1") == FilterSyntaxError("\"#\" was unexpected in this context", column: 9))
        #expect(Self.error("80") == FilterSyntaxError("\"80\" is a value, not a field: compare a field with it", column: 0, length: 2))
        #expect(Self.error("1 == 2") == FilterSyntaxError("a comparison needs a field on one side", column: 5))
        #expect(Self.error("\"a\" contains tcp") == FilterSyntaxError("the left side must be a field, not \"a\"", column: 0, length: 1))
        #expect(Self.error("eth.src[x] == 00") == FilterSyntaxError("a slice is [i], [i:n], [i-j], [i:] or [:n]", column: 8))
        #expect(Self.error("eth.src[1 == 00") == FilterSyntaxError("the slice is never closed: add ]", column: 7))
        #expect(Self.error("tcp.port == \"http\"") == FilterSyntaxError(
            "\"http\" is not a valid value for tcp.port, which is a number", column: 13, length: 4))
        #expect(Self.error("tcp.flags.syn == maybe") == FilterSyntaxError(
            "\"maybe\" is not a valid value for tcp.flags.syn, which is a boolean (0, 1, true, false)", column: 17, length: 5))
        #expect(Self.error("http.request.uri contains \"\\x4\"") == FilterSyntaxError("\\x in a string needs two hex digits", column: 27, length: 3))
    }

    @Test func unknownFieldsAreNamedWithTheNearestKnownOnes() {
        #expect(Self.error("tcp.prot == 1") == FilterSyntaxError(
            "\"tcp.prot\" is neither a field nor a protocol; did you mean tcp.port?", column: 0, length: 8))
        #expect(Self.error("tcp && websockt") == FilterSyntaxError(
            "\"websockt\" is neither a field nor a protocol; did you mean websocket?", column: 7, length: 8))
        #expect(Self.error("tcp.srcport > tcp.dstprot") == FilterSyntaxError(
            "\"tcp.dstprot\" is neither a field nor a protocol; did you mean tcp.dstport?", column: 14, length: 11))
        #expect(Self.error("zzzzzzzzzzzz.q") == FilterSyntaxError(
            "\"zzzzzzzzzzzz.q\" is neither a field nor a protocol (see 'osiscope fields')", column: 0, length: 14))
    }
}

extension FilterParserTests {
    /// `shape` with message keys added to the catalog.
    static func shape(_ expression: String, catalog names: [String]) throws -> String {
        let filter = try DisplayFilter(expression, catalog: .packets.adding(names))
        _ = filter
        return try shape(expression, using: .packets.adding(names))
    }

    static func shape(_ expression: String, using catalog: FieldCatalog) throws -> String {
        let tree = try DisplayFilter(expression, catalog: catalog).root
        if case .contains(.field(let reference), .literal(let literal)) = tree {
            return "(\(reference.name) contains \"\(literal.text)\")"
        }
        return "?"
    }
}
