#!/usr/bin/env python3
"""Write a large benchmark capture: many concurrent connections from several samples, some loss.

    python3 scripts/make-bench-capture.py --size 100M /tmp/bench.pcap
    python3 scripts/make-bench-capture.py --size 1G --concurrent 4000 --loss 0.001 /tmp/bench-1g.pcap

Why: a benchmark should look like a developer's capture of a busy server, not one
connection after another: thousands of WebSocket sessions open at once, with and
without permessage-deflate, HTTP keep-alive, Socket.IO long-polling and its upgrade,
a little loss and reordering. Recorded samples are the material (no packet bytes are
invented); the output is deterministic for a given set of arguments.

How:
  - Repetition k copies sample k mod S (the --from samples, in order), rewritten by
    make-big-capture.py's Template (client address + k, client port moved by k, checksums
    adjusted), so every connection of the file is distinct.
  - Repetition k starts at k * (mean sample duration) / --concurrent: about --concurrent
    repetitions are in flight at any time. Packets of all repetitions are
    merged in time order.
  - --loss P drops each TCP packet that carries payload with probability P; --reorder P
    swaps a packet with the next one of its repetition with probability P (timestamps stay
    in order). Both draw from one generator seeded with --seed.
  - Engine.IO/Socket.IO session ids in clear text get a per-repetition suffix of the same
    length, so that repetitions are distinct sessions.
  - pcapng samples are converted with `editcap -F pcap` (tshark's package); all samples
    must share a link type.
"""
import argparse
import heapq
import importlib.util
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_big_capture", os.path.join(HERE, "make-big-capture.py"))
big = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(big)

SAMPLES = os.path.join(os.path.dirname(HERE), "Samples")
DEFAULT_FROM = ["websocket-plain.pcapng", "websocket-deflate.pcap", "http-keepalive.pcap", "socketio-upgrade.pcapng",
                "socketio-polling.pcapng", "socketio-websocket.pcapng"]
# Engine.IO and Socket.IO session ids as they appear in clear text (query parameters, open and
# CONNECT packets), so that each repetition is a session of its own.
SID = re.compile(rb'(?:"sid":"|sid=)([A-Za-z0-9_-]{12,40})')
SID_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def classic_pcap(path, scratch):
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != b"\x0a\x0d\x0d\x0a":
        return path
    out = os.path.join(scratch, os.path.basename(path) + ".pcap")
    subprocess.run(["editcap", "-F", "pcap", path, out], check=True)
    return out


class Sample:
    def __init__(self, path, scratch):
        nsec, units, snaplen, linktype, packets = big.read_pcap(classic_pcap(path, scratch))
        if nsec:  # keep one time unit for the whole file: microseconds
            packets = [(ts // 1000, cl, ol, d) for ts, cl, ol, d in packets]
        self.name, self.snaplen, self.linktype = os.path.basename(path), snaplen, linktype
        servers = big.server_ports(linktype, packets)
        t0 = packets[0][0]
        self.duration = max(p[0] for p in packets) - t0
        self.templates = [big.Template(linktype, servers, ts - t0, cl, ol, d) for ts, cl, ol, d in packets]
        self.payload = [self._carries_payload(d) for _, _, _, d in packets]
        self.sids = sorted({m.group(1) for _, _, _, d in packets for m in SID.finditer(d)})

    def rename_sessions(self, data, k):
        """Repetition k's copy of a packet, its session ids made its own (same length, so no
        length or sequence number changes)."""
        for sid in self.sids:
            if sid in data:
                tag = bytes(SID_ALPHABET[(k >> (6 * i)) & 63] for i in range(5))
                data = data.replace(sid, sid[:-5] + tag)
        return data

    def _carries_payload(self, data):
        lay = big.tcp_layout(self.linktype, data)
        if not lay:
            return False
        ip, version, _, tcp = lay
        header = (data[tcp + 12] >> 4) * 4
        if version == 4:
            total = int.from_bytes(data[ip + 2:ip + 4], "big")
            return total - (tcp - ip) - header > 0
        return len(data) - tcp - header > 0


def repetition(k, sample, start, rng, loss, reorder):
    """(timestamp, k, bytes, original length) of repetition k's packets in time order, and how
    many were dropped."""
    frames = []
    for t, carries in zip(sample.templates, sample.payload):
        if carries and rng.random() < loss:
            continue
        frames.append((sample.rename_sessions(t.render(k), k), t.origlen, t.ts))
    for i in range(len(frames) - 1):
        if rng.random() < reorder:
            frames[i], frames[i + 1] = frames[i + 1], frames[i]
    # Each kept packet takes the time slot of its position, so time never goes back.
    kept_times = sorted(start + f[2] for f in frames)
    return [(ts, k, data, origlen) for ts, (data, origlen, _) in zip(kept_times, frames)], len(sample.templates) - len(frames)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=big.parse_size, required=True, help="target size: 100M, 1G, 2G, ...")
    ap.add_argument("--from", dest="sources", action="append",
                    help="a sample to repeat (repeatable; default: the Ethernet samples of Samples/)")
    ap.add_argument("--concurrent", type=int, default=2000, help="repetitions in flight at once (default 2000)")
    ap.add_argument("--loss", type=float, default=0.0005, help="share of payload packets dropped (default 0.0005)")
    ap.add_argument("--reorder", type=float, default=0.0005, help="share of packets swapped with the next (default 0.0005)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("output")
    args = ap.parse_args()

    sources = args.sources or [os.path.join(SAMPLES, name) for name in DEFAULT_FROM]
    with tempfile.TemporaryDirectory() as scratch:
        samples = [Sample(path, scratch) for path in sources]
    linktypes = {s.linktype for s in samples}
    if len(linktypes) != 1:
        sys.exit("the samples have different link types: " + ", ".join(f"{s.name} {s.linktype}" for s in samples))
    rng = random.Random(args.seed)
    stagger = max(1, sum(s.duration for s in samples) // len(samples) // max(1, args.concurrent))
    base = 1_700_000_000 * 10**6  # 2023-11-14: a fixed start, so that the output is deterministic

    started = time.monotonic()
    written, packets, dropped, k = 24, 0, 0, 0
    heap = []  # (timestamp, k, index, list) of each repetition's next packet
    pack = struct.Struct("<IIII").pack
    with open(args.output, "wb", buffering=1 << 20) as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, max(s.snaplen for s in samples), samples[0].linktype))
        while True:
            # Start repetitions until the next one would begin after the earliest waiting packet.
            while written < args.size and (not heap or base + k * stagger <= heap[0][0]):
                frames, lost = repetition(k, samples[k % len(samples)], base + k * stagger, rng, args.loss, args.reorder)
                dropped += lost
                written += sum(16 + len(f[2]) for f in frames)  # counted when started: whole repetitions only
                if frames:
                    heapq.heappush(heap, (frames[0][0], k, 0, frames))
                k += 1
            if not heap:
                break
            ts, _, i, frames = heapq.heappop(heap)
            _, _, data, origlen = frames[i]
            sec, usec = divmod(ts, 10**6)
            out.write(pack(sec, usec, len(data), origlen))
            out.write(data)
            packets += 1
            if i + 1 < len(frames):
                heapq.heappush(heap, (frames[i + 1][0], frames[i + 1][1], i + 1, frames))
    elapsed = time.monotonic() - started
    size = os.path.getsize(args.output)
    print(f"{args.output}: {size} bytes, {packets} packets, {k} sessions from {len(samples)} samples "
          f"({', '.join(s.name for s in samples)}), about {args.concurrent} at once, {dropped} packets dropped, "
          f"{elapsed:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
