import ArgumentParser
import Foundation
import Pipeline
import Segments

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show one segment's index: header, per-block figures, totals.")

    @Argument(help: "A segment file (.jsonl.lz4 or .jsonl.gz).")
    var segment: String

    @Flag(help: "Print the index as JSON.")
    var json = false

    @Flag(help: "Also read every block and check every checksum.")
    var verify = false

    func run() async throws {
        let reader: SegmentReader
        do {
            reader = try await SegmentReader.open(FileByteSource(url: URL(fileURLWithPath: segment)))
            if verify { try await reader.verify() }
        } catch {
            throw fail(error)
        }
        let index = reader.index
        if json { return try printJSON(index) }
        print(
            """
            segment      \(segment)
            format       version \(index.formatVersion)
            partition    \(index.partition)
            tier         \(index.tier)
            codec        \(index.codec) level \(index.level)
            records      \(index.recordCount)
            raw bytes    \(index.rawBytes)
            stored bytes \(reader.storedBytes)
            raw sha256   \(index.rawSHA256.map { String(format: "%02x", $0) }.joined())
            time range   \(Timestamps.micros(index.minTimestamp)) .. \(Timestamps.micros(index.maxTimestamp))
            blocks       \(index.blocks.count)
            """)
        print("  #  offset      stored      raw  records  crc32     conversations")
        for (i, b) in index.blocks.enumerated() {
            print(
                String(
                    format: "%3d %7llu %10u %8u %8u  %08x  %@ .. %@", i, b.offset, b.storedLength, b.rawLength,
                    b.recordCount, b.crc32, b.firstConversation, b.lastConversation))
        }
        if verify { print("verified: every block's CRC, the raw SHA-256 and the record count match") }
    }
}
