#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPcap

/// Why an interface could not be opened or read, with libpcap's own message.
public struct LiveCaptureError: Error, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The process may not capture (no CAP_NET_RAW/CAP_NET_ADMIN, not root).
        case permission
        case noSuchInterface
        /// The BPF expression does not compile.
        case filter
        case other
    }

    public var kind: Kind
    public var message: String
    public var description: String { message }
}

/// Packets from a network interface as they arrive, through libpcap: immediate delivery,
/// nanosecond times, and never an unbounded wait (non-blocking reads between short polls), so
/// that a count, a duration or a stop request ends the capture even on an idle interface.
public final class LiveCapture {
    public struct Settings: Sendable {
        public var snapLength = 262_144
        public var promiscuous = true
        /// A BPF expression (tcpdump's language), applied in the kernel.
        public var filter: String?
        /// Stop after this many packets.
        public var count: Int?
        /// Stop after this many seconds.
        public var duration: Double?
        public init() {}
    }

    /// Counts from libpcap at the end: packets the filter passed, and those the kernel or the
    /// interface dropped for lack of buffer space.
    public struct Statistics: Sendable, Equatable {
        public var received: Int
        public var droppedByKernel: Int
        public var droppedByInterface: Int
    }

    public let interface: String
    public let linkType: LinkType
    public private(set) var packetsRead = 0
    /// Asked between reads (a signal arrived): the capture ends as if its count were reached.
    public var stopRequested: () -> Bool = { false }
    /// Called with each packet before it is handed on (`-w` writes it), and with nil when the
    /// interface has nothing more for now (a moment to flush).
    public var tee: ((CapturedPacket?) throws -> Void)?

    private let handle: OpaquePointer
    private let settings: Settings
    private let selectable: Int32
    private let started = LiveCapture.monotonicSeconds()
    private var lastIdle = 0.0

    public init(interface: String, settings: Settings = Settings()) throws(LiveCaptureError) {
        self.interface = interface
        self.settings = settings
        var error = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_create(interface, &error) else {
            throw LiveCaptureError(kind: .other, message: String(cBuffer: error))
        }
        pcap_set_snaplen(handle, Int32(settings.snapLength))
        pcap_set_promisc(handle, settings.promiscuous ? 1 : 0)
        pcap_set_immediate_mode(handle, 1)
        pcap_set_timeout(handle, 100)
        pcap_set_tstamp_precision(handle, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = pcap_activate(handle)
        if status < 0 {
            let message = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            throw LiveCaptureError(kind: Self.kind(of: status), message: message.isEmpty ? String(cString: pcap_statustostr(status)) : message)
        }
        self.handle = handle
        linkType = Self.linkType(dlt: pcap_datalink(handle))
        if let expression = settings.filter {
            var program = bpf_program()
            guard pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
                let message = String(cString: pcap_geterr(handle))
                pcap_close(handle)
                throw LiveCaptureError(kind: .filter, message: message)
            }
            defer { pcap_freecode(&program) }
            guard pcap_setfilter(handle, &program) == 0 else {
                let message = String(cString: pcap_geterr(handle))
                pcap_close(handle)
                throw LiveCaptureError(kind: .filter, message: message)
            }
        }
        guard pcap_setnonblock(handle, 1, &error) == 0 else {
            pcap_close(handle)
            throw LiveCaptureError(kind: .other, message: String(cBuffer: error))
        }
        selectable = pcap_get_selectable_fd(handle)
    }

    deinit { pcap_close(handle) }

    /// The next packet; nil once the count is reached, the duration is over or a stop was
    /// requested. While the interface is idle, `idle` gets the time about once a second (so
    /// that quiet connections can be retired by the clock, as later packets would).
    public func next(idle: (Timestamp) -> Void) throws(LiveCaptureError) -> CapturedPacket? {
        while true {
            if let count = settings.count, packetsRead >= count { return nil }
            if stopRequested() { return nil }
            let elapsed = Self.monotonicSeconds() - started
            if let duration = settings.duration, elapsed >= duration { return nil }
            var header: UnsafeMutablePointer<pcap_pkthdr>?
            var data: UnsafePointer<UInt8>?
            let result = pcap_next_ex(handle, &header, &data)
            if result == 1, let header, let data {
                packetsRead += 1
                let captured = Int(header.pointee.caplen)
                let packet = CapturedPacket(
                    number: packetsRead,
                    // With nanosecond precision libpcap puts nanoseconds in tv_usec.
                    timestamp: Timestamp(seconds: Int64(header.pointee.ts.tv_sec), nanoseconds: UInt32(clamping: header.pointee.ts.tv_usec)),
                    originalLength: Int(header.pointee.len), linkType: linkType,
                    data: Array(UnsafeBufferPointer(start: data, count: captured)))
                try passOn(packet)
                return packet
            }
            if result == 0 {
                try passOn(nil)
                if elapsed - lastIdle >= 1 {
                    lastIdle = elapsed
                    idle(Self.now())
                }
                wait(until: settings.duration.map { $0 - elapsed })
                continue
            }
            if result == PCAP_ERROR_BREAK { return nil }
            throw LiveCaptureError(kind: .other, message: String(cString: pcap_geterr(handle)))
        }
    }

    public func statistics() -> Statistics? {
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return Statistics(received: Int(stats.ps_recv), droppedByKernel: Int(stats.ps_drop), droppedByInterface: Int(stats.ps_ifdrop))
    }

    private func passOn(_ packet: CapturedPacket?) throws(LiveCaptureError) {
        do {
            try tee?(packet)
        } catch {
            throw LiveCaptureError(kind: .other, message: "\(error)")
        }
    }

    /// Up to 100 ms (less when the duration ends sooner) for the interface to have something.
    private func wait(until remaining: Double?) {
        let milliseconds = Int32(max(1, min(100, (remaining ?? 1) * 1000)))
        guard selectable >= 0 else {
            usleep(useconds_t(milliseconds) * 1000)
            return
        }
        var descriptor = pollfd(fd: selectable, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, milliseconds)
    }

    static func kind(of status: Int32) -> LiveCaptureError.Kind {
        switch status {
        case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED: .permission
        case PCAP_ERROR_NO_SUCH_DEVICE: .noSuchInterface
        default: .other
        }
    }

    /// libpcap reports DLT_ values; files carry LINKTYPE_ values, which differ for raw IP.
    static func linkType(dlt: Int32) -> LinkType {
        dlt == DLT_RAW ? .raw : LinkType(rawValue: UInt32(bitPattern: dlt))
    }

    static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func now() -> Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(seconds: Int64(time.tv_sec), nanoseconds: UInt32(time.tv_nsec))
    }
}

extension String {
    /// The NUL-terminated text in a C buffer (libpcap's error messages, inet_ntop's addresses).
    init(cBuffer: [CChar]) {
        self.init(decoding: cBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
