// Hand-built packets used by several test files. Checksums are computed by the helpers in
// PacketBytes.swift, never by the decoders under test.

enum Samples {
    static let clientIPv4: [UInt8] = [192, 0, 2, 10]      // 192.0.2.10 (RFC 5737 documentation range)
    static let serverIPv4: [UInt8] = [198, 51, 100, 20]   // 198.51.100.20
    static let clientIPv6 = hex("2001 0db8 0000 0000 0000 0000 0000 0001") // 2001:db8::1 (RFC 3849)
    static let serverIPv6 = hex("2001 0db8 0000 0000 0000 0000 0000 0002") // 2001:db8::2

    // MARK: Ethernet II + IPv4 + TCP SYN with options (74 bytes)

    /// IEEE 802.3 §3.1.1 MAC header, bytes 0–13.
    static let synEthernet = hex(
        "52 54 00 12 34 56", // destination 52:54:00:12:34:56 (locally administered, unicast)
        "00 1b 21 3a 4f 5e", // source 00:1b:21:3a:4f:5e (globally unique, unicast)
        "08 00")             // EtherType 0x0800 IPv4

    /// RFC 791 §3.1, bytes 14–33.
    static let synIPv4 = withIPv4Checksum(hex(
        "45",                // version 4, IHL 5 (20 bytes)
        "00",                // DSCP 0, ECN 0
        "00 3c",             // total length 60 = 20 IP + 40 TCP
        "1c 46",             // identification 0x1c46
        "40 00",             // flags DF, fragment offset 0
        "40",                // TTL 64
        "06",                // protocol 6 TCP
        "00 00",             // header checksum, computed by withIPv4Checksum
        "c0 00 02 0a",       // source 192.0.2.10
        "c6 33 64 14"))      // destination 198.51.100.20

    /// RFC 9293 §3.1 header and §3.2 options, bytes 34–73.
    static let synTCP = withTransportChecksum(hex(
        "9c 40 1f 90",       // RFC 9293 §3.1: source port 40000, destination port 8080
        "3b 9a ca 00",       // sequence number 1000000000
        "00 00 00 00",       // acknowledgment number 0
        "a0 02",             // data offset 10 (40 bytes), flags 0x002 SYN
        "fa f0",             // window 64240
        "00 00",             // checksum, computed by withTransportChecksum
        "00 00",             // urgent pointer 0
        "02 04 05 b4",       // RFC 9293 §3.2: kind 2 MSS, length 4, 1460 (bytes 54–57)
        "04 02",             // RFC 2018 §2: kind 4 SACK permitted, length 2 (bytes 58–59)
        "08 0a 00 12 d6 87 00 00 00 00", // RFC 7323 §3: kind 8 timestamps, TSval 1234567, TSecr 0 (bytes 60–69)
        "01",                // RFC 9293 §3.2: kind 1 no-operation (byte 70)
        "03 03 07"),         // RFC 7323 §2: kind 3 window scale, length 3, shift 7 (bytes 71–73)
        checksumAt: 16, source: clientIPv4, destination: serverIPv4, protocolNumber: 6)

    static let tcpSYN = synEthernet + synIPv4 + synTCP

    // MARK: Raw IPv6 + TCP PSH/ACK carrying "hello" (65 bytes)

    /// RFC 8200 §3, bytes 0–39.
    static let tcpIPv6Header = hex(
        "6b 8a bc de",       // version 6, traffic class 0xb8 (DSCP 46 EF), flow label 0xabcde
        "00 19",             // payload length 25 = 20 TCP + 5 data
        "06",                // next header 6 TCP
        "40",                // hop limit 64
        "2001 0db8 0000 0000 0000 0000 0000 0001",  // source 2001:db8::1
        "2001 0db8 0000 0000 0000 0000 0000 0002")  // destination 2001:db8::2

    /// RFC 9293 §3.1, bytes 40–64.
    static let tcpIPv6Segment = withTransportChecksum(hex(
        "c7 38 01 bb",       // source port 51000, destination port 443
        "00 00 10 00",       // sequence number 4096
        "00 00 20 00",       // acknowledgment number 8192
        "50 18",             // data offset 5 (20 bytes), flags 0x018 PSH ACK
        "01 f5",             // window 501
        "00 00",             // checksum, computed by withTransportChecksum
        "00 00",             // urgent pointer 0
        "68 65 6c 6c 6f"),   // data "hello" (bytes 60–64)
        checksumAt: 16, source: clientIPv6, destination: serverIPv6, protocolNumber: 6)

    static let tcpIPv6 = tcpIPv6Header + tcpIPv6Segment

    // MARK: Raw IPv4 + ICMP echo request (36 bytes)

    /// RFC 791 §3.1, bytes 0–19.
    static let pingIPv4Header = withIPv4Checksum(hex(
        "45 00",             // version 4, IHL 5, DS field 0
        "00 24",             // total length 36 = 20 IP + 8 ICMP + 8 data
        "ab cd 00 00",       // identification 0xabcd, no flags, offset 0
        "40 01",             // TTL 64, protocol 1 ICMP
        "00 00",             // header checksum, computed
        "c0 00 02 0a",       // source 192.0.2.10
        "c6 33 64 14"))      // destination 198.51.100.20

    /// RFC 792 "Echo or Echo Reply Message", bytes 20–35.
    static let pingICMP = setting16(hex(
        "08 00",             // type 8 echo request, code 0
        "00 00",             // checksum over the ICMP message, computed below
        "12 34",             // identifier 0x1234
        "00 01",             // sequence number 1
        "61 62 63 64 65 66 67 68"), // data "abcdefgh"
        at: 2, to: internetChecksum(hex("08 00 00 00 12 34 00 01 61 62 63 64 65 66 67 68")))

    static let pingIPv4 = pingIPv4Header + pingICMP
}
