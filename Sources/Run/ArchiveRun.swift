import ArchiveAccess
import Catalog
import Codecs
import Dedup
import Foundation
import Ingest
import Intake
import Ledger
import Logging
import ObjectStore
import PipelineConfig
import Segments

/// `msgarchive run`: one pass of the cron job over an archive.
///
/// Steps, in the write order of DESIGN.md invariant 5: recover from an interrupted run; ingest new logs and
/// appended tails into segments of each partition's tier, committed to the catalog together with the input
/// offsets; apply retention; compact partitions that moved tier; push cold segments to the cold store, verify,
/// mark them remote, delete the local copies; delete consumed sources if asked; append the ledger entry.
package final class ArchiveRun {
    let config: PipelineConfig
    let layout: ArchiveLayout
    let catalog: Catalog
    let store: any ObjectStore
    let logger: Logger
    /// The run's `now`: tiers and retention are judged against its UTC day.
    let now: Date
    /// The time of day, for what the run records of itself and for judging files' modification times.
    let wallClock: @Sendable () -> Date
    let runId: String
    var summary: RunSummary
    private let clock = ContinuousClock()
    private let startedAt: ContinuousClock.Instant
    private var segmentNumber = 0
    /// Small days of one month and tier read this run, one buffer a day, waiting to be written as one segment.
    private var smallDays: [RecordBuffer] = []
    /// The days some segment held when ingest began (`readArchivedDays()`), or nil to look every partition up.
    var archivedDays: Set<String>?

    let archive: Archive
    let progress: (any ProgressDisplay)?

    /// Prepares a run; the caller holds the archive's lock.
    package init(
        archive: Archive, now: Date, wallClock: @escaping @Sendable () -> Date = Date.init, logger: Logger,
        progress: (any ProgressDisplay)? = nil
    ) {
        self.archive = archive
        self.progress = progress
        self.config = archive.config
        self.layout = archive.layout
        self.catalog = archive.catalog
        self.store = archive.store
        self.now = now
        self.wallClock = wallClock
        self.logger = logger
        self.runId = Self.makeRunId()
        self.startedAt = clock.now
        let started = wallClock()
        self.summary = RunSummary(runId: runId, status: .ok, started: started, finished: started, now: now, seconds: 0)
    }

    private static func makeRunId() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Runs every step and returns the summary.
    /// - Throws: the first error that stops the run; work committed before it stays committed.
    package func execute() async throws -> RunSummary {
        try recover()
        var plan = try planInputs()
        let ingested = try await ingest(&plan)
        try await applyRetention()
        try await compactPartitions()
        try await pushCold()
        try shrinkIdDigests()
        try deleteSources(plan)
        if ingested == 0 && summary.compactions == 0 && summary.uploadedObjects == 0
            && summary.retentionDeletedPartitions.isEmpty && summary.pendingUploads.isEmpty
            && summary.pendingDeletions.isEmpty
        {
            summary.status = .nothingNew
        }
        if !summary.pendingUploads.isEmpty || !summary.pendingDeletions.isEmpty { summary.status = .partial }
        summary.tiers = try tierFigures()
        summary.finished = wallClock()
        summary.seconds = (clock.now - startedAt).seconds
        return summary
    }

    // MARK: Tiers

    /// Days from a partition to the run's `now`.
    func age(of partition: String) -> Int64 {
        guard let day = Day.number(partition: partition) else { return 0 }
        return Day.number(micros: Day.micros(now)) - day
    }

    /// The tier a partition belongs in at the run's `now`.
    func tier(of partition: String) -> Tier {
        let age = age(of: partition)
        if age >= Int64(config.tiers.cold.afterDays) { return .cold }
        if age >= Int64(config.tiers.warm.afterDays) { return .warm }
        return .hot
    }

    /// How new segments of `partition` are written in `tier`: the tier's codec, level and block size.
    func segmentOptions(partition: String, tier: Tier) -> SegmentOptions {
        let compression =
            switch tier {
            case .hot: config.tiers.hot.compression
            case .warm: config.tiers.warm.compression
            case .cold: config.tiers.cold.compression
            }
        return SegmentOptions(
            partition: partition, tier: tier, codec: compression.codec, level: compression.level,
            blockSize: config.blockSize(of: compression))
    }

    /// A new segment file's URL, unique in the archive: partition, run id, a sequence number.
    func newSegmentURL(partition: String, tier: Tier, codec: Codec) -> URL {
        segmentNumber += 1
        return layout.directory(tier: tier, partition: partition)
            .appendingPathComponent("\(partition).\(runId).\(segmentNumber).\(codec.segmentExtension)")
    }

    /// A cold day with fewer raw bytes than one cold block is small: it shares a segment with its month's.
    var smallDayBytes: Int { config.blockSize(of: config.tiers.cold.compression) }

    /// Starts writing a buffer of records as a new segment of its partition's tier; a `staged` part of a warm or
    /// cold partition goes to a hot segment instead, so that it is deflated once, when the run's compaction
    /// merges the partition into its tier, not twice. A day smaller than one block of its tier (whole in this
    /// buffer) waits for the other small days of its month and tier read this run, to be written with them as one
    /// segment of several days: a hot one if they are a week or more (compaction moves it whole when its last day
    /// leaves the hot tier), a cold one if all of its month is of cold age; otherwise a small cold day is staged
    /// too, and compaction places it (`merges()`). A small warm day is written alone, where compaction merges it.
    func writeSegment(_ buffer: RecordBuffer, staged: Bool, with writes: SegmentWriteQueue) async throws {
        let own = tier(of: buffer.partition)
        let small = buffer.arenaBytes < segmentOptions(partition: buffer.partition, tier: own).blockSize
        let shares =
            switch own {
            case .hot: true
            case .warm: false
            case .cold: Day.lastOfMonth(buffer.partition).map { tier(of: $0) == .cold } ?? false
            }
        // A day already past retention stays out, so that this run's retention deletes it.
        if small && shares && !staged && !isPastRetention(buffer.partition) {
            let bytes = smallDays.reduce(0) { $0 + $1.arenaBytes }
            if let first = smallDays.first,
                first.partition.prefix(7) != buffer.partition.prefix(7) || tier(of: first.partition) != own
                    || smallDays.contains(where: { $0.partition == buffer.partition })
                    || bytes + buffer.arenaBytes > config.ingestMemory / 4
            {
                try await writeSmallDays(with: writes)
            }
            smallDays.append(buffer)
            return
        }
        try await submit([buffer], tier: staged || (small && own == .cold) ? .hot : own, with: writes)
    }

    /// Small hot days of one month that a run must read for them to share a segment: a week.
    static let hotDaysToShare = 7

    /// Writes the small days waiting (`writeSegment`) as one segment of their tier, of several days when they are;
    /// fewer than `hotDaysToShare` hot days get a segment each.
    func writeSmallDays(with writes: SegmentWriteQueue) async throws {
        guard !smallDays.isEmpty else { return }
        let days = smallDays.sorted { $0.partition < $1.partition }
        smallDays = []
        let target = tier(of: days[0].partition)
        // A hot segment of several days moves whole ever after, never merged by day or by month as single days
        // are: a daily cron's day or two stay single, and only many days of a backfill are worth a shared file.
        if target == .hot && days.count < Self.hotDaysToShare {
            for day in days { try await submit([day], tier: .hot, with: writes) }
        } else {
            try await submit(days, tier: target, with: writes)
        }
    }

    /// Starts writing `days` (one buffer a day, in day order) as one new segment of `tier`.
    private func submit(_ days: [RecordBuffer], tier: Tier, with writes: SegmentWriteQueue) async throws {
        var options = segmentOptions(partition: days[0].partition, tier: tier)
        if days.count > 1 { options.lastPartition = days[days.count - 1].partition }
        let url = newSegmentURL(partition: days[0].partition, tier: tier, codec: options.codec)
        try await writes.submit(days, to: url, options: options, keepDigests: true)
    }

    /// Segments, raw and stored bytes per tier, from the catalog.
    func tierFigures() throws -> StorageSnapshot {
        var snapshot = StorageSnapshot()
        for row in try catalog.segments() {
            let tier = LedgerTier(row.tier)
            snapshot[tier].segments += 1
            snapshot[tier].rawBytes += row.rawBytes
            snapshot[tier].storedBytes += row.storedBytes
        }
        return snapshot
    }
}
