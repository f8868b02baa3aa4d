import OsiscopeWire

/// The frame of `osiscope report`'s page: one self-contained HTML file (styles and the small
/// script inline, nothing fetched), readable without the script and printable.
public enum ReportPage {
    public static func header(file: String, version: String) -> String {
        let name = HTMLText.escape(file)
        let legend = [OSILayer.dataLink, .network, .transport, .presentation, .application].map { osi in
            "<span class=\"o\(osi.rawValue)\">Layer \(osi.rawValue) · \(osi.title)</span>"
        }.joined(separator: " ")
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="osiscope \(HTMLText.escape(version))">
        <title>osiscope report: \(name)</title>
        <style>\(style)</style>
        </head>
        <body>
        <header><h1>\(name)</h1>
        <p>Every packet layer by layer (open one to see its fields and bytes; point at a field to light up its bytes), \
        then each conversation with its sequence diagram and figures. Written by osiscope \(HTMLText.escape(version)).</p>
        <p class="legend">\(legend)</p>
        <nav><a href="#packets">Packets</a> · <a href="#conversations">Conversations</a></nav></header>
        <section id="packets"><h2>Packets</h2>
        <div class="row head"><span>No.</span><span>Time</span><span>Source</span><span>Destination</span><span>Protocol</span><span>Length</span><span>Info</span></div>

        """
    }

    /// Between the packets and the conversations.
    public static func conversationsStart(packets: Int) -> String {
        "<p class=\"count\">\(packets) packet\(packets == 1 ? "" : "s")</p>\n</section>\n<section id=\"conversations\"><h2>Conversations</h2>\n"
    }

    public static func footer(conversations: Int, leftOut: Int) -> String {
        var text = conversations == 0 ? "<p>No TCP conversations.</p>\n" : ""
        if leftOut > 0 { text += "<p class=\"count\">\(leftOut) more conversations left out (see <code>osiscope stats</code>).</p>\n" }
        return text + "</section>\n<script>\(script)</script>\n</body>\n</html>\n"
    }

    static let style = """
    body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;background:#fff}\
    h1{font-size:1.4em;margin:0 0 .3em}h2{margin-top:1.5em;border-bottom:1px solid #ccc}\
    code,pre,.row,.hex{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}\
    .legend span{padding:1px 6px;border-radius:3px;margin-right:4px;white-space:nowrap}\
    .row{display:grid;grid-template-columns:4em 7em 12em 12em 6.5em 4.5em 1fr;gap:0 .6em;padding:1px 4px;white-space:nowrap}\
    .row span{overflow:hidden;text-overflow:ellipsis}.row.head{font-weight:bold;border-bottom:1px solid #ccc}\
    details.packet>summary{list-style:none;cursor:pointer}details.packet>summary::-webkit-details-marker{display:none}\
    details.packet>summary:hover{background:#f3f3f3}details.packet[open]>summary{background:#e8e8e8}\
    .body{margin:.3em 0 1em 1.5em}.frame{color:#555;margin:.2em 0}\
    .layer{border-left:6px solid;margin:.4em 0;padding:.2em .6em}.layer h4{margin:.1em 0;font-size:1em}\
    .layer table{border-collapse:collapse}.layer td{padding:0 .8em 0 0;vertical-align:top}\
    .layer td.key{color:#666;font-family:ui-monospace,monospace;font-size:12px}\
    tr.f:hover{background:#0001}.diag{color:#8a4b00}.diag.error{color:#b00020}\
    .hex{white-space:pre;margin:.4em 0;line-height:1.5}.hex .off{color:#888}.hex i{font-style:normal}\
    .hex i.lit{outline:2px solid #000;background:#ffeb3b}.source{color:#555;margin-top:.6em}\
    .o1{background:#eceff1;border-color:#90a4ae}.o2{background:#dbeafe;border-color:#3b82f6}\
    .o3{background:#dcfce7;border-color:#22c55e}.o4{background:#fef9c3;border-color:#eab308}\
    .o5{background:#fae8ff;border-color:#d946ef}.o6{background:#ede9fe;border-color:#8b5cf6}\
    .o7{background:#ffedd5;border-color:#f97316}.count{color:#555}\
    .conversation{margin:1em 0 2em}.conversation pre{background:#f7f7f7;padding:.6em;overflow-x:auto}\
    .conversation svg{max-width:100%;height:auto;border:1px solid #ddd}\
    @media print{details.packet .body{display:block}}
    """

    /// Pointing at a field row lights up its bytes in the packet's dump.
    static let script = """
    document.addEventListener('mouseover',function(e){var r=e.target.closest&&e.target.closest('tr.f');\
    document.querySelectorAll('i.lit').forEach(function(b){b.classList.remove('lit')});if(!r)return;\
    var hex=r.closest('.body').querySelector('.hex');if(!hex)return;var bytes=hex.querySelectorAll('i');\
    var o=+r.dataset.o,l=+r.dataset.l;for(var k=o;k<o+l&&k<bytes.length;k++)bytes[k].classList.add('lit')});
    """
}
