import ArgumentParser

/// Which packet numbers to show: `--packet N` or `--packets A-B` (either end may be left open, or one number).
struct PacketSelection {
    var first = 1
    var last = Int.max

    init(packet: Int?, packets: String?) throws {
        if let packet {
            guard packet >= 1 else { throw ValidationError("--packet counts from 1") }
            first = packet
            last = packet
        }
        if let packets {
            var parts = packets.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 1 { parts.append(parts[0]) }
            guard parts.count == 2,
                  let low = parts[0].isEmpty ? 1 : Int(parts[0]),
                  let high = parts[1].isEmpty ? Int.max : Int(parts[1]),
                  low >= 1, low <= high else {
                throw ValidationError("--packets takes a number or a range such as 5-20, 5- or -20 (packets count from 1)")
            }
            first = max(first, low)
            last = min(last, high)
        }
    }

    func contains(_ number: Int) -> Bool { number >= first && number <= last }
    func isPast(_ number: Int) -> Bool { number > last }
}
