#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPcap

/// The interfaces libpcap can capture on, as `tshark -D` and `tcpdump -D` list them.
public struct CaptureInterface: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// IPv4 and IPv6 addresses, as text.
    public var addresses: [String]
    public var isUp: Bool
    public var isRunning: Bool
    public var isLoopback: Bool
    public var isWireless: Bool

    /// Every interface, in libpcap's order (the most useful first); libpcap's message on failure.
    public static func all() throws(LiveCaptureError) -> [CaptureInterface] {
        var error = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        var list: UnsafeMutablePointer<pcap_if_t>?
        guard pcap_findalldevs(&list, &error) == 0 else { throw LiveCaptureError(kind: .other, message: String(cBuffer: error)) }
        defer { pcap_freealldevs(list) }
        var interfaces: [CaptureInterface] = []
        var next = list
        while let device = next {
            let flags = device.pointee.flags
            interfaces.append(CaptureInterface(
                name: String(cString: device.pointee.name),
                description: device.pointee.description.map { String(cString: $0) },
                addresses: addresses(device.pointee.addresses),
                isUp: flags & UInt32(PCAP_IF_UP) != 0, isRunning: flags & UInt32(PCAP_IF_RUNNING) != 0,
                isLoopback: flags & UInt32(PCAP_IF_LOOPBACK) != 0, isWireless: flags & UInt32(PCAP_IF_WIRELESS) != 0))
            next = device.pointee.next
        }
        return interfaces
    }

    private static func addresses(_ first: UnsafeMutablePointer<pcap_addr>?) -> [String] {
        var result: [String] = []
        var next = first
        while let entry = next {
            if let address = entry.pointee.addr, let text = text(address) { result.append(text) }
            next = entry.pointee.next
        }
        return result
    }

    private static func text(_ address: UnsafeMutablePointer<sockaddr>) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
                var value = inet.pointee.sin_addr
                return inet_ntop(AF_INET, &value, &buffer, socklen_t(buffer.count)).map { _ in String(cBuffer: buffer) }
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { inet in
                var value = inet.pointee.sin6_addr
                return inet_ntop(AF_INET6, &value, &buffer, socklen_t(buffer.count)).map { _ in String(cBuffer: buffer) }
            }
        default:
            return nil
        }
    }
}
