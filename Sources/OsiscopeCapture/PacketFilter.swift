import CPcap
import Foundation

/// A BPF expression compiled by libpcap (the same language as tcpdump and `tshark -f`),
/// applied to packets read from a file. One program is compiled per link type on first use,
/// because a pcapng file may mix link types. Decoding threads share one filter: the programs
/// are compiled under a lock, and running one only reads it.
public final class PacketFilter: @unchecked Sendable {
    public let expression: String
    private var programs: [LinkType: bpf_program] = [:]
    private let lock = NSLock()

    /// Compiles the expression once for Ethernet so that syntax errors show up before reading.
    public init(expression: String) throws {
        self.expression = expression
        _ = try lock.withLock { try program(for: .ethernet) }
    }

    deinit {
        for key in programs.keys { pcap_freecode(&programs[key]!) }
    }

    public func matches(_ packet: CapturedPacket) -> Bool {
        var header = pcap_pkthdr()
        header.caplen = bpf_u_int32(packet.data.count)
        header.len = bpf_u_int32(packet.originalLength)
        // An expression that makes no sense for this link type matches none of its packets.
        guard var program = try? lock.withLock({ try program(for: packet.linkType) }) else { return false }
        return packet.data.withUnsafeBufferPointer { bytes in
            pcap_offline_filter(&program, &header, bytes.baseAddress) != 0
        }
    }

    private func program(for linkType: LinkType) throws -> bpf_program {
        if let program = programs[linkType] { return program }
        // libpcap wants the DLT_ value, which differs from the file's LINKTYPE_ value for raw IP.
        let dlt = linkType == .raw ? DLT_RAW : Int32(linkType.rawValue)
        guard let handle = pcap_open_dead(dlt, 262_144) else {
            throw FilterError(expression: expression, reason: "libpcap cannot open a handle for link type \(linkType.rawValue)")
        }
        defer { pcap_close(handle) }
        var program = bpf_program()
        guard pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            let reason = String(cString: pcap_geterr(handle))
            throw FilterError(expression: expression, reason: "\(reason) (link type \(linkType.name))")
        }
        programs[linkType] = program
        return program
    }
}

/// A capture filter that libpcap could not compile.
public struct FilterError: Error, Sendable, CustomStringConvertible {
    public var expression: String
    public var reason: String
    public var description: String { "invalid capture filter '\(expression)': \(reason)" }
}
