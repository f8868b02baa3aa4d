#!/usr/bin/env python3
"""Check a recorded sample with tshark (Wireshark's decoder as an independent reference).

  verify.py check CAPTURE EXPECTED.json
      - every TCP connection is complete: SYN, SYN/ACK, a FIN from each side, no RST
      - no IP packet is bigger than 1500 bytes (lo MTU 1500, TSO/GSO off)
      - WebSocket samples: the messages tshark decodes match EXPECTED["messages"]
      - HTTP sample: tshark's requests/responses match EXPECTED["requests"/"responses"]
      Prints a one-line summary per capture; exits 1 on a mismatch.

  verify.py capture-facts [--check] SAMPLE...
      Derives the facts of a capture that tests need (packet count, TCP
      connections and their byte counts, every HTTP message and WebSocket frame
      and message with the packets that carried it, stream byte ranges) with
      tshark and stores them under the key "capture" of the sample's
      expected.json, leaving every other key as it is. SAMPLE is a capture
      (its expected file is NAME.expected.json next to it) or the name of a
      sample in Samples/ ("websocket-plain"). With --check nothing is written:
      exits 1 when a file's "capture" is missing or differs from the capture.
      The schema is described in Samples/README.md ("The capture key").

  verify.py updates-expected CAPTURE CLIENT_LOG SERVER_LOG MODE
      Prints the expected.json of update-reload, update-short-polling,
      update-long-polling and update-websocket (MODE reload, short, long, ws;
      without "capture"): the five updates with the packets that carried them,
      the HTTP requests and responses or WebSocket messages, the TCP
      connections and totals per direction (packets, frame.len bytes, TCP
      payload, HTTP head and body bytes, WebSocket frame header and payload
      bytes), all from tshark, and checked against the logs of
      peers/updates_server.py and peers/updates_client.py. `check`
      recomputes all of it from the capture and compares.

  verify.py duplex-expected CAPTURE CLIENT_LOG SERVER_LOG
      Prints the expected.json of websocket-duplex (without "capture"): messages
      with first/last packet, per-direction totals, and under "duplex" each data
      message's in-flight interval (first packet until the other side's first ACK
      of its last byte) and the client/server message pairs whose intervals
      overlap (at least 3 required); checked against the logs of
      peers/duplex_server.py and peers/duplex_client.py. `check` recomputes it.

  verify.py socketio-expected CAPTURE CLIENT_LOG SERVER_LOG
      Prints the expected.json of the Socket.IO sample. python-socketio puts
      random session ids in its messages, so the WebSocket message list comes
      from the capture (tshark), and is cross-checked against the events both
      peers logged: every event must appear, in the same order, as the
      Socket.IO packet text the protocol defines.

  verify.py socketio-truth CAPTURE CLIENT_LOG SERVER_LOG DESCRIPTION
      Prints the expected.json of socketio-polling, socketio-websocket,
      socketio-broadcast, socketio-v3 and socketio-browser (without
      "capture"): the Engine.IO and Socket.IO packets decoded from the
      capture's HTTP bodies and WebSocket messages (Engine.IO v4 and v3
      payload encodings), sessions, TCP connections and the requests each
      carried, heartbeats, the room broadcast; every Socket.IO packet is
      checked against the peers' logs (peers/sio5_*.py, peers/sio3_*.py, the
      browser page's console log) and every logged packet must be on the wire.
      Every packet must be TCP of the server's port. Requests outside
      Engine.IO (socketio-browser's page and client script) are "static": the
      server's log names each file it served, whose sha256 must be the body on
      the wire; the expected file keeps only that digest, not the text. `check` recomputes all this for such an expected file (from
      the capture and the logs kept in it) and compares.

Known tshark 4.0 limitations this script works around (not capture problems):
  - for a fragmented *uncompressed* text message tshark shows no bytes for the
    first frame: its content is checked through the continuation frames and
    the frame lengths;
  - for a fragmented *compressed* message tshark 4.0 does not decompress the
    reassembled payload (it shows deflate bytes as text): only frame
    structure (opcodes, FIN, RSV1 on the first frame) is checked for it.
Standard library only; needs tshark on PATH.
"""
import hashlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

OPCODES = {0: "continuation", 1: "text", 2: "binary", 8: "close", 9: "ping", 10: "pong"}


def pdml(capture):
    out = subprocess.run(
        ["tshark", "-r", capture, "-o", "tcp.reassemble_out_of_order:TRUE", "-T", "pdml"],
        check=True, capture_output=True).stdout
    return ET.fromstring(out)


def fields(elem, name):
    return [f for f in elem.iter("field") if f.get("name") == name]


def first(elem, name, attr="show"):
    fs = fields(elem, name)
    return fs[0].get(attr) if fs else None


def hexbytes(value):
    return bytes.fromhex(value or "")


class Packet:
    def __init__(self, pk):
        self.el = pk
        self.number = int(first(pk, "frame.number"))
        self.stream = first(pk, "tcp.stream")
        self.srcport = int(first(pk, "tcp.srcport") or 0)
        self.dstport = int(first(pk, "tcp.dstport") or 0)
        ip_len = first(pk, "ip.len")
        self.ip_size = int(ip_len) if ip_len else int(first(pk, "ipv6.plen") or 0) + 40
        flag = lambda n: first(pk, "tcp.flags." + n) in ("1", "True")
        self.syn, self.ack, self.fin, self.rst = flag("syn"), flag("ack"), flag("fin"), flag("reset")
        self.tcp_len = int(first(pk, "tcp.len") or 0)


def check_tcp(packets):
    """Every connection: SYN, SYN/ACK, FIN both ways, no RST. Returns error strings."""
    errors, streams = [], {}
    for p in packets:
        if p.stream is None:
            continue
        s = streams.setdefault(p.stream, {"syn": 0, "synack": 0, "fin_ports": set(), "rst": 0, "ports": set()})
        s["ports"].add(p.srcport)
        s["syn"] += p.syn and not p.ack
        s["synack"] += p.syn and p.ack
        s["rst"] += p.rst
        if p.fin:
            s["fin_ports"].add(p.srcport)
    for sid, s in streams.items():
        if s["syn"] != 1 or s["synack"] != 1:
            errors.append(f"tcp stream {sid}: {s['syn']} SYN, {s['synack']} SYN/ACK")
        if s["fin_ports"] != s["ports"]:
            errors.append(f"tcp stream {sid}: FIN only from ports {sorted(s['fin_ports'])}")
        if s["rst"]:
            errors.append(f"tcp stream {sid}: {s['rst']} RST")
    return errors, len(streams)


def add_frame_totals(totals, frames):
    """Adds each frame's header (2 bytes, +2 or +8 for the extended length, +4 for the mask;
    RFC 6455 section 5.2) and payload to its side's totals."""
    for f in frames:
        n = f["wire_length"]
        totals["websocket_header_bytes"][f["from"]] += 2 + (2 if 126 <= n < 65536 else 8 if n >= 65536 else 0) \
            + (4 if f["masked"] else 0)
        totals["websocket_payload_bytes"][f["from"]] += n


def ws_frames(packets, server_port):
    """One dict per WebSocket frame, in capture order, with what tshark shows."""
    frames = []
    for p in packets:
        protos = [x for x in p.el if x.tag == "proto"]
        for i, proto in enumerate(protos):
            if proto.get("name") != "websocket":
                continue
            # Fields of this frame that tshark puts in the protos after it
            # (data, data-text-lines, fake-field-wrapper) up to the next frame.
            extra = []
            for nxt in protos[i + 1:]:
                if nxt.get("name") == "websocket":
                    break
                extra.append(nxt)
            length = int(first(proto, "websocket.payload_length"))
            if length == 126:
                length = int(first(proto, "websocket.payload_length_ext_16"))
            elif length == 127:
                length = int(first(proto, "websocket.payload_length_ext_64"))
            f = {
                "packet": p.number,
                "stream": p.stream,
                "proto_index": i,     # place among the packet's protos (wire order in the packet)
                "from": "server" if p.srcport == server_port else "client",
                "opcode": int(first(proto, "websocket.opcode")),
                "fin": first(proto, "websocket.fin") in ("1", "True"),
                "rsv1": int(first(proto, "websocket.rsv"), 16) & 4 != 0,
                "masked": first(proto, "websocket.mask") in ("1", "True"),
                "wire_length": length,
            }
            allf = [proto] + extra
            for el in allf:
                for name, key in (("websocket.payload.text", "text"), ("websocket.payload.continue", "cont"),
                                  ("data.data", "data"), ("websocket.payload.ping", "ping"),
                                  ("websocket.payload.pong", "pong")):
                    v = first(el, name, "value")
                    if v is not None and key not in f:
                        f[key] = hexbytes(v)
                code = first(el, "websocket.payload.close.status_code")
                if code is not None:
                    f["close_code"] = int(code)
                    reason = first(el, "websocket.payload.close.reason", "value")
                    f["close_reason"] = hexbytes(reason).decode() if reason else ""
            frames.append(f)
    return frames


def ws_messages(frames):
    """Group frames into messages (control frames may sit inside a fragmented message)."""
    messages, partial = [], {}
    for f in frames:
        op = f["opcode"]
        if op >= 8:
            m = {"from": f["from"], "opcode": OPCODES[op], "frames": [f]}
            payload = f.get("ping", f.get("pong"))
            if payload is not None:
                m["payload"] = payload
            if op == 8:
                m["close_code"] = f.get("close_code")
                m["close_reason"] = f.get("close_reason", "")
            messages.append(m)
            continue
        if op in (1, 2):
            partial[f["from"]] = {"from": f["from"], "opcode": OPCODES[op], "frames": []}
            messages.append(partial[f["from"]])
        m = partial[f["from"]]
        m["frames"].append(f)
        if f["fin"]:
            m["compressed"] = m["frames"][0]["rsv1"]
            if len(m["frames"]) == 1:
                m["payload"] = f.get("text") if op == 1 else f.get("data", b"")
            del partial[f["from"]]
    return messages


def compare_ws(messages, expected):
    errors = []
    if len(messages) != len(expected):
        errors.append(f"{len(messages)} WebSocket messages in the capture, {len(expected)} expected")
    for n, (m, e) in enumerate(zip(messages, expected)):
        where = f"message {n} (packet {m['frames'][0]['packet']})"
        if (m["from"], m["opcode"]) != (e["from"], e["opcode"]):
            errors.append(f"{where}: {m['from']} {m['opcode']}, expected {e['from']} {e['opcode']}")
            continue
        if "compressed" in e and m.get("compressed") != e["compressed"]:
            errors.append(f"{where}: RSV1 (compressed) is {m.get('compressed')}, expected {e['compressed']}")
        nframes = e.get("frames", 1)
        if len(m["frames"]) != nframes:
            errors.append(f"{where}: {len(m['frames'])} frames, expected {nframes}")
        if e["opcode"] == "close":
            if (m["close_code"], m["close_reason"]) != (e["close_code"], e["close_reason"]):
                errors.append(f"{where}: close {m['close_code']} {m['close_reason']!r}, expected "
                              f"{e['close_code']} {e['close_reason']!r}")
            continue
        if e.get("text") is not None:
            want = e["text"].encode()
        elif e.get("data_hex") is not None:
            want = bytes.fromhex(e["data_hex"])
        else:
            want = None  # long message: compare length and sha256
        got = m.get("payload")
        if got is None and nframes > 1:
            # Fragmented message: tshark shows continuation payloads only.
            if m.get("compressed"):
                print(f"  note: {where}: fragmented compressed message, tshark 4.0 cannot "
                      f"decompress it; checked frame structure only")
                continue
            conts = b"".join(f.get("cont", b"") for f in m["frames"][1:])
            total = sum(f["wire_length"] for f in m["frames"])
            first_len = m["frames"][0]["wire_length"]
            if total != e["length"] or want[first_len:] != conts:
                errors.append(f"{where}: fragments differ (total {total}, continuations {conts!r})")
            continue
        if got is None:
            errors.append(f"{where}: tshark shows no payload")
            continue
        if len(got) != e["length"]:
            errors.append(f"{where}: length {len(got)}, expected {e['length']}")
        if want is not None and got != want:
            errors.append(f"{where}: payload {got[:40]!r}, expected {want[:40]!r}")
        if "sha256" in e and hashlib.sha256(got).hexdigest() != e["sha256"]:
            errors.append(f"{where}: sha256 differs")
    return errors


def http_exchanges(packets):
    reqs, resps = [], []
    for p in packets:
        for proto in (x for x in p.el if x.tag == "proto" and x.get("name") == "http"):
            body = first(proto, "http.file_data", "value")
            if first(proto, "http.request.method") is not None:
                reqs.append({"method": first(proto, "http.request.method"),
                             "uri": first(proto, "http.request.uri"),
                             "body": hexbytes(body), "packet": p.number})
            elif first(proto, "http.response.code") is not None:
                resps.append({"status": int(first(proto, "http.response.code")),
                              "body": hexbytes(body), "packet": p.number})
    return reqs, resps


def compare_http(packets, expected):
    errors = []
    reqs, resps = http_exchanges(packets)
    if len(reqs) != len(expected["requests"]) or len(resps) != len(expected["responses"]):
        errors.append(f"{len(reqs)} requests/{len(resps)} responses in the capture, expected "
                      f"{len(expected['requests'])}/{len(expected['responses'])}")
    for r, e in zip(reqs, expected["requests"]):
        if (r["method"], r["uri"], len(r["body"])) != (e["method"], e["uri"], e["body_length"]):
            errors.append(f"packet {r['packet']}: {r['method']} {r['uri']} ({len(r['body'])} bytes), expected {e}")
    for r, e in zip(resps, expected["responses"]):
        if (r["status"], len(r["body"])) != (e["status"], e["body_length"]) \
                or hashlib.sha256(r["body"]).hexdigest() != e["body_sha256"]:
            errors.append(f"packet {r['packet']}: {r['status']} ({len(r['body'])} bytes), expected {e}")
    streams = {p.stream for p in packets if p.stream is not None}
    if len(streams) != 1:
        errors.append(f"{len(streams)} TCP connections, expected one kept-alive connection")
    return errors, len(reqs)


def server_port_of(packets):
    for p in packets:
        if p.syn and p.ack:
            return p.srcport
    raise SystemExit("no SYN/ACK in capture")


def check(capture, expected_path):
    expected = json.load(open(expected_path))
    packets = [Packet(pk) for pk in pdml(capture)]
    errors, nstreams = check_tcp(packets)
    biggest = max(p.ip_size for p in packets)
    if biggest > 1500:
        errors.append(f"an IP packet of {biggest} bytes: segmentation offload still on?")
    summary = f"{capture}: {len(packets)} packets, {nstreams} TCP connection(s), largest IP packet {biggest}"
    if "messages" in expected:
        frames = ws_frames(packets, server_port_of(packets))
        messages = ws_messages(frames)
        errors += compare_ws(messages, expected["messages"])
        summary += f", {len(frames)} WebSocket frames, {len(messages)} messages"
    if "requests" in expected:
        errs, n = compare_http(packets, expected)
        errors += errs
        summary += f", {n} HTTP requests"
    if "updates" in expected:
        errs, n = check_updates(capture, expected)
        errors += errs
        summary += f", {n} updates"
    if "duplex" in expected:
        errs, n = check_duplex(capture, expected)
        errors += errs
        summary += f", {n} client/server message pairs in flight at once"
    if "events" in expected and "protocol" in expected:
        errs, n = check_socketio(capture, expected)
        errors += errs
        summary += f", {n} Socket.IO packets"
    print(summary)
    for e in errors:
        print("  ERROR:", e)
    return not errors


def socketio_expected(capture, client_log, server_log):
    packets = [Packet(pk) for pk in pdml(capture)]
    frames = ws_frames(packets, server_port_of(packets))
    out = []
    for m in ws_messages(frames):
        e = {"from": m["from"], "opcode": m["opcode"]}
        if m["opcode"] == "close":
            e["close_code"], e["close_reason"] = m["close_code"], m["close_reason"]
            e["length"] = 2 + len(m["close_reason"].encode()) if m["close_code"] is not None else 0
        elif m["opcode"] in ("text",):
            e["text"] = m["payload"].decode()
            e["length"] = len(m["payload"])
        else:
            e["data_hex"] = m["payload"].hex()
            e["length"] = len(m["payload"])
        if m["opcode"] in ("text", "binary"):
            e["compressed"] = m["compressed"]
        out.append(e)

    # Cross-check: the Socket.IO packets for the events the peers logged must
    # be there, in order (packet formats from the Socket.IO v5 protocol).
    clog, slog = json.load(open(client_log)), json.load(open(server_log))
    texts = [e.get("text", "") for e in out]
    wanted = [
        ("client", lambda t: t == "2probe"), ("server", lambda t: t == "3probe"), ("client", lambda t: t == "5"),
        ("client", lambda t: t.startswith("40")), ("server", lambda t: t.startswith('40{"sid":')),
        ("client", lambda t: t.endswith('["chat","hello",{"n":1}]') and t.startswith("42")),
        ("server", lambda t: t.startswith("43") and t.endswith('["ok"]')),
        ("server", lambda t: t == "42" + json.dumps(["news", slog_news(slog)], separators=(",", ":"))),
        ("client", lambda t: t.startswith("451-") and '"upload"' in t and '"_placeholder":true' in t),
        ("server", lambda t: t.startswith("43") and t.endswith("[3]")),
    ]
    i = 0
    for who, pred in wanted:
        while i < len(out) and not (out[i]["from"] == who and pred(texts[i])):
            i += 1
        if i == len(out):
            raise SystemExit(f"socketio-expected: no {who} message for step {wanted.index((who, pred))}")
        i += 1
    binaries = [e for e in out if e["opcode"] == "binary"]
    if [b["data_hex"] for b in binaries] != ["010203"]:
        raise SystemExit("socketio-expected: binary attachment 010203 missing")
    for log in (clog, slog):
        events = [e["event"] for e in log]
        for ev in ("connect", "chat", "news", "upload"):
            if ev not in events:
                raise SystemExit(f"socketio-expected: event {ev} missing from {log}")
    reqs, resps = http_exchanges(packets)
    doc = {
        "description": "WebSocket messages of the Socket.IO session in wire order, taken from the "
                       "capture with tshark and cross-checked against both peers' event logs "
                       "(session ids are random per recording)",
        "server": f"127.0.0.1:{server_port_of(packets)}",
        "client_events": clog,
        "server_events": slog,
        "http": {
            "requests": [{"method": r["method"], "uri": r["uri"], "body_length": len(r["body"])} for r in reqs],
            "responses": [{"status": r["status"], "body_length": len(r["body"]),
                           "body": r["body"].decode()} for r in resps],
        },
        "messages": out,
    }
    return json.dumps(doc, indent=2)


def slog_news(slog):
    for e in slog:
        if e["event"] == "news":
            return e["args"][0]
    raise SystemExit("socketio-expected: server log has no news event")


# ---------------------------------------------------------------- Socket.IO sessions
#
# socketio-polling, socketio-websocket, socketio-broadcast (Engine.IO v4 / Socket.IO v5) and
# socketio-v3 (Engine.IO v3 / Socket.IO v4): the Engine.IO and Socket.IO packets are decoded
# here from what tshark shows (HTTP bodies, WebSocket messages), following the protocol
# documents, and then checked against both peers' logs (peers/sio5_*.py, peers/sio3_*.py):
# every event a peer logged must be on the wire, in the peer's order, and every Socket.IO
# packet on the wire must be in a peer's log. The wire gives what the logs cannot: ack ids,
# the BINARY_ variants, packet numbers, which TCP connection carried what.

EIO_TYPES = ["OPEN", "CLOSE", "PING", "PONG", "MESSAGE", "UPGRADE", "NOOP"]
SIO_TYPES = {
    5: ["CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"],
    4: ["CONNECT", "DISCONNECT", "EVENT", "ACK", "ERROR", "BINARY_EVENT", "BINARY_ACK"],
}


def query_of(uri):
    from urllib.parse import parse_qs, urlsplit
    return {k: v[0] for k, v in parse_qs(urlsplit(uri).query).items()}


def eio_packet(type_digit, data, binary, base64_form=False):
    return {"type": EIO_TYPES[type_digit], "binary": binary, "base64": base64_form, "data": data}


def eio_text_packet(text):
    """One Engine.IO packet in text form ("4..." or, v4 polling / v3 text payload, "b..." base64)."""
    import base64
    if text.startswith("b"):
        if text[1:2].isdigit():    # v3 text payload: "b4" + base64
            return eio_packet(int(text[1]), base64.b64decode(text[2:]), True, True), "base64 b4"
        return eio_packet(4, base64.b64decode(text[1:]), True, True), "base64 b"     # v4: "b" + base64
    return eio_packet(int(text[0]), text[1:], False), None


def eio_payload(body, eio):
    """The packets of a polling body and the payload encoding seen."""
    packets, encodings = [], []
    if eio == 4:
        # Engine.IO v4: packets separated by the record separator 0x1e; binary as "b" + base64.
        for part in body.decode("utf-8").split("\x1e"):
            pkt, enc = eio_text_packet(part)
            packets.append(pkt)
            encodings.append(enc or "text")
        return packets, "v4 text, 0x1e-separated" + (" with base64 b" if "base64 b" in encodings else "")
    if body[:1] in (b"\x00", b"\x01"):
        # Engine.IO v3 binary (XHR2) payload: per packet 0 (string) or 1 (binary), the length as
        # one byte per decimal digit, 0xff, then the packet; a binary packet's first byte is its type.
        i = 0
        while i < len(body):
            binary = body[i] == 1
            i += 1
            n = 0
            while body[i] != 0xFF:
                n = n * 10 + body[i]
                i += 1
            data = body[i + 1:i + 1 + n]
            i += 1 + n
            if binary:
                packets.append(eio_packet(data[0], data[1:], True))
            else:
                packets.append(eio_text_packet(data.decode("utf-8"))[0])
        return packets, "v3 binary (0/1, length digits, 0xff)"
    # Engine.IO v3 text payload: "length:packet" repeated (length in characters).
    text, i = body.decode("utf-8"), 0
    while i < len(text):
        j = text.index(":", i)
        n = int(text[i:j])
        packets.append(eio_text_packet(text[j + 1:j + 1 + n])[0])
        i = j + 1 + n
    return packets, "v3 text (length:packet)"


def sio_decode(text, sio):
    """A Socket.IO packet from the data of an Engine.IO MESSAGE."""
    t, i = int(text[0]), 1
    attachments = 0
    if t in (5, 6):
        j = text.index("-", i)
        attachments, i = int(text[i:j]), j + 1
    namespace = "/"
    if text[i:i + 1] == "/":
        j = text.find(",", i)
        # Protocol v4 (v3 library) writes "40/admin" with no comma when nothing follows.
        namespace, i = (text[i:], len(text)) if j < 0 else (text[i:j], j + 1)
    j = i
    while j < len(text) and text[j].isdigit():
        j += 1
    ack_id = int(text[i:j]) if j > i else None
    data = json.loads(text[j:]) if j < len(text) else None
    return {"type": SIO_TYPES[sio][t], "namespace": namespace, "ack_id": ack_id, "data": data,
            "attachments": attachments}


def with_attachments(value, blobs):
    if isinstance(value, dict) and value.get("_placeholder") is True and "num" in value:
        return {"_binary_hex": blobs[value["num"]].hex()}
    if isinstance(value, list):
        return [with_attachments(v, blobs) for v in value]
    if isinstance(value, dict):
        return {k: with_attachments(v, blobs) for k, v in value.items()}
    return value


def wire_items(capture):
    """HTTP messages and WebSocket messages in wire order: (packet, place in packet, dict)."""
    packets = [Packet(pk) for pk in pdml(capture)]
    server_port = server_port_of(packets)
    items = []
    for p in packets:
        protos = [x for x in p.el if x.tag == "proto"]
        for i, proto in enumerate(protos):
            if proto.get("name") != "http":
                continue
            body = hexbytes(first(proto, "http.file_data", "value"))
            entry = {"kind": "http", "packet": p.number, "stream": int(p.stream), "body": body,
                     "from": "server" if p.srcport == server_port else "client"}
            if first(proto, "http.request.method") is not None:
                entry.update(method=first(proto, "http.request.method"), uri=first(proto, "http.request.uri"),
                             upgrade=any(hexbytes(l.get("value")).lower().startswith(b"upgrade:")
                                         for l in fields(proto, "http.request.line")))
            else:
                entry.update(status=int(first(proto, "http.response.code")),
                             request_in=int(first(proto, "http.request_in") or 0),
                             content_type=first(proto, "http.content_type"))
            items.append((p.number, i, entry))
    partial = {}
    for f in ws_frames(packets, server_port):
        key = (f["stream"], f["from"])
        if f["opcode"] >= 8:
            items.append((f["packet"], f["proto_index"], {"kind": "ws", "packet": f["packet"], "packets": [f["packet"]],
                                                          "stream": int(f["stream"]), "from": f["from"],
                                                          "opcode": OPCODES[f["opcode"]], "frame": f}))
            continue
        if f["opcode"] in (1, 2):
            partial[key] = {"kind": "ws", "stream": int(f["stream"]), "from": f["from"],
                            "opcode": OPCODES[f["opcode"]], "frames": [], "packets": []}
        m = partial[key]
        m["frames"].append(f)
        m["packets"].append(f["packet"])
        if f["fin"]:
            if len(m["frames"]) != 1:
                raise SystemExit("socketio-truth: fragmented WebSocket message: not expected from python-socketio")
            m["payload"] = f.get("text") if f["opcode"] == 1 else f.get("data", b"")
            m["packet"] = f["packet"]
            items.append((f["packet"], f["proto_index"], m))
            del partial[key]
    items.sort(key=lambda x: (x[0], x[1]))
    return packets, server_port, [entry for _, _, entry in items]


def http_body_fields(body):
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_hex": body.hex(), "body_sha256": hashlib.sha256(body).hexdigest()}


def static_body_fields(body):
    """A file served besides Engine.IO (socketio-browser's page and client script): its digest,
    not its text (the script is not part of the repository)."""
    return {"body_sha256": hashlib.sha256(body).hexdigest()}


def log_key(entry):
    return (entry["from"], entry["namespace"], entry["type"], entry.get("event"),
            json.dumps(entry.get("args"), sort_keys=True))


def socketio_truth(capture, clog, slog):
    """The ground truth of a Socket.IO sample (everything but "capture" and "description")."""
    packets, server_port, items = wire_items(capture)
    requests = {}          # packet number of a request -> its entry
    stream_session = {}    # tcp stream -> Engine.IO sid of its WebSocket
    eio_version = None
    eio_log = []           # Engine.IO packets in wire order
    payload_encodings = []
    tcp = {}

    def conn(stream):
        if stream not in tcp:
            client = next(p for p in packets if p.stream is not None and int(p.stream) == stream and p.syn and not p.ack)
            tcp[stream] = {"stream": stream, "client": f"127.0.0.1:{client.srcport}", "client_port": client.srcport,
                           "eio_sid": None, "client_name": None, "transports": [], "requests": []}
        return tcp[stream]

    def add_eio(sid, sender, pkt, transport, item, carrier):
        eio_log.append({"eio_sid": sid, "from": sender, "transport": transport, "carrier": carrier,
                        "stream": item["stream"], "packet": item["packet"], **pkt})

    # Only the sample's own traffic: every packet is TCP to or from the server's port.
    for p in packets:
        if p.stream is None or server_port not in (p.srcport, p.dstport):
            raise SystemExit(f"socketio-truth: packet {p.number} is not TCP of the server's port {server_port}")

    for item in items:
        c = conn(item["stream"])
        if item["kind"] == "http" and "method" in item and "EIO" not in query_of(item["uri"]):
            # Not Engine.IO: a file the server serves besides (socketio-browser: the page and
            # the socket.io client script the browser loads before it connects).
            req = {"packet": item["packet"], "method": item["method"], "kind": "static", "eio_sid": None,
                   "uri": item["uri"]}
            requests[item["packet"]] = (req, None, item)
            c["requests"].append(req)
        elif item["kind"] == "http" and "method" in item:
            q = query_of(item["uri"])
            eio_version = eio_version or int(q["EIO"])
            kind = ("upgrade" if item["upgrade"] else "websocket") if q.get("transport") == "websocket" else \
                ("handshake" if "sid" not in q else ("poll" if item["method"] == "GET" else "send"))
            req = {"packet": item["packet"], "method": item["method"], "kind": kind, "eio_sid": q.get("sid"),
                   "uri": item["uri"]}
            requests[item["packet"]] = (req, q, item)
            c["requests"].append(req)
            transport = q.get("transport")
            if transport not in c["transports"]:
                c["transports"].append(transport)
            if q.get("sid"):
                c["eio_sid"] = c["eio_sid"] or q["sid"]
                if transport == "websocket":
                    stream_session[item["stream"]] = q["sid"]
            if item["method"] == "POST":
                pkts, enc = eio_payload(item["body"], int(q["EIO"]))
                payload_encodings.append({"packet": item["packet"], "from": "client", "encoding": enc})
                for pkt in pkts:
                    add_eio(q["sid"], "client", pkt, "polling", item, "POST body")
        elif item["kind"] == "http":
            req, q, req_item = requests[item["request_in"]]
            req.update(status=item["status"], response_packet=item["packet"])
            if req["kind"] == "static":
                continue
            if req["kind"] in ("handshake", "poll") and item["status"] == 200:
                pkts, enc = eio_payload(item["body"], int(q["EIO"]))
                payload_encodings.append({"packet": item["packet"], "from": "server", "encoding": enc,
                                          "content_type": item["content_type"]})
                sid = q.get("sid") or pkts[0]["data"] and json.loads(pkts[0]["data"])["sid"]
                if req["kind"] == "handshake":
                    req["eio_sid"] = c["eio_sid"] = sid
                for pkt in pkts:
                    add_eio(sid, "server", pkt, "polling", item, "GET response")
        elif item["opcode"] in ("text", "binary"):
            payload = item["payload"]
            if item["opcode"] == "text":
                pkt = eio_text_packet(payload.decode("utf-8"))[0]
            elif eio_version == 4:
                pkt = eio_packet(4, payload, True)         # v4: a binary frame is a binary MESSAGE
            else:
                pkt = eio_packet(payload[0], payload[1:], True)   # v3: type byte, then the bytes
            if item["stream"] not in stream_session:
                if pkt["type"] != "OPEN":
                    raise SystemExit(f"socketio-truth: packet {item['packet']}: WebSocket without a session")
                stream_session[item["stream"]] = c["eio_sid"] = json.loads(pkt["data"])["sid"]
            add_eio(stream_session[item["stream"]], item["from"], pkt, "websocket", item,
                    f"WebSocket {item['opcode']} message")

    sio = 5 if eio_version == 4 else 4
    # Names of the clients: the server log ties each Engine.IO sid to the name in the auth
    # payload (v5) or to the only client (v3).
    names = {}
    for e in slog:
        if e.get("eio_sid") and e.get("client"):
            names[e["eio_sid"]] = e["client"]
    sessions, order = {}, []
    for e in eio_log:
        sid = e["eio_sid"]
        if sid not in sessions:
            order.append(sid)
            sessions[sid] = {"client": names.get(sid), "eio_sid": sid, "transports": [], "tcp_streams": [],
                             "open": None, "namespaces": {}, "refused_namespaces": {}}
        s = sessions[sid]
        e["client"] = s["client"]
        if e["transport"] not in s["transports"]:
            s["transports"].append(e["transport"])
        if e["type"] == "OPEN":
            s["open"] = json.loads(e["data"])
    # Connections that carried no HTTP message (a browser's spare connection) are listed too.
    for p in packets:
        if p.syn and not p.ack:
            conn(int(p.stream))
    for c in tcp.values():
        c["client_name"] = names.get(c["eio_sid"])
        if c["eio_sid"] is not None:
            sessions[c["eio_sid"]]["tcp_streams"].append(c["stream"])

    # Socket.IO packets, attachments joined to their packet (they follow it, same session and direction).
    events, waiting = [], {}
    for e in eio_log:
        if e["type"] != "MESSAGE":
            continue
        key = (e["eio_sid"], e["from"])
        if e["binary"]:
            ev = waiting[key]
            ev["_blobs"].append(e["data"])
            if e["packet"] not in ev["packets"]:
                ev["packets"].append(e["packet"])
            if len(ev["_blobs"]) == ev["attachments"]:
                ev["args"] = with_attachments(ev["args"], ev.pop("_blobs"))
                del waiting[key]
            continue
        if key in waiting:
            raise SystemExit(f"socketio-truth: packet {e['packet']}: text packet while attachments are due")
        d = sio_decode(e["data"], sio)
        ev = {"client": e["client"], "eio_sid": e["eio_sid"], "from": e["from"], "namespace": d["namespace"],
              "type": d["type"], "event": None, "args": d["data"], "ack_id": d["ack_id"],
              "ack_of": None, "attachments": d["attachments"], "transport": e["transport"],
              "stream": e["stream"], "packet": e["packet"], "packets": [e["packet"]]}
        if d["type"] in ("EVENT", "BINARY_EVENT"):
            ev["event"], ev["args"] = d["data"][0], d["data"][1:]
        events.append(ev)
        if d["attachments"]:
            ev["_blobs"] = []
            waiting[key] = ev
    if waiting:
        raise SystemExit("socketio-truth: attachments missing at the end of the capture")
    for ev in events:
        s = sessions[ev["eio_sid"]]
        if ev["type"] == "CONNECT" and ev["from"] == "server":
            s["namespaces"][ev["namespace"]] = (ev["args"] or {}).get("sid", ev["eio_sid"])
        if ev["type"] == "CONNECT" and ev["from"] == "client" and ev["args"] is not None:
            s.setdefault("auth", ev["args"])
        if ev["type"] in ("CONNECT_ERROR", "ERROR"):
            s["refused_namespaces"][ev["namespace"]] = ev["args"]
        if ev["type"] in ("ACK", "BINARY_ACK"):
            asked = [x for x in events if x["eio_sid"] == ev["eio_sid"] and x["from"] != ev["from"]
                     and x["namespace"] == ev["namespace"] and x["ack_id"] == ev["ack_id"] and x["event"]
                     and x["packet"] <= ev["packet"]]
            ev["ack_of"] = asked[-1]["event"] if asked else None
    for ev in events:
        # The Socket.IO sid of the namespace (None for a refused one); v4 protocol: the Engine.IO sid.
        ev["sid"] = sessions[ev["eio_sid"]]["namespaces"].get(ev["namespace"])
    for s in sessions.values():
        if sio == 4:
            # Protocol v4 has no CONNECT payload: the token is in every request's query string.
            uris = [r["uri"] for c in tcp.values() if c["eio_sid"] == s["eio_sid"] for r in c["requests"]]
            s["query"] = {k: v for k, v in query_of(uris[0]).items() if k not in ("EIO", "transport", "t", "sid")}

    # Heartbeats: a PING that is not the upgrade probe, and the PONG that answers it.
    heartbeats = []
    for n, e in enumerate(eio_log):
        if e["type"] == "PING" and e["data"] != "probe":
            pong = next((x for x in eio_log[n + 1:] if x["eio_sid"] == e["eio_sid"] and x["type"] == "PONG"
                         and x["from"] != e["from"] and x["data"] == e["data"]), None)
            heartbeats.append({"client": e["client"], "eio_sid": e["eio_sid"],
                               "ping": {"from": e["from"], "packet": e["packet"], "stream": e["stream"],
                                        "transport": e["transport"]},
                               "pong": pong and {"from": pong["from"], "packet": pong["packet"],
                                                 "stream": pong["stream"], "transport": pong["transport"]}})

    # The peers' logs against the wire.
    wire_keys = [log_key({**ev, "type": ev["type"].replace("BINARY_", "")}) for ev in events]
    matched, not_on_wire = set(), []
    for who, log in (("client", clog), ("server", slog)):
        entries = []
        for entry in log:
            if "type" not in entry:
                continue          # a handler that ran, not a packet (disconnect)
            for to in entry.get("to") or [entry]:
                entries.append({**entry, "client": to.get("client")})
        for client in sorted({e["client"] for e in entries}, key=str):
            for sender in ("client", "server"):
                mine = [e for e in entries if e["client"] == client and e["from"] == sender]
                wire = [n for n, ev in enumerate(events) if ev["client"] == client and ev["from"] == sender]
                # What the peer sent must be on the wire in the peer's order. What it received
                # only as a set: handlers of one payload may log in another order (an ack's
                # waiting task resumes after the next event's handler).
                j, used = 0, set()
                for entry in mine:
                    start = j if sender == who else 0
                    k = next((k for k in range(start, len(wire))
                              if k not in used and wire_keys[wire[k]] == log_key(entry)), None)
                    if k is None:
                        if entry["type"] == "DISCONNECT" and sender == "client" and who == "client":
                            not_on_wire.append({"client": client, "from": "client", "namespace": entry["namespace"],
                                                "type": "DISCONNECT"})
                            continue
                        raise SystemExit(f"socketio-truth: {who} log: {entry} is not on the wire "
                                         f"(in this order)")
                    matched.add(wire[k])
                    used.add(k)
                    j = k + 1
    for n, ev in enumerate(events):
        if n not in matched:
            raise SystemExit(f"socketio-truth: packet {ev['packet']}: {ev['type']} {ev['namespace']} "
                             f"{ev['event']} is in neither peer's log")

    doc = {
        "protocol": {"engineio": eio_version, "socketio": sio},
        "server": f"127.0.0.1:{server_port}",
        "sessions": [sessions[sid] for sid in order],
        "tcp_connections": [tcp[s] for s in sorted(tcp)],
        "events": events,
        "not_on_wire": not_on_wire,
        "heartbeat_count": sum(1 for h in heartbeats if h["pong"]),
        "heartbeats": heartbeats,
        "engineio": [{k: (({"_binary_hex": v.hex()} if isinstance(v, bytes) else v) if k == "data" else v)
                      for k, v in e.items()} for e in eio_log],
        "polling_payloads": payload_encodings,
    }
    rooms = [e for e in slog if e.get("room")]
    if rooms:
        doc["broadcast"] = []
        for b in rooms:
            got = [ev for ev in events if ev["from"] == "server" and ev["event"] == b["event"]
                   and ev["args"] == b["args"] and ev["namespace"] == b["namespace"]]
            if sorted(ev["eio_sid"] for ev in got) != sorted(to["eio_sid"] for to in b["to"]):
                raise SystemExit(f"socketio-truth: broadcast {b['event']}: not one packet per member of {b['room']}")
            times = {p.number: p for p in packets}
            doc["broadcast"].append({
                "event": b["event"], "namespace": b["namespace"], "room": b["room"], "args": b["args"],
                "recipients": [{"client": ev["client"], "eio_sid": ev["eio_sid"],
                                "sid": sessions[ev["eio_sid"]]["namespaces"].get(b["namespace"]),
                                "transport": ev["transport"], "stream": ev["stream"], "packet": ev["packet"]}
                               for ev in got]})
    # The parts of the older keys the tests read: every HTTP request/response and WebSocket
    # message in capture order (as in socketio-upgrade.expected.json).
    http_items = [i for i in items if i["kind"] == "http"]
    doc["http"] = {
        "requests": [{"method": i["method"], "uri": i["uri"], "body_length": len(i["body"]),
                      **({"body": i["body"].decode()} if i["method"] == "POST" else {})}
                     for i in http_items if "method" in i],
        "responses": [{"status": i["status"], "body_length": len(i["body"]),
                       **(static_body_fields(i["body"]) if requests[i["request_in"]][0]["kind"] == "static"
                          else http_body_fields(i["body"]))}
                      for i in http_items if "status" in i],
    }
    # The files the server logged as served ("http": "served") are the bodies on the wire.
    for entry in slog:
        if entry.get("http") != "served":
            continue
        got = [(req, item) for req, _, _ in requests.values() if req["kind"] == "static"
               for item in http_items if item.get("request_in") == req["packet"]
               and req["method"] == entry["method"] and req["uri"] == entry["path"]]
        if len(got) != 1 or got[0][1]["status"] != entry["status"] \
                or hashlib.sha256(got[0][1]["body"]).hexdigest() != entry["body_sha256"] \
                or len(got[0][1]["body"]) != entry["body_length"]:
            raise SystemExit(f"socketio-truth: server log: {entry['method']} {entry['path']} "
                             f"({entry['body_length']} bytes) is not answered so on the wire")
    served = sum(1 for entry in slog if entry.get("http") == "served")
    if served != sum(1 for req, _, _ in requests.values() if req["kind"] == "static"):
        raise SystemExit("socketio-truth: a request outside Engine.IO that the server did not log")
    messages = []
    for i in items:
        if i["kind"] != "ws":
            continue
        e = {"from": i["from"], "opcode": i["opcode"]}
        if i["opcode"] == "close":
            f = i["frame"]
            e["close_code"], e["close_reason"] = f.get("close_code"), f.get("close_reason", "")
            e["length"] = 2 + len(e["close_reason"].encode()) if e["close_code"] is not None else 0
        elif i["opcode"] == "text":
            e["text"], e["length"] = i["payload"].decode(), len(i["payload"])
        elif i["opcode"] == "binary":
            e["data_hex"], e["length"] = i["payload"].hex(), len(i["payload"])
        else:
            raise SystemExit(f"socketio-truth: WebSocket {i['opcode']} not expected")
        if i["opcode"] in ("text", "binary"):
            e["compressed"] = i["frames"][0]["rsv1"]
        e["stream"] = i["stream"]
        messages.append(e)
    doc["messages"] = messages
    doc["client_events"] = clog
    doc["server_events"] = slog
    return doc


TRUTH_KEYS = ("protocol", "server", "sessions", "tcp_connections", "events", "not_on_wire", "heartbeat_count",
              "heartbeats", "engineio", "polling_payloads", "broadcast", "http", "messages")


def socketio_truth_command(capture, client_log, server_log, description):
    doc = {"description": description,
           **socketio_truth(capture, json.load(open(client_log)), json.load(open(server_log)))}
    # Short objects on one line (as in the "capture" key), so that an event is one line.
    return "{\n" + ",\n".join(f"  {json.dumps(k)}: {format_facts(v, 1)}" for k, v in doc.items()) + "\n}"


def check_socketio(capture, expected):
    """The Socket.IO truth of the capture and of the peers' logs kept in the expected file must be
    the expected file's."""
    try:
        doc = socketio_truth(capture, expected["client_events"], expected["server_events"])
    except SystemExit as e:
        return [str(e)], 0
    errors = [f"key {k!r} differs from what the capture and the peers' logs give"
              for k in TRUTH_KEYS if doc.get(k) != expected.get(k)]
    return errors, len(doc["events"])



# ---------------------------------------------------------------- capture facts
#
# What tests need to know about a capture besides what the peers sent: packet
# numbers, counts, frame headers, byte counts. Derived with tshark, stored under
# the key "capture" of NAME.expected.json (schema: Samples/README.md), so that a
# new recording brings its own numbers and no test quotes them.

SAMPLES = os.path.dirname(os.path.abspath(__file__))


def tshark_version():
    out = subprocess.run(["tshark", "--version"], check=True, capture_output=True, text=True).stdout
    words = out.split("\n", 1)[0].split()
    # "TShark (Wireshark) 4.0.17 (Git v4.0.17 packaged as ...)."
    return words[2] if len(words) > 2 else out.split("\n", 1)[0]


def endpoint(address, port):
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def flag_set(value):
    return value in ("1", "True", "true")


class FactPacket:
    """What the facts need of one packet: addresses, TCP numbers, application PDUs."""

    def __init__(self, pk):
        self.el = pk
        self.number = int(first(pk, "frame.number"))
        stream = first(pk, "tcp.stream")
        self.stream = int(stream) if stream is not None else None
        self.src = first(pk, "ip.src") or first(pk, "ipv6.src")
        self.dst = first(pk, "ip.dst") or first(pk, "ipv6.dst")
        self.srcport = int(first(pk, "tcp.srcport") or 0)
        self.dstport = int(first(pk, "tcp.dstport") or 0)
        flag = lambda n: flag_set(first(pk, "tcp.flags." + n))
        self.syn, self.ack, self.fin = flag("syn"), flag("ack"), flag("fin")
        self.tcp_len = int(first(pk, "tcp.len") or 0)
        # Relative sequence number (tshark's default): the SYN is 0, the first data byte 1.
        self.seq = int(first(pk, "tcp.seq") or 0)
        self.payload_pos = int(first(pk, "tcp.payload", "pos") or 0)
        self.protos = [x for x in pk if x.tag == "proto"]
        # The segments tshark reassembled the first PDU of this packet from (a packet
        # completes at most one PDU that began in an earlier segment: its first one).
        self.segments = [(int(f.get("show")), int(f.get("size"))) for f in fields(pk, "tcp.segment")]

    @property
    def source(self):
        return endpoint(self.src, self.srcport)

    @property
    def offset(self):
        """Stream offset of the packet's first payload byte."""
        return self.seq - 1


def pdus(packet):
    """The HTTP and WebSocket PDUs tshark shows in a packet, in stream order, each with the
    protos that follow it up to the next PDU (payload, text lines)."""
    found = []
    for proto in packet.protos:
        if proto.get("name") in ("http", "websocket"):
            found.append((proto, []))
        elif found:
            found[-1][1].append(proto)
    return found


def capture_facts(capture):
    """The "capture" facts of a capture (see Samples/README.md for the schema)."""
    packets = [FactPacket(pk) for pk in pdml(capture)]
    by_number = {p.number: p for p in packets}

    # TCP connections: the client sent the SYN without ACK.
    streams = {}
    for p in packets:
        if p.stream is None:
            continue
        s = streams.get(p.stream)
        if s is None:
            s = streams[p.stream] = {"stream": p.stream, "client": None, "server": None, "syn_packets": [],
                                     "fin_packets": [], "payload_bytes": {"client": 0, "server": 0},
                                     "data_packets": {"client": [], "server": []}}
        if p.syn and not p.ack and s["client"] is None:
            s["client"], s["server"] = p.source, endpoint(p.dst, p.dstport)
    for sid, s in streams.items():
        if s["client"] is None:
            raise SystemExit(f"capture-facts: {capture}: tcp stream {sid} has no SYN")

    def direction(p):
        return "client" if p.source == streams[p.stream]["client"] else "server"

    for p in packets:
        if p.stream is None:
            continue
        s, d = streams[p.stream], direction(p)
        if p.syn:
            s["syn_packets"].append(p.number)
        if p.fin:
            s["fin_packets"].append(p.number)
        if p.tcp_len > 0:
            s["data_packets"][d].append(p.number)
            s["payload_bytes"][d] = max(s["payload_bytes"][d], p.offset + p.tcp_len)

    # Every HTTP message and WebSocket frame, with the packets it came from and its place in
    # its direction's stream. A PDU reassembled from several segments starts in the first one
    # (whose last `size` bytes it takes) and ends in this packet (its first `size` bytes).
    http, frames, spans = [], [], []
    for p in packets:
        for index, (proto, extra) in enumerate(pdus(p)):
            d = direction(p)
            if index == 0 and p.segments:
                (head_number, head_size), (_, tail_size) = p.segments[0], p.segments[-1]
                head = by_number[head_number]
                start = head.offset + head.tcp_len - head_size
                end = p.offset + tail_size
                carried = [number for number, _ in p.segments]
            else:
                start, end = p.offset + int(proto.get("pos")) - p.payload_pos, None
                carried = [p.number]
            entry = {"stream": p.stream, "from": d, "packet": p.number, "packets": carried}
            if proto.get("name") == "http":
                entry.update(http_fact(proto))
                entry["head_length"] = int(proto.get("size"))
                http.append(entry)
            else:
                entry.update(websocket_fact(proto))
                frames.append(entry)
            spans.append((p.stream, d, start, end, entry))

    # The PDUs of a direction follow each other from its first byte to its last: a PDU that
    # tshark shows inside one packet ends where the next one starts.
    for (sid, d) in sorted({(sid, d) for sid, d, _, _, _ in spans}):
        mine = sorted((x for x in spans if x[0] == sid and x[1] == d), key=lambda x: x[2])
        total = streams[sid]["payload_bytes"][d]
        if mine[0][2] != 0:
            raise SystemExit(f"capture-facts: {capture}: stream {sid} {d}: first PDU at byte {mine[0][2]}")
        for n, (_, _, start, end, entry) in enumerate(mine):
            following = mine[n + 1][2] if n + 1 < len(mine) else total
            if end is not None and end != following:
                raise SystemExit(f"capture-facts: {capture}: stream {sid} {d}: PDU of packet {entry['packet']} "
                                 f"ends at {end}, the next one starts at {following}")
            entry["stream_range"] = [start, following]

    for entry in http:
        start, end = entry["stream_range"]
        entry["body_range"] = [start + entry.pop("head_length"), end]
    for f in frames:
        start, end = f["stream_range"]
        header = 2 + {126: 2, 127: 8}.get(f["length_field"], 0) + (4 if f["masked"] else 0)
        if end - start != header + f["payload_length"]:
            raise SystemExit(f"capture-facts: {capture}: frame in packet {f['packet']}: {end - start} bytes, "
                             f"header {header} + payload {f['payload_length']}")

    return {
        "tshark": tshark_version(),
        "packets": len(packets),
        "tcp": [streams[sid] for sid in sorted(streams)],
        "http": http,
        "websocket": {"frames": frames, "messages": frame_messages(frames)},
    }


def http_fact(proto):
    entry = {}
    method = first(proto, "http.request.method")
    if method is not None:
        entry["method"], entry["uri"] = method, first(proto, "http.request.uri")
        lines = fields(proto, "http.request.line")
    else:
        entry["status"] = int(first(proto, "http.response.code"))
        entry["reason"] = first(proto, "http.response.phrase") or ""
        request_in = first(proto, "http.request_in")
        if request_in is not None:
            entry["request_in"] = int(request_in)
        lines = fields(proto, "http.response.line")
    headers = []
    for line in lines:
        text = hexbytes(line.get("value")).decode("latin-1").rstrip("\r\n")
        name, _, value = text.partition(":")
        headers.append([name, value.strip(" \t")])
    entry["headers"] = headers
    sizes = [int(f.get("show")) for f in fields(proto, "http.chunk_size")]
    if sizes:
        entry["chunks"] = sum(1 for size in sizes if size > 0)
    return entry


def websocket_fact(proto):
    length_field = int(first(proto, "websocket.payload_length"))
    length = length_field
    if length_field == 126:
        length = int(first(proto, "websocket.payload_length_ext_16"))
    elif length_field == 127:
        length = int(first(proto, "websocket.payload_length_ext_64"))
    return {
        "opcode": int(first(proto, "websocket.opcode")),
        "fin": flag_set(first(proto, "websocket.fin")),
        "rsv1": int(first(proto, "websocket.rsv"), 16) & 4 != 0,
        "masked": flag_set(first(proto, "websocket.mask")),
        "length_field": length_field,
        "payload_length": length,
    }


def frame_messages(frames):
    """WebSocket messages in order of completion (a control frame inside a fragmented message
    comes first), each naming its frames by index in the frame list."""
    messages, partial = [], {}
    for index, f in enumerate(frames):
        key = (f["stream"], f["from"])
        if f["opcode"] >= 8:
            group = [index]
        else:
            if f["opcode"] != 0 or key not in partial:
                partial[key] = []
            partial[key].append(index)
            if not f["fin"]:
                continue
            group = partial.pop(key)
        mine = [frames[i] for i in group]
        carried = []
        for g in mine:
            carried += [n for n in g["packets"] if n not in carried]
        messages.append({
            "stream": f["stream"], "from": f["from"], "opcode": OPCODES.get(mine[0]["opcode"], str(mine[0]["opcode"])),
            "frames": group, "packet": f["packet"], "packets": carried,
            "payload_length": sum(g["payload_length"] for g in mine),
        })
    return messages


def format_facts(value, level):
    """JSON with two-space indentation like the rest of the file, but short objects and lists
    of numbers on one line, so that the facts stay readable."""
    inline = json.dumps(value)
    short = len(inline) + 2 * level <= 100
    numbers = isinstance(value, list) and all(isinstance(v, (int, bool)) for v in value)
    if not isinstance(value, (dict, list)) or not value or short or numbers:
        return inline
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {format_facts(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    return "[\n" + ",\n".join(inner + format_facts(v, level + 1) for v in value) + "\n" + pad + "]"


CAPTURE_KEY = '\n  "capture": '


def with_facts(text, facts):
    """The expected file's text with "capture" set to facts: other keys keep their bytes, the
    key goes last."""
    doc = json.loads(text)
    if "capture" in doc:
        # Written by this function: the key is last, at the top level.
        cut = text.rfind("," + CAPTURE_KEY)
        rest = dict(doc)
        del rest["capture"]
        if cut < 0 or json.loads(text[:cut] + "\n}\n") != rest:
            base = json.dumps(rest, indent=2)
        else:
            base = text[:cut] + "\n}"
    else:
        base = text.rstrip()
    if not base.endswith("}"):
        raise SystemExit("capture-facts: the expected file is not a JSON object")
    body = base[:-1].rstrip()
    separator = "," if body != "{" else ""
    out = body + separator + CAPTURE_KEY + format_facts(facts, 1) + "\n}\n"
    want = dict(doc)
    want["capture"] = facts
    if json.loads(out) != want:
        raise SystemExit("capture-facts: internal error: the rewritten file does not read back")
    return out


def sample_paths(arg):
    """(capture, expected.json) of a capture path or a sample name."""
    if os.path.exists(arg) and not os.path.isdir(arg):
        stem = os.path.basename(arg).rsplit(".", 1)[0]
        return arg, os.path.join(os.path.dirname(arg), stem + ".expected.json")
    for ext in ("pcap", "pcapng"):
        path = os.path.join(SAMPLES, f"{arg}.{ext}")
        if os.path.exists(path):
            return path, os.path.join(SAMPLES, f"{arg}.expected.json")
    raise SystemExit(f"capture-facts: no capture {arg} (nor Samples/{arg}.pcap or .pcapng)")


def capture_facts_command(args):
    check_only = "--check" in args
    names = [a for a in args if a != "--check"]
    if not names:
        sys.exit(__doc__)
    status = 0
    for name in names:
        capture, expected = sample_paths(name)
        with open(expected) as f:
            text = f.read()
        facts = capture_facts(capture)
        if check_only:
            # The tshark version may differ; the facts themselves may not.
            old = dict(json.loads(text).get("capture") or {})
            new = dict(facts)
            old.pop("tshark", None)
            new.pop("tshark", None)
            same = old == new
            print(f"{expected}: capture facts {'up to date' if same else 'MISSING OR OUT OF DATE'}")
            status |= 0 if same else 1
            continue
        out = with_facts(text, facts)
        if out != text:
            with open(expected, "w") as f:
                f.write(out)
        ws = facts["websocket"]
        print(f"{expected}: {facts['packets']} packets, {len(facts['tcp'])} TCP connection(s), "
              f"{len(facts['http'])} HTTP messages, {len(ws['frames'])} WebSocket frames, "
              f"{len(ws['messages'])} messages{'' if out != text else ' (unchanged)'}")
    return status


# ---------------------------------------------------------------- update-* samples

UPDATE_MODES = {"reload": "/page", "short": "/poll", "long": "/long", "ws": "/ws"}
UPDATE_DESCRIPTIONS = {
    "reload": "Five updates delivered by reloading a whole HTML page (GET /page every 200 ms, "
              "a new TCP connection per request, Connection: close)",
    "short": "Five updates delivered by short polling (GET /poll every 100 ms on one kept-alive "
             "connection, the latest update as JSON, often unchanged)",
    "long": "Five updates delivered by long polling (GET /long?after=N on one kept-alive connection, "
            "held by the server until update N+1 exists)",
    "ws": "Five updates pushed as WebSocket text messages on one connection (/ws), closed 1000 by the client",
}


def updates_from_capture(capture, mode):
    """What the update-* expected files hold besides "description" and "capture", from the
    capture alone (tshark): updates with the packets that carried them, HTTP requests and
    responses or WebSocket messages, TCP connections, totals per direction."""
    packets = [Packet(pk) for pk in pdml(capture)]
    server_port = server_port_of(packets)
    sides = ("client", "server")
    side = lambda p: "server" if p.srcport == server_port else "client"
    totals = {k: {"client": 0, "server": 0} for k in
              ("packets", "frame_bytes", "tcp_payload_bytes", "http_head_bytes", "http_body_bytes",
               "websocket_header_bytes", "websocket_payload_bytes")}
    conns = {}
    requests, responses = [], []
    for p in packets:
        d = side(p)
        totals["packets"][d] += 1
        totals["frame_bytes"][d] += int(first(p.el, "frame.len"))
        totals["tcp_payload_bytes"][d] += p.tcp_len
        if p.stream is None:
            continue
        c = conns.setdefault(p.stream, {"stream": int(p.stream), "client_port": None, "packets": 0,
                                        "first_packet": p.number, "last_packet": p.number, "requests": []})
        c["packets"] += 1
        c["last_packet"] = p.number
        if p.syn and not p.ack:
            c["client_port"] = p.srcport
        for proto in (x for x in p.el if x.tag == "proto" and x.get("name") == "http"):
            body = hexbytes(first(proto, "http.file_data", "value"))
            head = int(proto.get("size"))
            totals["http_head_bytes"][d] += head
            totals["http_body_bytes"][d] += len(body)
            where = {"packet": p.number, "stream": int(p.stream), "head_length": head}
            if first(proto, "http.request.method") is not None:
                uri = first(proto, "http.request.uri")
                requests.append({"method": first(proto, "http.request.method"), "uri": uri,
                                 "body_length": len(body), **where})
                c["requests"].append(uri)
            else:
                r = {"status": int(first(proto, "http.response.code")), "body_length": len(body),
                     "body_sha256": hashlib.sha256(body).hexdigest(), **where}
                if 0 < len(body) <= 200:
                    r["body"] = body.decode()
                responses.append((r, body))
    frames = ws_frames(packets, server_port)
    add_frame_totals(totals, frames)
    # What the TCP payload is made of: nothing else than HTTP heads and bodies and WebSocket frames.
    for d in sides:
        parts = sum(totals[k][d] for k in ("http_head_bytes", "http_body_bytes", "websocket_header_bytes",
                                           "websocket_payload_bytes"))
        if parts != totals["tcp_payload_bytes"][d]:
            raise SystemExit(f"updates: {capture}: {d}: {totals['tcp_payload_bytes'][d]} TCP payload bytes, "
                             f"but HTTP and WebSocket PDUs make {parts}")

    # The updates: every response body / text message that holds one, the first one of each n.
    updates = {}

    def carried(text, packet, how):
        if mode == "reload":
            start = text.find('<pre id="update">')
            if start < 0:
                return None
            text = text[start + len('<pre id="update">'):text.index("</pre>", start)]
        value = json.loads(text)
        u = updates.setdefault(value["n"], {"n": value["n"], "text": text, "first_packet": packet,
                                            "packets": [], "first_by": how})
        if u["text"] != text:
            raise SystemExit(f"updates: {capture}: update {value['n']} is {text!r} in packet {packet}, "
                             f"{u['text']!r} before")
        u["packets"].append(packet)
        return value["n"]

    messages = []
    if mode == "ws":
        for m in ws_messages(frames):
            e = {"from": m["from"], "opcode": m["opcode"], "packet": m["frames"][-1]["packet"]}
            if m["opcode"] == "close":
                e.update(close_code=m["close_code"], close_reason=m["close_reason"],
                         length=m["frames"][0]["wire_length"])
            else:
                e.update(compressed=m["compressed"], text=m["payload"].decode(), length=len(m["payload"]))
                if m["from"] == "server":
                    e["update"] = carried(e["text"], e["packet"], "websocket message")
            messages.append(e)
    out_responses = []
    for r, body in responses:
        if r["status"] == 200 and body:
            r["update"] = carried(body.decode(), r["packet"], "HTTP response")
        out_responses.append(r)
    if sorted(updates) != [1, 2, 3, 4, 5]:
        raise SystemExit(f"updates: {capture}: the capture carries updates {sorted(updates)}")
    for u in updates.values():
        u["deliveries"] = len(u["packets"])
    totals["tcp_connections"] = len(conns)
    totals["http_requests"] = len(requests)
    totals["websocket_messages"] = {d: sum(1 for m in messages if m["from"] == d) for d in sides}
    totals["update_deliveries"] = sum(u["deliveries"] for u in updates.values())
    result = {
        "mode": mode,
        "server_port": server_port,
        "updates": [updates[n] for n in sorted(updates)],
        "http": {"requests": requests, "responses": out_responses},
        "tcp_connections": [conns[s] for s in sorted(conns, key=int)],
        "totals": totals,
    }
    if mode == "ws":
        client_port = result["tcp_connections"][0]["client_port"]
        result["client"] = f"127.0.0.1:{client_port}"
        result["server"] = f"ws://127.0.0.1:{server_port}/ws"
        result["extensions"] = []
        result["messages"] = messages
        # The opening handshake is what SampleMessagesTests derives from "server".
        del result["http"]
        result["handshake"] = {"request": requests[0], "response": out_responses[0]}
    return result


def updates_expected(capture, client_log, server_log, mode):
    """The expected.json of an update-* sample: updates_from_capture, checked against both peers' logs."""
    got = updates_from_capture(capture, mode)
    clog, slog = json.load(open(client_log)), json.load(open(server_log))
    errors = []
    if [u["text"] for u in got["updates"]] != slog["updates"]:
        errors.append(f"updates on the wire {[u['text'] for u in got['updates']]}, server {slog['updates']}")
    sreq = slog["requests"]
    if mode == "ws":
        wire = [m["text"] for m in got["messages"] if m["from"] == "server" and m["opcode"] == "text"]
        sent = [m["text"] for m in sreq[0]["sent"]]
        received = [m["message"] for m in clog["log"] if "message" in m]
        if not (wire == sent == received):
            errors.append(f"messages: wire {wire}, server sent {sent}, client received {received}")
        closes = [m for m in got["messages"] if m["opcode"] == "close"]
        if [(m["from"], m["close_code"]) for m in closes] != [("client", 1000), ("server", 1000)]:
            errors.append(f"close frames {closes}")
        if len(got["tcp_connections"]) != 1:
            errors.append(f"{len(got['tcp_connections'])} TCP connections")
    else:
        wire = [(r["uri"], s["status"], s["body_length"], s.get("update"))
                for r, s in zip(got["http"]["requests"], got["http"]["responses"])]
        server = [(e["uri"], e["status"], e["body_length"], e["update"]) for e in sreq]
        client = [(e["uri"], e["status"], e["body_length"], e["update"]) for e in clog["log"]]
        if not (wire == server == client):
            errors.append(f"exchanges: wire {wire}, server {server}, client {client}")
        want = len(wire) if mode == "reload" else 1
        if len(got["tcp_connections"]) != want:
            errors.append(f"{len(got['tcp_connections'])} TCP connections, expected {want}")
        if mode == "long" and [e["update"] for e in sreq] != [1, 2, 3, 4, 5]:
            errors.append(f"long polls answered with updates {[e['update'] for e in sreq]}")
    if errors:
        raise SystemExit("updates-expected: " + "; ".join(errors))
    return json.dumps({"description": UPDATE_DESCRIPTIONS[mode] + "; decoded from the capture (tshark) and "
                       "cross-checked against both peers' logs.", **got}, indent=2)


def check_updates(capture, expected):
    """update-* samples: everything but "description" and "capture" recomputed from the capture."""
    got = updates_from_capture(capture, expected["mode"])
    errors = []
    for key, value in got.items():
        if expected.get(key) != value:
            errors.append(f"updates: {key} differs from the capture")
    for key in expected:
        if key not in got and key not in ("description", "capture"):
            errors.append(f"updates: key {key} is not derived from the capture")
    return errors, len(got["updates"])


# ---------------------------------------------------------------- websocket-duplex

DUPLEX_DESCRIPTION = ("Full-duplex WebSocket on one connection (/duplex, no extensions, python websockets on "
                      "both sides): at the same moment each peer sends 4 text messages of 30000 bytes without "
                      "waiting for the other, and each reads the other's slowly (one every 30 ms) through a "
                      "small receive buffer (SO_RCVBUF 4096), so TCP flow control holds messages of both "
                      "directions in flight at the same time; then close 1000 from the client")

DUPLEX_CRITERION = ("A WebSocket message is in flight from the capture time of its first packet until the "
                    "capture time of the first packet from the other side whose TCP ACK covers the message's "
                    "last byte (relative tcp.ack >= relative sequence number of that byte + 1), or until its "
                    "last packet if never acknowledged. A duplex pair is a client and a server data message "
                    "whose in-flight intervals intersect with positive length. Times are frame.time_relative "
                    "(seconds since the capture's first packet).")


def duplex_from_capture(capture):
    """What websocket-duplex.expected.json holds besides "description" and "capture", from the
    capture alone (tshark): messages with first/last packet, totals per direction, and under
    "duplex" every message's in-flight interval and the client/server message pairs whose
    intervals overlap (DUPLEX_CRITERION)."""
    packets = [Packet(pk) for pk in pdml(capture)]
    server_port = server_port_of(packets)
    side = lambda p: "server" if p.srcport == server_port else "client"
    sides = ("client", "server")
    totals = {k: {"client": 0, "server": 0} for k in
              ("packets", "frame_bytes", "tcp_payload_bytes", "http_head_bytes",
               "websocket_header_bytes", "websocket_payload_bytes")}
    totals["retransmitted_payload_bytes"] = {"client": 0, "server": 0}
    handshake = {}
    times, acks = {}, {}
    # Highest relative sequence number + 1 sent so far per direction: payload below it is a
    # retransmission (TCP resends a segment when the small receive window stalls it).
    next_seq = {"client": 1, "server": 1}
    for p in packets:
        d = side(p)
        if p.tcp_len:
            seq = int(first(p.el, "tcp.seq"))
            totals["retransmitted_payload_bytes"][d] += max(0, min(seq + p.tcp_len, next_seq[d]) - seq)
            next_seq[d] = max(next_seq[d], seq + p.tcp_len)
        times[p.number] = round(float(first(p.el, "frame.time_relative")), 6)
        if p.ack:
            acks[p.number] = (d, int(first(p.el, "tcp.ack")))
        totals["packets"][d] += 1
        totals["frame_bytes"][d] += int(first(p.el, "frame.len"))
        totals["tcp_payload_bytes"][d] += p.tcp_len
        for proto in (x for x in p.el if x.tag == "proto" and x.get("name") == "http"):
            head = int(proto.get("size"))
            totals["http_head_bytes"][d] += head
            key = "request" if first(proto, "http.request.method") is not None else "response"
            handshake[key] = {"packet": p.number, "head_length": head}
            if key == "request":
                handshake[key]["uri"] = first(proto, "http.request.uri")
            else:
                handshake[key]["status"] = int(first(proto, "http.response.code"))
    frames = ws_frames(packets, server_port)
    add_frame_totals(totals, frames)
    for d in sides:
        parts = sum(totals[k][d] for k in ("http_head_bytes", "websocket_header_bytes", "websocket_payload_bytes"))
        unique = totals["tcp_payload_bytes"][d] - totals["retransmitted_payload_bytes"][d]
        if parts != unique:
            raise SystemExit(f"duplex: {capture}: {d}: {unique} TCP payload bytes (without retransmissions), "
                             f"but HTTP and WebSocket PDUs make {parts}")
    facts = capture_facts(capture)["websocket"]
    messages, flights = [], []
    numbers = [p.number for p in packets]
    for index, (m, fm) in enumerate(zip(ws_messages(frames), facts["messages"])):
        if (m["from"], m["opcode"]) != (fm["from"], fm["opcode"]):
            raise SystemExit(f"duplex: {capture}: message {index}: {m['from']} {m['opcode']} here, "
                             f"{fm['from']} {fm['opcode']} in the capture facts")
        e = {"from": m["from"], "opcode": m["opcode"], "first_packet": min(fm["packets"]),
             "last_packet": fm["packet"], "packets": len(fm["packets"])}
        if m["opcode"] == "close":
            e.update(close_code=m["close_code"], close_reason=m["close_reason"], length=m["frames"][0]["wire_length"])
        else:
            text = m["payload"].decode()
            e.update(compressed=m["compressed"], length=len(m["payload"]), n=json.loads(text)["n"])
            if len(m["payload"]) <= 200:
                e["text"] = text
            else:
                e["sha256"] = hashlib.sha256(m["payload"]).hexdigest()
                e["text_prefix"] = text[:40]
            # The message's last byte is at stream offset end - 1: relative sequence number end.
            end = facts["frames"][fm["frames"][-1]]["stream_range"][1]
            acked_by = next((q for q in numbers if q > e["first_packet"] and q in acks
                             and acks[q][0] != m["from"] and acks[q][1] >= end + 1), None)
            flights.append({"message": index, "from": m["from"], "n": e["n"],
                            "first_packet": e["first_packet"], "last_packet": e["last_packet"],
                            "last_byte_seq": end, "acked_by_packet": acked_by,
                            "start": times[e["first_packet"]],
                            "end": times[acked_by if acked_by is not None else e["last_packet"]]})
        messages.append(e)
    totals["websocket_messages"] = {d: sum(1 for m in messages if m["from"] == d) for d in sides}
    pairs = []
    for c in (f for f in flights if f["from"] == "client"):
        for s in (f for f in flights if f["from"] == "server"):
            start, end = max(c["start"], s["start"]), min(c["end"], s["end"])
            if end > start:
                pairs.append({"messages": [c["message"], s["message"]], "from": ["client", "server"],
                              "n": [c["n"], s["n"]],
                              "first_packets": [c["first_packet"], s["first_packet"]],
                              "last_packets": [c["last_packet"], s["last_packet"]],
                              "start": start, "end": end, "length": round(end - start, 6)})
    conns = {p.stream for p in packets if p.stream is not None}
    client_port = next(p.srcport for p in packets if p.syn and not p.ack)
    return {
        "client": f"127.0.0.1:{client_port}",
        "server": f"ws://127.0.0.1:{server_port}/duplex",
        "extensions": [],
        "tcp_connections": len(conns),
        "handshake": handshake,
        "messages": messages,
        "totals": totals,
        "duplex": {"criterion": DUPLEX_CRITERION, "in_flight": flights,
                   "overlapping_pairs": len(pairs), "pairs": pairs},
    }


def duplex_expected(capture, client_log, server_log):
    got = duplex_from_capture(capture)
    clog, slog = json.load(open(client_log)), json.load(open(server_log))
    errors = []
    for d, log, peer in (("client", clog, slog), ("server", slog, clog)):
        wire = [(m["n"], m["length"]) for m in got["messages"] if m["from"] == d and m["opcode"] == "text"]
        if not (wire == [(e["n"], e["length"]) for e in log["sent"]] == [(e["n"], e["length"]) for e in peer["received"]]):
            errors.append(f"{d} messages: wire {wire}, sent {log['sent']}, received {peer['received']}")
    closes = [(m["from"], m["close_code"]) for m in got["messages"] if m["opcode"] == "close"]
    if closes != [("client", 1000), ("server", 1000)]:
        errors.append(f"close frames {closes}")
    if (clog.get("close_code"), slog.get("close_code")) != (1000, 1000):
        errors.append(f"close codes in the logs: client {clog.get('close_code')}, server {slog.get('close_code')}")
    if got["tcp_connections"] != 1:
        errors.append(f"{got['tcp_connections']} TCP connections")
    if got["duplex"]["overlapping_pairs"] < 3:
        errors.append(f"only {got['duplex']['overlapping_pairs']} client/server message pairs in flight at the "
                      f"same time (at least 3 wanted): {got['duplex']['pairs']}")
    if errors:
        raise SystemExit("duplex-expected: " + "; ".join(errors))
    return json.dumps({"description": DUPLEX_DESCRIPTION + "; decoded from the capture (tshark) and "
                       "cross-checked against both peers' logs.", **got}, indent=2)


def check_duplex(capture, expected):
    got = duplex_from_capture(capture)
    errors = [f"duplex: {k} differs from the capture" for k, v in got.items() if expected.get(k) != v]
    if got["duplex"]["overlapping_pairs"] < 3:
        errors.append(f"duplex: only {got['duplex']['overlapping_pairs']} overlapping message pairs")
    return errors, got["duplex"]["overlapping_pairs"]


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "capture-facts":
        sys.exit(capture_facts_command(sys.argv[2:]))
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3]) else 1)
    if len(sys.argv) == 6 and sys.argv[1] == "socketio-truth":
        print(socketio_truth_command(*sys.argv[2:]))
        sys.exit(0)
    if len(sys.argv) == 6 and sys.argv[1] == "updates-expected":
        print(updates_expected(*sys.argv[2:]))
        sys.exit(0)
    if len(sys.argv) == 5 and sys.argv[1] == "duplex-expected":
        print(duplex_expected(*sys.argv[2:]))
        sys.exit(0)
    if len(sys.argv) == 5 and sys.argv[1] == "socketio-expected":
        print(socketio_expected(*sys.argv[2:]))
        sys.exit(0)
    sys.exit(__doc__)
