import Foundation
import OsiscopeTestSupport
import Testing

/// Headless Chromium as a test's eyes: a page or image rendered to a PNG, read back by a small
/// PNG reader in Python (width, height, and how many pixels are not white).
enum Browser {
    struct Screenshot { var width: Int, height: Int, ink: Int }

    /// nil (with an issue recorded) when Chromium is missing.
    static func screenshot(_ document: Data, name: String, width: Int, height: Int) throws -> Screenshot? {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile)
        else { Issue.record("chromium is not installed: run scripts/install-deps"); return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osiscope-browser-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent(name), png = folder.appendingPathComponent("shot.png")
        try document.write(to: page)
        // --disable-dev-shm-usage: containers often give /dev/shm 64 MB, where Chromium stalls.
        _ = try ChildProcess.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                            "--hide-scrollbars", "--no-first-run", "--user-data-dir=\(folder.path)/profile",
                                            "--window-size=\(width),\(height)", "--screenshot=\(png.path)", page.absoluteString],
                                 seconds: 120)
        let text = try ChildProcess.run("python3", ["-c", pngCheck, png.path]).text + "\n"
        let numbers = text.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard numbers.count == 3 else {
            Issue.record("no screenshot of \(name): \(text)")
            return nil
        }
        return Screenshot(width: numbers[0], height: numbers[1], ink: numbers[2])
    }

    /// Prints width, height and the count of non-white pixels of an 8-bit RGB(A) PNG.
    static let pngCheck = """
    import sys, zlib, struct
    data = open(sys.argv[1], 'rb').read()
    assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
    pos, idat = 8, b''
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR': width, height, depth, colour = struct.unpack('>IIBB', body[:10])
        if kind == b'IDAT': idat += body
        pos += 12 + length
    channels = {2: 3, 6: 4}[colour]
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + a) & 255
            elif kind == 2: line[i] = (line[i] + b) & 255
            elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line); previous = line
    ink = sum(1 for line in rows for x in range(width) if min(line[x * channels:x * channels + 3]) < 200)
    print(width, height, ink)
    """
}
