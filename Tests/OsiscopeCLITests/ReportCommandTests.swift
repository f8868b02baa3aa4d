import Foundation
import Testing
import OsiscopeTestSupport

/// `report`: one HTML page that holds every packet and conversation, that is well formed, and
/// that a browser draws.
@Suite(.serialized) struct ReportCommandTests {
    static func report(_ capture: String, _ options: [String] = []) throws -> String {
        let result = try CommandRunner.run(["report", capture, "-o", "-"] + options)
        #expect(result.status == 0, "\(capture): \(result.errors)")
        return result.output
    }

    static func ids(_ html: String, _ prefix: String) -> [Int] {
        html.matches(of: #/<(?:details class="packet"|div class="conversation") id="([ps])(\d+)"/#)
            .filter { $0.1 == prefix }.map { Int($0.2)! }
    }

    /// Every element closed in order (void elements aside), as an HTML parser reads the page.
    static let balanceCheck = """
    import sys
    from html.parser import HTMLParser
    VOID = {'meta', 'br', 'hr', 'img', 'input', 'link', 'source', 'wbr'}
    class Check(HTMLParser):
        def __init__(self):
            super().__init__(); self.stack = []; self.problems = []
        def handle_starttag(self, tag, attrs):
            if tag not in VOID: self.stack.append(tag)
        def handle_startendtag(self, tag, attrs): pass
        def handle_endtag(self, tag):
            if not self.stack or self.stack[-1] != tag:
                self.problems.append('</%s> at line %d, open: %s' % (tag, self.getpos()[0], self.stack[-3:]))
            elif self.stack: self.stack.pop()
    check = Check(); check.feed(sys.stdin.read()); check.close()
    print(len(check.problems), len(check.stack), check.problems[:3])
    """

    @Test(arguments: ConformanceCaptures.all)
    func everyPacketAndConversationIsThere(capture: String) throws {
        let html = try Self.report(capture)
        let name = ConformanceCaptures.label(capture)
        let packets = try FilterCommandTests.tshark(["-r", capture, "-T", "fields", "-e", "frame.number"])
            .split(separator: "\n").compactMap { Int($0) }
        #expect(Self.ids(html, "p") == packets, "\(name): one entry per packet, in order")
        let streams = try FilterCommandTests.tshark(["-r", capture, "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", "tcp", "-T", "fields", "-e", "tcp.stream"])
        let tcpStreams = Set(streams.split(separator: "\n").compactMap { Int($0) }).sorted()
        #expect(Self.ids(html, "s") == tcpStreams, "\(name): one section per TCP conversation")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        let checked = try runScript(["python3", "-c", Self.balanceCheck], input: Data(html.utf8))
        #expect(checked.output.hasPrefix("0 0 "), "\(name): \(checked.output)")
    }

    @Test func aBrowserDrawsTheReport() throws {
        let html = try Self.report("Samples/socketio-upgrade.pcapng")
        #expect(!html.contains("http://") || !html.contains("<link"), "the page fetches nothing")
        #expect(!html.contains(" src="))
        let shot = try #require(try Browser.screenshot(Data(html.utf8), name: "report.html", width: 1200, height: 900))
        #expect(shot.width == 1200)
        #expect(shot.height == 900)
        // The heading, the legend's coloured boxes and the packet list.
        #expect(shot.ink > 20_000)
    }

    @Test func aSelectionChoosesPacketsAndTheirConversations() throws {
        let expression = "tcp.stream == 2 && websocket"
        let html = try Self.report("Samples/socketio-browser.pcapng", ["-Y", expression])
        let expected = try FilterCommandTests.tshark(["-r", "Samples/socketio-browser.pcapng", "-o", "tcp.reassemble_out_of_order:TRUE",
                                                      "-Y", expression, "-T", "fields", "-e", "frame.number"])
        #expect(Self.ids(html, "p") == expected.split(separator: "\n").compactMap { Int($0) })
        #expect(Self.ids(html, "p").count == 19)
        #expect(Self.ids(html, "s") == [2])
        #expect(html.contains("<svg"))
        #expect(html.contains("<p class=\"count\">\(Self.ids(html, "p").count) packets</p>"))
    }

    @Test func aFieldRowKnowsItsBytes() throws {
        let html = try Self.report("Samples/websocket-plain.pcapng", ["--packet", "8"])
        // The masking key of the client's first frame: 4 bytes after the 2-byte header, at 66 + 2.
        #expect(html.contains(#"<tr class="f" data-o="68" data-l="4"><td>Masking-Key: "#))
        #expect(html.contains("unmasked payload of the WebSocket frame at 66 (16 bytes)"))
    }
}
