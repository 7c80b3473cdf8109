import ArchiveAccess
import ArchiveRead
import Catalog
import Foundation
import Intake
import Logging
import PipelineConfig
import Segments
import TestSupport
import Testing

@testable import Run

/// An archive in a temporary directory with a pipeline over its `logs/` folder.
struct ArchiveFixture {
    let tmp: TemporaryDirectory
    let logger = Logger(label: "test")
    var extraYAML = ""
    /// The warm and cold tiers' codec and level.
    var warmCodec = "codec: zlib, level: 6"
    var coldCodec = "codec: zlib, level: 9"
    /// The ages at which days move to the warm and the cold tier.
    var warmAfter = "7d"
    var coldAfter = "30d"

    init() throws { tmp = try TemporaryDirectory("msgarchive-run") }

    var logs: URL { tmp.path("logs") }
    var archive: URL { tmp.path("archive") }

    func config(dedup: String = "id") throws -> PipelineConfig {
        let yaml = """
            version: 1
            archive: \(archive.path)
            sources:
              - paths: ["\(logs.path)/*.jsonl*"]
            dedup:
              mode: \(dedup)
            tiers:
              hot: {codec: lz4, level: 1}
              warm: {after: \(warmAfter), \(warmCodec)}
              cold: {after: \(coldAfter), \(coldCodec), pack_target: 64KiB}
            block_size: 16KiB
            \(extraYAML)
            """
        return try PipelineConfig.parse(yaml: yaml, file: tmp.path("pipeline.yaml"))
    }

    func run(
        now: String, dedup: String = "id", wallClock: @escaping @Sendable () -> Date = Date.init
    ) async throws -> RunSummary {
        try await RunDriver.run(
            config: try config(dedup: dedup), now: try Timestamps.parse(now), wallClock: wallClock, environment: [:],
            logger: logger)
    }

    func export(filter: Exporter.Filter = .init()) async throws -> [String] {
        let opened = try Archive(config: try config(), readOnly: true, environment: [:], logger: logger)
        let out = tmp.path("export-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        var counts = Exporter.Counts()
        try await Exporter(filter: filter).export(
            try opened.segmentSources(matching: filter), to: OutputSink(fd: handle.fileDescriptor), counts: &counts)
        try handle.close()
        return try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// Every regular file under the archive with its bytes.
    func snapshot() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: archive, includingPropertiesForKeys: [.isRegularFileKey])
        for case let url as URL in walker ?? FileManager.default.enumerator(atPath: "/nonexistent")! {
            if (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                files[url.path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    /// Segment files and cold objects (the ledger's mirror aside, which changes every run) with their bytes.
    func segmentsAndColdObjects() throws -> [String: Data] {
        try snapshot().filter {
            ($0.key.contains("/segments/") || $0.key.contains("/cold/")) && !$0.key.contains("/ledger/")
        }
    }

    /// The keys of the segment objects in the cold store.
    func objectKeys() async throws -> [String] {
        let opened = try Archive(config: try config(), readOnly: true, environment: [:], logger: logger)
        return try await opened.store.list(prefix: "segments/").map(\.key)
    }

    func segmentFiles() -> [String] {
        SegmentLocator.segmentFiles(under: archive.appendingPathComponent("segments")).map(\.lastPathComponent)
    }
}

@Suite struct ArchiveRunTests {
    // 2025-08-01 is day 20301; 60 days of logs end on 2025-09-29.
    static let firstDay = 20_301
    static let now = "2025-10-01T03:00:00Z"

    @Test func secondRunOnTheSameInputsChangesNothing() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: Self.firstDay, days: 60, messagesPerDay: 120, conversations: 300, seed: 5,
            compressEvery: 10)
        let first = try await fx.run(now: Self.now)
        #expect(first.counts.conserves)
        #expect(first.counts.recordsArchived == corpus.distinctLines.count)
        #expect(first.counts.quarantined == corpus.tornLines)
        #expect(first.tiers.hot.segments > 0)
        #expect(first.tiers.warm.segments > 0)
        #expect(first.tiers.cold.segments > 0)
        #expect(first.uploadedObjects > 0)

        let files = try fx.segmentsAndColdObjects()
        let second = try await fx.run(now: Self.now)
        #expect(second.status == .nothingNew)
        #expect(second.counts.linesRead == 0)
        let after = try fx.segmentsAndColdObjects()
        #expect(after.keys.sorted() == files.keys.sorted())
        #expect(after == files)
        #expect(try await fx.export().sorted() == corpus.sortedDistinctLines)
    }

    @Test func oldPartitionsWrittenInPartsEndInOneSegmentOfTheirTier() async throws {
        var fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        // 64 KiB of buffers, 16 KiB a partition: every day of this corpus is flushed in several parts.
        fx.extraYAML = "ingest_memory: 64KiB"
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: Self.firstDay, days: 20, messagesPerDay: 300, conversations: 50, seed: 11)
        let summary = try await fx.run(now: "2025-08-25T03:00:00Z")
        #expect(summary.counts.conserves)
        #expect(summary.counts.recordsArchived == corpus.distinctLines.count)
        #expect(summary.segmentsWritten > 2 * 20)
        // Parts of warm partitions were staged as hot lz4 segments and merged by the same run: each warm day
        // is left as one zlib segment (cap 256 MiB), hot days keep their parts.
        let catalog = try Catalog(readOnly: fx.archive.appendingPathComponent("catalog.sqlite"))
        let byPartition = Dictionary(grouping: try catalog.segments(), by: \.partition)
        let warm = byPartition.filter { $0.key < "2025-08-19" }
        #expect(warm.count == 18)
        for (partition, rows) in warm {
            #expect(rows.map(\.tier) == [.warm], "\(partition)")
            #expect(rows.map(\.codec) == [.zlib], "\(partition)")
        }
        #expect(byPartition.filter { $0.key >= "2025-08-19" }.values.allSatisfy { $0.allSatisfy { $0.tier == .hot } })
        #expect(try await fx.export().sorted() == corpus.sortedDistinctLines)
    }

    @Test func appendedTailsAndRedeliveriesInLaterRunsAreReadOnce() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: Self.firstDay, days: 40, messagesPerDay: 50, conversations: 40, seed: 9)
        _ = try await fx.run(now: Self.now)
        // Past the 7-day dedup horizon the catalog keeps Bloom filters, not exact digests.
        let catalog = try Catalog(readOnly: fx.archive.appendingPathComponent("catalog.sqlite"))
        let old = try catalog.idBlobs(partition: "2025-08-02")
        #expect(!old.isEmpty && old.allSatisfy { $0.kind == .bloom })
        #expect(try catalog.idBlobs(partition: "2025-09-29").allSatisfy { $0.kind == .exact })
        // A later log redelivers old messages (some now cold) and adds new ones; one log grows.
        let again = Array(corpus.distinctLines.prefix(30))
        let fresh =
            #"{"id":"late-1","conversation":"c-1","sender":"u-1","timestamp":"2025-08-02T10:00:00Z","body":"late"}"#
        try Data((again + [fresh]).joined(separator: "\n").appending("\n").utf8)
            .write(to: fx.logs.appendingPathComponent("later.jsonl"))
        let grown = corpus.files.last!
        let handle = try FileHandle(forWritingTo: grown)
        try handle.seekToEnd()
        let appended =
            #"{"id":"tail-1","conversation":"c-2","sender":"u-2","timestamp":"2025-09-29T23:00:00Z","body":"tail"}"#
        try handle.write(contentsOf: Data((appended + "\n").utf8))
        try handle.close()

        let second = try await fx.run(now: Self.now)
        #expect(second.inputs.new == 1)
        #expect(second.inputs.grown == 1)
        #expect(second.counts.linesRead == 32)
        #expect(second.counts.duplicatesById == 30)
        #expect(second.counts.recordsArchived == 2)
        #expect(try await fx.export().sorted() == (corpus.distinctLines + [fresh, appended]).sorted())
    }

    @Test func aLogReplacedInPlaceIsANewLogAndTheOldOneIsReportedVanished() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: Self.firstDay, days: 2, messagesPerDay: 20, conversations: 5, seed: 2)
        _ = try await fx.run(now: Self.now)
        try Data("{}\n".utf8).write(to: corpus.files[0])
        let second = try await fx.run(now: Self.now)
        #expect(second.inputs.new == 1)
        #expect(second.inputs.vanished.map(\.path) == [corpus.files[0].path])
        #expect(second.counts.linesRead == 1)
        #expect(second.counts.quarantined == 1)
        #expect(try await fx.export().sorted() == corpus.distinctLines.sorted())
    }

    @Test func aLogChangedBeforeWhereItWasReadIsReadAgainAndItsLinesCountAsReread() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: Self.firstDay, days: 2, messagesPerDay: 120, conversations: 5, seed: 2)
        let first = try await fx.run(now: Self.now)
        // Swap the last two lines of the first log: its first 4 KiB stay, its end differs.
        var lines = try String(contentsOf: corpus.files[0], encoding: .utf8).split(separator: "\n")
        lines.swapAt(lines.count - 1, lines.count - 2)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: corpus.files[0])
        let second = try await fx.run(now: Self.now)
        #expect(second.inputs.rewritten == [corpus.files[0].path])
        #expect(second.counts.linesRead == lines.count)
        #expect(second.counts.recordsArchived == 0)
        #expect(second.counts.duplicatesById == 0)
        #expect(second.counts.linesReread + second.counts.quarantined == lines.count)
        #expect(second.counts.conserves)
        #expect(first.counts.duplicatesById == corpus.redeliveries)
        #expect(try await fx.export().sorted() == corpus.distinctLines.sorted())
        let third = try await fx.run(now: Self.now)
        #expect(third.status == .nothingNew)
    }

    @Test func dryRunLeavesEveryFileByteIdentical() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        _ = try LogCorpus.write(
            to: fx.logs, firstDay: Self.firstDay, days: 40, messagesPerDay: 30, conversations: 9, seed: 4)
        _ = try await fx.run(now: "2025-09-10T00:00:00Z")
        try Data(#"{"id":"x","conversation":"c","sender":"u","timestamp":"2025-09-01T00:00:00Z"}"#.utf8 + [10])
            .write(to: fx.logs.appendingPathComponent("new.jsonl"))
        let before = try fx.snapshot()
        let archive = try Archive(config: try fx.config(), readOnly: true, environment: [:], logger: fx.logger)
        let plan = try ArchiveRun(archive: archive, now: try Timestamps.parse(Self.now), logger: fx.logger).dryRun()
        #expect(plan.inputs.contains { $0.state == "new" && $0.path.hasSuffix("new.jsonl") })
        #expect(plan.moves.contains { $0.action == "upload to cold store" })
        #expect(try fx.snapshot() == before)
    }

    @Test func retentionThatCannotDeleteAnObjectKeepsItsRowsAndTheNextRunRetries() async throws {
        var fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        // 300 messages a day fill a 64 KiB cold object in a few days, so several objects fall wholly past
        // retention.
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: Self.firstDay, days: 60, messagesPerDay: 300, conversations: 20, seed: 8)
        _ = try await fx.run(now: Self.now)
        let catalogURL = fx.archive.appendingPathComponent("catalog.sqlite")
        let rowsBefore = try Catalog(readOnly: catalogURL).segments()
        // The oldest cold object is past retention; a directory where its file was makes its delete fail
        // (unlink gives EISDIR), as a store refusing the delete would.
        let key = try #require(rowsBefore.compactMap(\.objectKey).min())
        let held = rowsBefore.filter { $0.objectKey == key }.map(\.name)
        let file = fx.archive.appendingPathComponent("cold/data/\(key)")
        try FileManager.default.removeItem(at: file)
        try FileManager.default.createDirectory(at: file, withIntermediateDirectories: false)
        try Data("x".utf8).write(to: file.appendingPathComponent("blocker"))

        fx.extraYAML = "retention: {delete_after: 45d}"
        let failed = try await fx.run(now: Self.now)
        #expect(failed.status == .partial)
        #expect(failed.exitCode == 3)
        #expect(failed.pendingDeletions == [key])
        let rowsAfterFailure = try Catalog(readOnly: catalogURL).segments()
        #expect(rowsAfterFailure.filter { $0.objectKey == key }.map(\.name) == held)
        // The other expired objects were deleted, and only then their rows dropped.
        #expect(failed.retentionDeletedRecords > 0)
        #expect(rowsAfterFailure.count < rowsBefore.count - held.count)
        // The blocking directory's file lists as an object of its own; it is not one of ours.
        let listed = Set(try await fx.objectKeys().filter { !$0.hasPrefix(key + "/") })
        #expect(Set(rowsAfterFailure.compactMap(\.objectKey)).subtracting([key]) == listed)

        try FileManager.default.removeItem(at: file)
        let retried = try await fx.run(now: Self.now)
        #expect(retried.pendingDeletions.isEmpty)
        #expect(retried.status != .partial)
        let rowsAfterRetry = try Catalog(readOnly: catalogURL).segments()
        #expect(!rowsAfterRetry.contains { held.contains($0.name) || $0.objectKey == key })
        #expect(Set(rowsAfterRetry.compactMap(\.objectKey)) == Set(try await fx.objectKeys()))
        let partitions = Set(rowsAfterRetry.map(\.partition))
        let expected = corpus.distinctLines.filter { line in
            guard let r = line.range(of: #""timestamp":""#) else { return false }
            return partitions.contains(String(line[r.upperBound...].prefix(10)))
        }
        #expect(try await fx.export().sorted() == expected.sorted())
    }

    @Test func retentionDeletesPartitionsPastTheirAgeAndSaysSo() async throws {
        var fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        fx.extraYAML = "retention: {delete_after: 45d}"
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: Self.firstDay, days: 60, messagesPerDay: 10, conversations: 4, seed: 8)
        let summary = try await fx.run(now: Self.now)
        #expect(!summary.retentionDeletedPartitions.isEmpty)
        #expect(summary.retentionDeletedRecords > 0)
        let cutoff = "2025-08-18"  // 2025-10-01 minus 45 days is 2025-08-17, which is deleted
        let kept = corpus.distinctLines.filter { line in
            let ts = line.range(of: #""timestamp":""#).map { line[$0.upperBound...].prefix(10) } ?? ""
            return ts >= cutoff
        }
        #expect(try await fx.export().sorted() == kept.sorted())

        // Ten days on, more days expire; those packed with younger days wait, so the cold store's bytes and
        // the catalog's figures stay equal.
        let later = try await fx.run(now: "2025-10-11T03:00:00Z")
        let opened = try Archive(config: try fx.config(), readOnly: true, environment: [:], logger: fx.logger)
        let rows = try opened.catalog.segments()
        let objects = try await opened.store.list(prefix: "segments/")
        #expect(later.tiers.cold.storedBytes == objects.reduce(Int64(0)) { $0 + Int64($1.size) })
        #expect(Set(rows.compactMap(\.objectKey)) == Set(objects.map(\.key)))
        // A segment of several small days goes with its last day: its younger days keep the older ones.
        #expect(rows.contains { $0.lastPartition != nil })
        let expected = corpus.distinctLines.filter { line in
            guard let r = line.range(of: #""timestamp":""#) else { return false }
            let day = String(line[r.upperBound...].prefix(10))
            return rows.contains { $0.covers(day) }
        }
        #expect(try await fx.export().sorted() == expected.sorted())
    }
}

@Suite struct ZstdTierTests {
    @Test func zstdWarmAndColdTiersKeepEveryLineAndTheCatalogRebuildsFromThem() async throws {
        var fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        fx.warmCodec = "codec: zstd, level: 3"
        fx.coldCodec = "codec: zstd, level: 19, block_size: 4KiB"
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: ArchiveRunTests.firstDay, days: 50, messagesPerDay: 60, conversations: 30,
            seed: 13, compressEvery: 5)
        let first = try await fx.run(now: ArchiveRunTests.now)
        #expect(first.counts.conserves)
        #expect(first.counts.recordsArchived == corpus.distinctLines.count)
        #expect(first.tiers.warm.segments > 0)
        #expect(first.tiers.cold.segments > 0)
        let catalogURL = fx.archive.appendingPathComponent("catalog.sqlite")
        let before = try Catalog(readOnly: catalogURL).segments()
        #expect(before.filter { $0.tier != .hot }.allSatisfy { $0.codec == .zstd })
        #expect(before.contains { $0.tier == .cold && $0.name.hasSuffix(".jsonl.zst") })
        #expect(try await fx.export().sorted() == corpus.sortedDistinctLines)
        let opened = try Archive(config: try fx.config(), readOnly: true, environment: [:], logger: fx.logger)
        #expect(try await ArchiveVerifier(archive: opened, logger: fx.logger).verify().isEmpty)
        for row in before where row.tier != .hot {
            // The cold tier's own block size; the warm tier keeps the pipeline's 1 MiB.
            let blocks = try await SegmentReader.open(opened.byteSource(of: row)).index.blocks
            let cap = row.tier == .cold ? 4 << 10 : 1 << 20
            #expect(blocks.dropLast().allSatisfy { $0.rawLength >= cap / 2 && $0.rawLength <= cap })
            #expect(row.tier != .cold || row.rawBytes < 8 << 10 || blocks.count > 1)
        }

        try FileManager.default.removeItem(at: catalogURL)
        let archive = try Archive(
            config: try fx.config(), readOnly: false, rebuilding: true, environment: [:], logger: fx.logger)
        let (local, remote) = try await CatalogRebuilder(archive: archive, logger: fx.logger).rebuild()
        #expect(local + remote == before.count)
        let after = try archive.catalog.segments()
        #expect(Set(after.map(\.storedSHA256)) == Set(before.map(\.storedSHA256)))
        #expect(
            after.filter { $0.tier != .hot }.allSatisfy { $0.codec == .zstd && $0.level == ($0.tier == .cold ? 19 : 3) }
        )
        #expect(try await fx.export().sorted() == corpus.sortedDistinctLines)
    }
}

@Suite struct CatalogRebuildTests {
    @Test func rebuiltCatalogReadsEveryRecordAndTheNextRunDropsEverythingAsDuplicates() async throws {
        var fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        // No day is small against 2 KiB cold blocks, so each goes cold alone and objects pack several.
        fx.coldCodec = "codec: zlib, level: 9, block_size: 2KiB"
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: ArchiveRunTests.firstDay, days: 50, messagesPerDay: 40, conversations: 20,
            seed: 12)
        _ = try await fx.run(now: ArchiveRunTests.now)
        let catalogURL = fx.archive.appendingPathComponent("catalog.sqlite")
        let before = try Catalog(readOnly: catalogURL).segments()
        #expect(before.contains { $0.state == .remote && ($0.objectOffset ?? 0) > 0 }, "a pack holds several segments")
        try FileManager.default.removeItem(at: catalogURL)

        #expect(throws: (any Error).self) {
            _ = try Archive(config: try fx.config(), readOnly: true, environment: [:], logger: fx.logger)
        }
        let archive = try Archive(
            config: try fx.config(), readOnly: false, rebuilding: true, environment: [:], logger: fx.logger)
        let (local, remote) = try await CatalogRebuilder(archive: archive, logger: fx.logger).rebuild()
        #expect(local + remote == before.count)
        let after = try archive.catalog.segments()
        #expect(Set(after.map(\.storedSHA256)) == Set(before.map(\.storedSHA256)))
        #expect(after.reduce(0) { $0 + $1.records } == before.reduce(0) { $0 + $1.records })
        #expect(try await fx.export().sorted() == corpus.sortedDistinctLines)

        let next = try await fx.run(now: ArchiveRunTests.now)
        #expect(next.counts.recordsArchived == 0)
        #expect(next.counts.linesRead == corpus.totalLines)
        #expect(try await fx.export().sorted() == corpus.sortedDistinctLines)
    }
}

@Suite struct SmallDayTests {
    /// Two months of small days (about 2 KB each, against 16 KiB cold blocks), all past the cold age.
    static func archive(_ fx: inout ArchiveFixture) async throws -> LogCorpus {
        fx.coldCodec = "codec: zstd, level: 9"
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: ArchiveRunTests.firstDay, days: 61, messagesPerDay: 10, conversations: 4, seed: 21)
        let summary = try await fx.run(now: "2026-01-05T03:00:00Z")
        #expect(summary.counts.recordsArchived == corpus.distinctLines.count)
        // Both months are of cold age as they are read: ingest writes each as one segment, nothing to merge.
        #expect(summary.segmentsWritten == 2)
        #expect(summary.compactions == 0)
        return corpus
    }

    static func day(of line: String) -> String {
        line.range(of: #""timestamp":""#).map { String(line[$0.upperBound...].prefix(10)) } ?? ""
    }

    @Test func smallColdDaysOfAMonthShareOneSegmentThatStockZstdAndTheArchiveReadWhole() async throws {
        var fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        let corpus = try await Self.archive(&fx)
        let opened = try Archive(config: try fx.config(), readOnly: true, environment: [:], logger: fx.logger)
        let rows = try opened.catalog.segments()
        #expect(rows.map(\.partition) == ["2025-08-01", "2025-09-01"])
        #expect(rows.map(\.lastDay) == ["2025-08-31", "2025-09-30"])
        #expect(rows.allSatisfy { $0.tier == .cold && $0.state == .remote })
        #expect(try await fx.export().sorted() == corpus.sortedDistinctLines)
        #expect(try await ArchiveVerifier(archive: opened, logger: fx.logger).verify().isEmpty)

        // Stock zstd prints every line of a segment of several days, ordered by day first.
        var printed: [String] = []
        for row in rows {
            let reader = try await SegmentReader.open(opened.byteSource(of: row))
            #expect(reader.index.formatVersion == 2)
            #expect(reader.index.lastPartition == row.lastDay)
            let bytes = try await reader.source.read(offset: 0, length: Int(reader.storedBytes))
            let lines = try stockDecode(Data(bytes), codec: "zstd", scratch: fx.tmp.path("."))
            #expect(lines.map(Self.day) == lines.map(Self.day).sorted())
            #expect(lines.allSatisfy { row.covers(Self.day(of: $0)) })
            printed += lines
        }
        #expect(printed.sorted() == corpus.sortedDistinctLines)

        // One day alone, by its time range.
        let from = Day.micros(try Timestamps.parse("2025-08-17T00:00:00Z"))
        let oneDay = try await fx.export(filter: .init(from: from, to: from + 86_400_000_000))
        let expected = corpus.distinctLines.filter { Self.day(of: $0) == "2025-08-17" }
        #expect(!expected.isEmpty)
        #expect(oneDay.sorted() == expected.sorted())

        // The catalog rebuilt from the store knows each segment's days.
        let catalogURL = fx.archive.appendingPathComponent("catalog.sqlite")
        try FileManager.default.removeItem(at: catalogURL)
        let archive = try Archive(
            config: try fx.config(), readOnly: false, rebuilding: true, environment: [:], logger: fx.logger)
        _ = try await CatalogRebuilder(archive: archive, logger: fx.logger).rebuild()
        #expect(try archive.catalog.segments().map(\.lastDay) == ["2025-08-31", "2025-09-30"])
        let again = try await fx.run(now: "2026-01-05T03:00:00Z")
        #expect(again.counts.recordsArchived == 0)
        #expect(again.counts.duplicatesById == corpus.distinctLines.count + corpus.redeliveries)
    }

    /// A daily cron turns one day cold a run: the small days of August wait in the warm tier until the last of
    /// them is of cold age, then go cold together as one segment.
    @Test func smallDaysTurningColdOneRunAtATimeWaitForTheirMonth() async throws {
        var fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        fx.coldCodec = "codec: zstd, level: 9"
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: ArchiveRunTests.firstDay, days: 40, messagesPerDay: 10, conversations: 4, seed: 22)
        let catalog = fx.archive.appendingPathComponent("catalog.sqlite")
        // 2025-08-30 is 30 days old on 2025-09-29, 2025-08-31 a day later.
        for now in ["2025-09-27T03:00:00Z", "2025-09-28T03:00:00Z", "2025-09-29T03:00:00Z"] {
            let summary = try await fx.run(now: now)
            #expect(summary.tiers.cold.segments == 0, "\(now)")
            #expect(try Catalog(readOnly: catalog).segments().allSatisfy { $0.tier != .cold }, "\(now)")
        }
        let archive = try Archive(config: try fx.config(), readOnly: true, environment: [:], logger: fx.logger)
        let plan = try ArchiveRun(
            archive: archive, now: try Timestamps.parse("2025-09-30T03:00:00Z"), logger: fx.logger
        ).dryRun()
        #expect(plan.moves.contains { $0.action == "merge into cold with 30 more small days" })
        let waiting = try ArchiveRun(
            archive: archive, now: try Timestamps.parse("2025-09-29T03:00:00Z"), logger: fx.logger
        ).dryRun()
        #expect(waiting.bytesToUpload == 0)
        #expect(!waiting.moves.contains { $0.action.contains("cold") })

        _ = try await fx.run(now: "2025-09-30T03:00:00Z")
        let rows = try Catalog(readOnly: catalog).segments()
        let cold = rows.filter { $0.tier == .cold }
        #expect(cold.map(\.partition) == ["2025-08-01"])
        #expect(cold.map(\.lastDay) == ["2025-08-31"])
        #expect(cold.allSatisfy { $0.state == .remote })
        #expect(rows.filter { $0.tier != .cold }.allSatisfy { $0.partition >= "2025-09-01" })
        #expect(try await fx.export().sorted() == corpus.sortedDistinctLines)
    }

    /// A backfill of small days that are all hot writes one hot segment a month, while the two days a later run
    /// reads get a segment each; as a shared segment's last day ages, compaction moves it whole to the warm tier
    /// and then to the cold one, its days kept, every record byte for byte, and an id repeated on another of its
    /// days stays a message of its own.
    @Test func smallHotDaysOfABackfillShareOneSegmentAMonthThatMovesWholeAsItsLastDayAges() async throws {
        var fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        (fx.warmAfter, fx.coldAfter, fx.coldCodec) = ("30d", "60d", "codec: zstd, level: 9")
        // 2025-08-20..2025-09-10, all younger than the warm tier's 30 days on 2025-09-11.
        let backfill = try LogCorpus.write(
            to: fx.logs, firstDay: ArchiveRunTests.firstDay + 19, days: 22, messagesPerDay: 10, conversations: 4,
            seed: 23)
        let original = try #require(backfill.distinctLines.first { Self.day(of: $0) == "2025-08-20" })
        let sameId = original.replacingOccurrences(of: "2025-08-20T", with: "2025-08-21T")
        // In 2025-08-21's log, so that the day's records stay one buffer.
        let log = try FileHandle(forWritingTo: backfill.files[1])
        try log.seekToEnd()
        try log.write(contentsOf: Data("\(sameId)\n".utf8))
        try log.close()
        let catalog = fx.archive.appendingPathComponent("catalog.sqlite")

        let first = try await fx.run(now: "2025-09-11T03:00:00Z")
        #expect(first.counts.recordsArchived == backfill.distinctLines.count + 1)
        var rows = try Catalog(readOnly: catalog).segments()
        #expect(rows.map(\.partition) == ["2025-08-20", "2025-09-01"])
        #expect(rows.map(\.lastDay) == ["2025-08-31", "2025-09-10"])
        #expect(rows.allSatisfy { $0.tier == .hot })
        // Stock lz4 prints every line of a hot segment of several days, ordered by day first.
        let opened = try Archive(config: try fx.config(), readOnly: true, environment: [:], logger: fx.logger)
        var printed: [String] = []
        for row in rows {
            let reader = try await SegmentReader.open(opened.byteSource(of: row))
            #expect(reader.index.formatVersion == 2)
            let bytes = try await reader.source.read(offset: 0, length: Int(reader.storedBytes))
            let decoded = try stockDecode(Data(bytes), codec: "lz4", scratch: fx.tmp.path("."))
            #expect(decoded.map(Self.day) == decoded.map(Self.day).sorted())
            printed += decoded
        }
        #expect(printed.sorted() == (backfill.distinctLines + [sameId]).sorted())

        // The daily cron's next two days: a segment each.
        let daily = try LogCorpus.write(
            to: fx.logs, firstDay: ArchiveRunTests.firstDay + 41, days: 2, messagesPerDay: 10, conversations: 4,
            seed: 24)
        let lines = (backfill.distinctLines + daily.distinctLines + [sameId]).sorted()
        _ = try await fx.run(now: "2025-09-13T03:00:00Z")
        rows = try Catalog(readOnly: catalog).segments()
        #expect(rows.map(\.partition) == ["2025-08-20", "2025-09-01", "2025-09-11", "2025-09-12"])
        #expect(rows.map(\.lastDay) == ["2025-08-31", "2025-09-10", "2025-09-11", "2025-09-12"])

        // On 2025-10-01 August's last day is 31 days old: that segment moves to the warm tier whole.
        let archive = try Archive(config: try fx.config(), readOnly: true, environment: [:], logger: fx.logger)
        let plan = try ArchiveRun(
            archive: archive, now: try Timestamps.parse("2025-10-01T03:00:00Z"), logger: fx.logger
        ).dryRun()
        #expect(plan.moves.map(\.action) == ["merge into warm whole, with its days to 2025-08-31"])
        let warm = try await fx.run(now: "2025-10-01T03:00:00Z")
        #expect(warm.compactions == 1)
        #expect(warm.compactionDuplicates == 0)
        rows = try Catalog(readOnly: catalog).segments()
        #expect(rows.map(\.tier) == [.warm, .hot, .hot, .hot])
        #expect(rows.map(\.lastDay) == ["2025-08-31", "2025-09-10", "2025-09-11", "2025-09-12"])
        #expect(try await fx.export().sorted() == lines)

        // On 2025-11-15 every day is of cold age: each shared segment goes cold whole, the two single days of
        // September together, and all of it up to the store.
        let cold = try await fx.run(now: "2025-11-15T03:00:00Z")
        #expect(cold.compactionDuplicates == 0)
        rows = try Catalog(readOnly: catalog).segments()
        #expect(rows.map(\.partition) == ["2025-08-20", "2025-09-01", "2025-09-11"])
        #expect(rows.map(\.lastDay) == ["2025-08-31", "2025-09-10", "2025-09-12"])
        #expect(rows.allSatisfy { $0.tier == .cold && $0.state == .remote })
        #expect(fx.segmentFiles().isEmpty)
        #expect(try await fx.export().sorted() == lines)
        let verified = try Archive(config: try fx.config(), readOnly: true, environment: [:], logger: fx.logger)
        #expect(try await ArchiveVerifier(archive: verified, logger: fx.logger).verify().isEmpty)
    }

    /// Ids count per day: a redelivery into a day of a shared segment is dropped, while the same id on another
    /// day of that segment is a message of its own, as for days in segments of their own.
    @Test func aRedeliveryIntoASharedDayIsDroppedAndTheSameIdOnAnotherDayIsKept() async throws {
        var fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        let corpus = try await Self.archive(&fx)
        let redelivered = try #require(corpus.distinctLines.first { Self.day(of: $0) == "2025-08-10" })
        let moved = redelivered.replacingOccurrences(of: "2025-08-10T", with: "2025-08-20T")
        try "\(redelivered)\n\(moved)\n".write(
            to: fx.logs.appendingPathComponent("late.jsonl"), atomically: true, encoding: .utf8)

        let late = try await fx.run(now: "2026-01-05T03:00:00Z")
        #expect(late.counts.duplicatesById == 1)
        #expect(late.counts.recordsArchived == 1)
        #expect(try await fx.export().sorted() == (corpus.distinctLines + [moved]).sorted())
        let rows = try Catalog(readOnly: fx.archive.appendingPathComponent("catalog.sqlite")).segments()
        #expect(rows.filter { $0.lastPartition != nil }.map(\.partition) == ["2025-08-01", "2025-09-01"])
        #expect(rows.contains { $0.partition == "2025-08-20" && $0.lastPartition == nil && $0.records == 1 })
    }
}
