import ArchiveAccess
import ChatExports
import Codecs
import Dedup
import FileIO
import Foundation
import Ingest
import Logging
import PipelineConfig
import Segments

/// `msgarchive compact`: a one-off compaction of logs into segments under a directory.
package enum Compactor {
    /// What to compact and how.
    package struct Options: Sendable {
        /// Files or globs.
        package var inputs: [String]
        package var output: URL
        package var codec: Codec = .zlib
        package var level: Int = Codec.zlib.defaultLevel
        package var dedup: DedupMode = .id
        /// Content-dedup window in µs.
        package var window: Int64 = 2_000_000
        package var blockSize: Int = 1 << 20
        package var fields = FieldNames()
        package var timestampFormat: TimestampFormat = .auto
        /// What the inputs are; a container format's inputs are exports (a Slack folder may be one).
        package var format: SourceFormat = .jsonl
        package var maxLineBytes: Int = 1 << 20
        /// Bytes a ZIP entry of an export may inflate to.
        package var maxEntryBytes: Int64 = ExportLimits().maxEntryBytes
        /// Bytes buffered across partitions, the segments being written included: three eighths for those
        /// (two days of 10 MB each, with their records' entries), the rest for the partitions being read; a
        /// quarter is the most one partition buffers.
        package var memoryBudget: Int = 64 << 20

        package init(inputs: [String], output: URL) {
            self.inputs = inputs
            self.output = output
        }
    }

    /// What a compaction did.
    package struct Summary: Sendable, Codable {
        package var counts: IngestCounts
        package var inputs: Int
        package var segments: Int
        package var partitions: Int
        package var storedBytes: Int64
        /// Raw archived bytes over stored bytes.
        package var ratio: Double
        package var seconds: Double
        package var quarantineFile: String?
        /// Logs most of whose lines lack a field; a `total` one makes `compact` exit 2.
        package var hints: [FieldHint]
        /// Lines, files or entries of chat exports that hold no message, skipped (not in `counts`).
        package var skipped = 0

        enum CodingKeys: String, CodingKey {
            case counts, inputs, segments, partitions, hints, skipped
            case storedBytes = "stored_bytes"
            case ratio, seconds
            case quarantineFile = "quarantine_file"
        }
    }

    /// Compacts `options.inputs` into segments under `options.output`.
    /// - Throws: `IntakeError` for missing inputs or an output that already holds segments; ingest and
    ///   segment errors as they come.
    package static func run(_ options: Options, logger: Logger) async throws -> Summary {
        let clock = ContinuousClock()
        let started = clock.now
        let matches = try expand(options.inputs, format: options.format)
        let unmatched = matches.filter(\.files.isEmpty).map(\.pattern)
        guard unmatched.isEmpty else { throw IntakeError.noInputs(patterns: unmatched) }
        var seen: Set<String> = []
        let files = matches.flatMap(\.files).filter { seen.insert($0.standardizedFileURL.path).inserted }
        try prepareOutput(options.output)

        let fileCounter = SegmentCounter()
        // Only the figures the summary needs: a segment's id digests (16 bytes a record) are not kept.
        var segments = 0
        var stored: Int64 = 0
        var partitions: Set<String> = []
        let segmentShare = options.memoryBudget / 8 * 3
        let writes = SegmentWriteQueue(memory: segmentShare) { segment in
            logger.debug(
                "segment written",
                metadata: ["segment": "\(segment.url.path)", "records": "\(segment.index.recordCount)"])
            segments += 1
            stored += Int64(segment.storedBytes)
            partitions.insert(segment.index.partition)
        }
        let ingestor = Ingestor(
            dedup: options.dedup, window: options.window, memoryBudget: options.memoryBudget - segmentShare,
            partitionLimit: options.memoryBudget / 4,
            quarantineURL: options.output.appendingPathComponent("quarantine.jsonl"),
            logger: logger, knownIds: { _ in KnownIds() },
            flush: { buffer, _ in
                let dir = options.output.appendingPathComponent(buffer.partition, isDirectory: true)
                let n = fileCounter.next(buffer.partition)
                let url = dir.appendingPathComponent("\(buffer.partition)-\(n).\(options.codec.segmentExtension)")
                let segmentOptions = SegmentOptions(
                    partition: buffer.partition, tier: .hot, codec: options.codec, level: options.level,
                    blockSize: options.blockSize)
                try await writes.submit([buffer], to: url, options: segmentOptions, keepDigests: false)
            })
        let scanner = RecordScanner(fields: options.fields, timestampFormat: options.timestampFormat)
        let limits = ExportLimits(maxMessageBytes: options.maxLineBytes, maxEntryBytes: options.maxEntryBytes)
        var skipped = 0
        try await writes.writeAll(
            read: {
                for file in files {
                    if file != files.first { try await ingestor.flushIdle() }
                    logger.info("reading log", metadata: ["file": "\(file.path)"])
                    if options.format.isContainer {
                        let reader = try openChatExport(options.format, at: file.path, limits: limits)
                        skipped += try await ingestor.ingest(export: reader, scanner: scanner)
                        ingestor.countInput(bytes: Int64(try exportSize(file)))
                        continue
                    }
                    _ = try await ingestor.ingest(
                        file, scanner: scanner, maxLineBytes: options.maxLineBytes, from: .init(offset: 0, lines: 0),
                        holdUnterminated: false)
                    ingestor.countInput(bytes: Int64(try FileIO.size(file.path)))
                }
            }, finish: ingestor.finish)

        let counts = ingestor.counts
        return Summary(
            counts: counts, inputs: files.count, segments: segments, partitions: partitions.count, storedBytes: stored,
            ratio: stored > 0 ? Double(counts.rawBytes) / Double(stored) : 0,
            seconds: (clock.now - started).seconds, quarantineFile: ingestor.quarantineFile?.path,
            hints: ingestor.hints, skipped: skipped)
    }

    /// The bytes of an export: its file's, or those of every file under its folder.
    private static func exportSize(_ url: URL) throws -> UInt64 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue,
            let walk = FileManager.default.enumerator(atPath: url.path)
        else { return try FileIO.size(url.path) }
        var total: UInt64 = 0
        while walk.nextObject() != nil {
            if walk.fileAttributes?[.type] as? FileAttributeType == .typeRegular {
                total += (walk.fileAttributes?[.size] as? NSNumber)?.uint64Value ?? 0
            }
        }
        return total
    }

    /// The files the inputs name; for a container format an input that is a folder (an unpacked Slack
    /// export) is an input itself.
    private static func expand(_ inputs: [String], format: SourceFormat) throws -> [SourceGlob.Match] {
        let root = currentDirectory()
        return try inputs.map { input in
            let url = URL(fileURLWithPath: input, relativeTo: root).standardizedFileURL
            var isDirectory: ObjCBool = false
            if format.isContainer, FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
                isDirectory.boolValue
            {
                return SourceGlob.Match(pattern: input, files: [url])
            }
            return try SourceGlob.expand([input], relativeTo: root)[0]
        }
    }

    private static func prepareOutput(_ output: URL) throws {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        if !SegmentLocator.segmentFiles(under: output).isEmpty {
            throw IntakeError.outputNotEmpty(path: output.path)
        }
    }
}

/// Numbers the segments written per partition.
final class SegmentCounter {
    private var counts: [String: Int] = [:]
    func next(_ partition: String) -> Int {
        counts[partition, default: 0] += 1
        return counts[partition, default: 0]
    }
}

package func currentDirectory() -> URL {
    URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
}

extension Duration {
    /// The duration in seconds.
    package var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
