import ArchiveAccess
import ArgumentParser
import Foundation
import Logging
import PipelineConfig
import Segments

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show one segment's index: header, per-block figures, totals.",
        discussion: """
            With --pipeline, SEGMENT is a segment's name in that archive's catalog, and a cold segment is read \
            from the cold store with ranged GETs (its index, and with --verify its blocks).
            """)

    @Argument(help: "A segment file (.jsonl.lz4, .jsonl.gz or .jsonl.zst), or with --pipeline a segment name.")
    var segment: String

    @Option(help: "Pipeline file: look SEGMENT up in its archive, cold store included.")
    var pipeline: String?

    @Option(help: "Archive root, overriding the pipeline's.")
    var archive: String?

    @Flag(help: "Print the index as JSON.")
    var json = false

    @Flag(help: "Also read every block and check every checksum.")
    var verify = false

    func run() async throws {
        let reader: SegmentReader
        do {
            if let pipeline {
                let config = try PipelineOptions.parse(
                    ["--pipeline", pipeline] + (archive.map { ["--archive", $0] } ?? [])
                ).load()
                let opened = try Archive(
                    config: config, readOnly: true, environment: ProcessInfo.processInfo.environment,
                    logger: Logger(label: "msgarchive.inspect"))
                guard let row = try opened.catalog.segments().first(where: { $0.name == segment }) else {
                    throw ArchiveError.noSuchSegment(name: segment, archive: config.archive.path)
                }
                reader = try await SegmentReader.open(opened.byteSource(of: row))
                if verify { try await reader.verify() }
                try await opened.store.shutdown()
            } else {
                reader = try await SegmentReader.open(FileByteSource(url: URL(fileURLWithPath: segment)))
                if verify { try await reader.verify() }
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw fail(error)
        }
        let index = reader.index
        if json { return try printJSON(index) }
        print(
            """
            segment      \(segment)
            format       version \(index.formatVersion)
            partition    \(index.partition == index.lastPartition ? index.partition : "\(index.partition) .. \(index.lastPartition)")
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
