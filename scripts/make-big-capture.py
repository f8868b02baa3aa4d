#!/usr/bin/env python3
"""Write a large classic pcap file by repeating the packets of a small sample.

    python3 scripts/make-big-capture.py --size 1G --from Samples/http-keepalive.pcap big-http.pcap

Why: to test osiscope on big inputs (streaming, memory use, speed) with real
traffic, without storing big files in the repository.

How:
  - The input must be a classic pcap file (microsecond or nanosecond, either
    byte order); pcapng is refused (convert it with
    `editcap -F pcap in.pcapng out.pcap` first). Its packets are read once and
    kept in memory (samples are small); the output is streamed, so memory use
    does not grow with --size.
  - Repetition k (k = 0, 1, 2, ...) copies every packet with its timestamp
    shifted by k * (duration of the sample + --gap), so time keeps increasing.
  - So that each repetition's TCP connections are distinct, the client side of
    every TCP packet is rewritten: the client IP address gets k added to its
    low 24 bits (IPv4) or low 32 bits (IPv6), and the client port is moved
    by k inside 1024..65535. The server side (address and port) stays as it was,
    so port-based protocol guessing (8080 = HTTP, ...) still works. The
    "server" is the port that receives the SYN (without ACK) in the sample;
    for a connection without a SYN in the sample, the lower port.
    (client address, client port) is unique for the first 2**24 repetitions.
  - Checksums: the IPv4 header checksum and the TCP checksum are adjusted
    incrementally for the changed words (RFC 1624). A checksum that was
    already wrong in the sample stays wrong (captures on lo often have
    partial checksums because of checksum offload), so readers should not
    depend on TCP checksums. Non-TCP packets are copied unchanged.
  - Whole repetitions are written while the file stays within --size (at
    least one repetition is always written), so every connection is complete.

Link types understood for the rewrite: Ethernet (with VLAN tags), Linux cooked
SLL and SLL2, raw IP, IPv4, IPv6, BSD loopback (NULL/LOOP). Standard library only.
"""
import argparse
import os
import struct
import sys
import time

UNITS = {"": 1, "B": 1, "K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10, "M": 1 << 20, "MB": 1 << 20,
         "MIB": 1 << 20, "G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30, "T": 1 << 40, "TB": 1 << 40}

LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LOOP = 0, 1, 101, 108
LINKTYPE_LINUX_SLL, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL2 = 113, 228, 229, 276


def parse_size(text):
    t = text.strip().upper().replace(" ", "")
    num = t.rstrip("KMGTIB")
    unit = t[len(num):]
    if unit not in UNITS or not num:
        raise argparse.ArgumentTypeError(f"bad size {text!r} (examples: 50M, 1G, 2GB, 123456)")
    return int(float(num) * UNITS[unit])


def read_pcap(path):
    """Return (endian, magic_nsec, header fields, [(ts_units, caplen, origlen, data)])."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 24:
        sys.exit(f"{path}: too short for a pcap file")
    magic = raw[:4]
    formats = {b"\xd4\xc3\xb2\xa1": ("<", False), b"\xa1\xb2\xc3\xd4": (">", False),
               b"\x4d\x3c\xb2\xa1": ("<", True), b"\xa1\xb2\x3c\x4d": (">", True)}
    if magic == b"\x0a\x0d\x0d\x0a":
        sys.exit(f"{path}: pcapng is not supported; convert it: editcap -F pcap {path} out.pcap")
    if magic not in formats:
        sys.exit(f"{path}: not a classic pcap file (magic {magic.hex()})")
    endian, nsec = formats[magic]
    _, major, minor, _, _, snaplen, linktype = struct.unpack(endian + "IHHiIII", raw[:24])
    # The upper bits of the link-type field may hold FCS information; keep them.
    units = 10**9 if nsec else 10**6
    packets, off = [], 24
    while off + 16 <= len(raw):
        sec, frac, caplen, origlen = struct.unpack_from(endian + "IIII", raw, off)
        off += 16
        data = raw[off:off + caplen]
        if len(data) < caplen:
            print(f"warning: {path}: last packet truncated, ignored", file=sys.stderr)
            break
        off += caplen
        packets.append((sec * units + frac, caplen, origlen, data))
    if not packets:
        sys.exit(f"{path}: no packets")
    return nsec, units, snaplen, linktype, packets


def l3_offset(linktype, data):
    """(offset of the IP header, version) or None."""
    lt = linktype & 0x0FFFFFFF
    if lt == LINKTYPE_ETHERNET:
        off, etype = 14, int.from_bytes(data[12:14], "big") if len(data) >= 14 else 0
        while etype in (0x8100, 0x88A8, 0x9100) and len(data) >= off + 4:
            etype = int.from_bytes(data[off + 2:off + 4], "big")
            off += 4
        return {0x0800: (off, 4), 0x86DD: (off, 6)}.get(etype)
    if lt == LINKTYPE_LINUX_SLL and len(data) >= 16:
        return {0x0800: (16, 4), 0x86DD: (16, 6)}.get(int.from_bytes(data[14:16], "big"))
    if lt == LINKTYPE_LINUX_SLL2 and len(data) >= 20:
        return {0x0800: (20, 4), 0x86DD: (20, 6)}.get(int.from_bytes(data[0:2], "big"))
    if lt in (LINKTYPE_NULL, LINKTYPE_LOOP) and len(data) >= 4:
        fam = int.from_bytes(data[:4], "big" if lt == LINKTYPE_LOOP else "little")
        if lt == LINKTYPE_NULL and fam > 0xFFFF:  # written on a big-endian machine
            fam = int.from_bytes(data[:4], "big")
        return {2: (4, 4), 24: (4, 6), 28: (4, 6), 30: (4, 6)}.get(fam)
    if lt in (LINKTYPE_RAW, 12, 14, LINKTYPE_IPV4, LINKTYPE_IPV6) and data:
        v = data[0] >> 4
        return (0, v) if v in (4, 6) else None
    return None


def tcp_layout(linktype, data):
    """Where the fields to rewrite are, or None if this is not a (first-fragment) TCP packet.

    Returns (ip_off, version, ip_checksum_off or None, tcp_off)."""
    l3 = l3_offset(linktype, data)
    if l3 is None:
        return None
    ip, version = l3
    if version == 4:
        if len(data) < ip + 20 or data[ip] >> 4 != 4:
            return None
        ihl = (data[ip] & 0x0F) * 4
        frag_offset = int.from_bytes(data[ip + 6:ip + 8], "big") & 0x1FFF
        if data[ip + 9] != 6 or frag_offset != 0:
            return None
        tcp = ip + ihl
        ip_csum = ip + 10
    else:
        if len(data) < ip + 40 or data[ip] >> 4 != 6:
            return None
        nxt, tcp = data[ip + 6], ip + 40
        while nxt in (0, 43, 60, 44):  # hop-by-hop, routing, destination options, fragment
            if len(data) < tcp + 8:
                return None
            if nxt == 44:
                if int.from_bytes(data[tcp + 2:tcp + 4], "big") >> 3 != 0:
                    return None  # not the first fragment: no TCP header here
                nxt, tcp = data[tcp], tcp + 8
            else:
                nxt, tcp = data[tcp], tcp + (data[tcp + 1] + 1) * 8
        if nxt != 6:
            return None
        ip_csum = None
    if len(data) < tcp + 18:  # need ports and checksum
        return None
    return ip, version, ip_csum, tcp


def server_ports(linktype, packets):
    ports = set()
    for _, _, _, data in packets:
        lay = tcp_layout(linktype, data)
        if lay:
            tcp = lay[3]
            flags = data[tcp + 13]
            if flags & 0x02 and not flags & 0x10:  # SYN without ACK
                ports.add(int.from_bytes(data[tcp + 2:tcp + 4], "big"))
    return ports


def csum_adjust(csum, old_words, new_words):
    """RFC 1624 eq. 3: HC' = ~(~HC + ~m + m'), for a list of changed 16-bit words."""
    s = (~csum) & 0xFFFF
    for m, m2 in zip(old_words, new_words):
        s += ((~m) & 0xFFFF) + m2
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def words(b):
    return [int.from_bytes(b[i:i + 2], "big") for i in range(0, len(b), 2)]


class Template:
    """One sample packet with the positions of the client address and port."""

    def __init__(self, linktype, servers, ts, caplen, origlen, data):
        self.ts, self.origlen, self.data = ts, origlen, data
        self.rewrite = None
        lay = tcp_layout(linktype, data)
        if not lay:
            return
        ip, version, ip_csum, tcp = lay
        sport = int.from_bytes(data[tcp:tcp + 2], "big")
        dport = int.from_bytes(data[tcp + 2:tcp + 4], "big")
        if sport in servers:
            to_server = False
        elif dport in servers:
            to_server = True
        else:
            to_server = dport < sport
        alen = 4 if version == 4 else 16
        src_addr = ip + (12 if version == 4 else 8)
        dst_addr = src_addr + alen
        addr_off = src_addr if to_server else dst_addr
        port_off = tcp if to_server else tcp + 2
        tcp_csum = tcp + 16
        self.rewrite = (version, addr_off, alen, port_off, ip_csum, tcp_csum)

    def render(self, k):
        """This packet's bytes for repetition k."""
        if self.rewrite is None or k == 0:
            return self.data
        version, addr_off, alen, port_off, ip_csum, tcp_csum = self.rewrite
        d = bytearray(self.data)
        old_addr = bytes(d[addr_off:addr_off + alen])
        old_port = bytes(d[port_off:port_off + 2])
        if version == 4:
            a = int.from_bytes(old_addr, "big")
            a = (a & 0xFF000000) | ((a + k) & 0x00FFFFFF)
            new_addr = a.to_bytes(4, "big")
        else:
            low = int.from_bytes(old_addr[12:], "big")
            new_addr = old_addr[:12] + ((low + k) & 0xFFFFFFFF).to_bytes(4, "big")
        p = int.from_bytes(old_port, "big")
        if p >= 1024:
            p = 1024 + (p - 1024 + k) % (65536 - 1024)
        new_port = p.to_bytes(2, "big")
        d[addr_off:addr_off + alen] = new_addr
        d[port_off:port_off + 2] = new_port
        old_w, new_w = words(old_addr) + words(old_port), words(new_addr) + words(new_port)
        # The TCP checksum covers the pseudo-header (addresses) and the ports.
        if tcp_csum + 2 <= len(d):
            c = int.from_bytes(d[tcp_csum:tcp_csum + 2], "big")
            d[tcp_csum:tcp_csum + 2] = csum_adjust(c, old_w, new_w).to_bytes(2, "big")
        if ip_csum is not None:  # the IPv4 header checksum covers the addresses only
            c = int.from_bytes(d[ip_csum:ip_csum + 2], "big")
            d[ip_csum:ip_csum + 2] = csum_adjust(c, words(old_addr), words(new_addr)).to_bytes(2, "big")
        return bytes(d)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=parse_size, required=True,
                    help="target file size: 50M, 1G, 2GB, ... (K/M/G are powers of 1024)")
    ap.add_argument("--from", dest="source", required=True, help="sample capture (classic pcap)")
    ap.add_argument("--gap", type=float, default=0.001,
                    help="seconds between the end of one repetition and the next (default 0.001)")
    ap.add_argument("output", help="pcap file to write")
    args = ap.parse_args()

    nsec, units, snaplen, linktype, packets = read_pcap(args.source)
    servers = server_ports(linktype, packets)
    t0 = packets[0][0]
    # Relative timestamps; a sample's packets are in time order, but be safe.
    duration = max(p[0] for p in packets) - t0
    period = duration + max(1, int(args.gap * units))
    templates = [Template(linktype, servers, ts - t0, cl, ol, d) for ts, cl, ol, d in packets]
    rep_bytes = sum(16 + len(t.data) for t in templates)
    max_reps = max(1, (args.size - 24) // rep_bytes)
    base = t0  # the big file starts at the sample's first timestamp

    started = time.monotonic()
    written = 24
    with open(args.output, "wb", buffering=1 << 20) as out:
        out.write(struct.pack("<IHHiIII", 0xA1B23C4D if nsec else 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        pack = struct.Struct("<IIII").pack
        for k in range(max_reps):
            shift = base + k * period
            chunk = []
            for t in templates:
                data = t.render(k)
                sec, frac = divmod(shift + t.ts, units)
                chunk.append(pack(sec, frac, len(data), t.origlen))
                chunk.append(data)
            out.write(b"".join(chunk))
            written += rep_bytes
    elapsed = time.monotonic() - started
    assert written == os.path.getsize(args.output)
    print(f"{args.output}: {written} bytes, {max_reps} repetitions x {len(templates)} packets = "
          f"{max_reps * len(templates)} packets, server ports {sorted(servers)}, "
          f"{elapsed:.1f} s ({written / (1 << 20) / max(elapsed, 1e-9):.0f} MiB/s)")


if __name__ == "__main__":
    main()
