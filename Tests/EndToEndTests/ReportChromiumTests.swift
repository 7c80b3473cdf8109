import Foundation
import TestSupport
import Testing

@testable import Codecs

/// The HTML report as headless Chromium draws it: a page the size of a laptop screen whose charts show every
/// series in its colour.
/// Under CI the suite always runs (and fails without Chromium, which `scripts/setup` installs).
@Suite(
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
            || ProcessInfo.processInfo.environment["CI"] != nil,
        "needs /usr/bin/chromium (apt-get install -y chromium)"))
struct ReportChromiumTests {
    /// An 8-bit RGB or RGBA PNG decoded to pixels (what Chromium's `--screenshot` writes).
    struct Image {
        var width = 0
        var height = 0
        var channels = 0
        var pixels: [UInt8] = []

        init(png: Data) throws {
            let bytes = [UInt8](png)
            try #require(bytes.count > 8 && bytes[1...3] == [0x50, 0x4E, 0x47], "a PNG")
            var offset = 8
            var compressed: [UInt8] = []
            while offset + 8 <= bytes.count {
                let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
                let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
                let body = Array(bytes[offset + 8..<offset + 8 + length])
                if type == "IHDR" {
                    width = body[0..<4].reduce(0) { $0 << 8 | Int($1) }
                    height = body[4..<8].reduce(0) { $0 << 8 | Int($1) }
                    try #require(body[8] == 8 && (body[9] == 2 || body[9] == 6) && body[12] == 0, "8-bit RGB(A)")
                    channels = body[9] == 6 ? 4 : 3
                }
                if type == "IDAT" { compressed += body }
                offset += 12 + length
            }
            // zlib's own wrapper (RFC 1950): 15 window bits without the gzip flag.
            let inflater = try ZlibInflater(windowBits: 15)
            var raw: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            try compressed.withUnsafeBytes { input in
                try chunk.withUnsafeMutableBytes { output in
                    try inflater.inflate(input, chunk: output) { raw += $0 }
                }
            }
            let stride = width * channels
            try #require(raw.count == height * (stride + 1), "one filter byte and a row per line")
            pixels = [UInt8](repeating: 0, count: height * stride)
            // PNG filters, RFC 2083 6: each byte is predicted from its left, upper and upper-left neighbours.
            for row in 0..<height {
                let filter = raw[row * (stride + 1)]
                for column in 0..<stride {
                    let value = raw[row * (stride + 1) + 1 + column]
                    let a = column >= channels ? Int(pixels[row * stride + column - channels]) : 0
                    let b = row > 0 ? Int(pixels[(row - 1) * stride + column]) : 0
                    let c = row > 0 && column >= channels ? Int(pixels[(row - 1) * stride + column - channels]) : 0
                    let predicted: Int
                    switch filter {
                    case 1: predicted = a
                    case 2: predicted = b
                    case 3: predicted = (a + b) / 2
                    case 4:
                        let p = a + b - c
                        let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                        predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                    default: predicted = 0
                    }
                    pixels[row * stride + column] = UInt8(truncatingIfNeeded: Int(value) + predicted)
                }
            }
        }

        /// Pixels of exactly `hex` (`#2a9d8f`).
        func count(_ hex: String) -> Int {
            let value = Int(hex.dropFirst(), radix: 16) ?? -1
            let rgb = [UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
            var found = 0
            for start in stride(from: 0, to: pixels.count, by: channels)
            where pixels[start..<start + 3].elementsEqual(rgb) {
                found += 1
            }
            return found
        }
    }

    @Test func reportDrawsEveryChartSeriesOnALaptopScreen() throws {
        let fx = try LedgerEndToEndTests.threeRuns()
        defer { fx.tmp.remove() }
        let page = fx.tmp.path("report.html")
        let report = try Msgarchive.run(["report"] + fx.arguments + ["--format", "html", "--output", page.path])
        #expect(report.status == 0, "\(report.stderr)")
        let shot = fx.tmp.path("report.png")
        _ = try run(
            "/usr/bin/chromium",
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1366,2200",
                "--user-data-dir=\(fx.tmp.path("chromium").path)", "--screenshot=\(shot.path)", page.absoluteString,
            ])
        let image = try Image(png: try Data(contentsOf: shot))
        #expect(image.width == 1366 && image.height == 2200)
        // Each series in its own colour: the cost lines, the tiers' bars and the cumulative saving.
        for colour in ["#6c757d", "#2a9d8f", "#d7263d", "#f49d37", "#1b4f9c"] {
            #expect(image.count(colour) > 50, "\(colour) drawn")
        }
        // Nothing drawn in the page's right margin (24 px): a wider table would run into it and be cut there.
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.components(separatedBy: "<table>").count == 5, "four tables")
        var inked = 0
        for row in 0..<image.height {
            for column in (image.width - 24)..<image.width {
                let start = (row * image.width + column) * image.channels
                if image.pixels[start..<start + 3].contains(where: { $0 < 200 }) { inked += 1 }
            }
        }
        #expect(inked == 0, "\(inked) dark pixels near the right edge: something is wider than a laptop screen")
    }
}
