import ArchiveAccess
import Foundation
import Intake
import Ledger
import Logging
import ObjectStore
import PipelineConfig

/// A whole `msgarchive run`: lock, open, run, ledger, metrics, close.
package enum RunDriver {
    /// The version written into ledger entries.
    package static let version = "0.3.0"

    /// Runs the pipeline once against `config`'s archive; `wallClock` tells the time of day (tests set it).
    /// - Throws: `RunLockError.held` when another run holds the archive (exit 75); any error that stopped it.
    package static func run(
        config: PipelineConfig, now: Date, wallClock: @escaping @Sendable () -> Date = Date.init,
        environment: [String: String], logger: Logger, progress: (any ProgressDisplay)? = nil
    ) async throws -> RunSummary {
        try FileManager.default.createDirectory(at: config.archive, withIntermediateDirectories: true)
        let lock = try RunLock.acquire(archive: config.archive)
        defer { lock.release() }
        CrashPoint.locked.reach()
        let archive = try Archive(config: config, readOnly: false, environment: environment, logger: logger)
        do {
            var summary = try await ArchiveRun(
                archive: archive, now: now, wallClock: wallClock, logger: logger, progress: progress
            ).execute()
            CrashPoint.beforeLedger.reach()
            let records = try archive.catalog.segments().reduce(0) { $0 + Int($1.records) }
            summary.savings = try appendLedger(
                summary, archive: archive, finished: wallClock(), records: records, logger: logger
            ).savings
            summary.ledgerMirrored = await mirrorLedger(archive, logger: logger)
            if !summary.ledgerMirrored { summary.status = .partial }
            try await archive.store.shutdown()
            return summary
        } catch {
            try? await archive.store.shutdown()
            throw error
        }
    }

    /// Appends the run's entry to the hash-chained ledger, priced with the pipeline's prices, after the entries
    /// of earlier runs that were killed between their ingest commit and their own entry (their summaries wait in
    /// the catalog), so the ledger's sums cover every line ever read, once. Returns the run's entry as written.
    static func appendLedger(
        _ summary: RunSummary, archive: Archive, finished: Date, records: Int, logger: Logger
    ) throws -> LedgerEntry {
        let ledger = Ledger(url: archive.layout.ledger)
        if let torn = try ledger.discardTornTail() {
            logger.warning(
                "the ledger ended with a torn line from an interrupted run; it was moved aside",
                metadata: ["bytes": "\(torn.count)", "file": "\(archive.layout.ledger.path).torn"])
        }
        let written = Set(try ledger.entries().map(\.runID))
        for pending in try archive.catalog.unledgeredRuns() where pending.id != summary.runId {
            if !written.contains(pending.id) {
                let record = try RFC3339.jsonDecoder().decode(PendingRunRecord.self, from: pending.counts)
                logger.warning(
                    "writing the ledger entry of a run that was interrupted", metadata: ["run.id": "\(pending.id)"])
                var interrupted = RunSummary(interrupted: pending.id, record)
                interrupted.tiers = summary.tiers
                _ = try append(
                    interrupted, withLogs: record.inputs != nil, to: ledger, archive: archive, finished: finished,
                    records: records, requests: RequestFigures())
            }
            try archive.catalog.markLedgered(runId: pending.id)
        }
        let entry = try append(
            summary, withLogs: true, to: ledger, archive: archive, finished: finished, records: records,
            requests: archive.store.requests)
        try archive.catalog.markLedgered(runId: summary.runId)
        return entry
    }

    private static func append(
        _ summary: RunSummary, withLogs: Bool, to ledger: Ledger, archive: Archive, finished: Date, records: Int,
        requests: RequestFigures
    ) throws -> LedgerEntry {
        let c = summary.counts
        let inputs = summary.inputs
        let tiers = summary.tiers
        let draft = LedgerEntry(
            runID: summary.runId, pipeline: archive.config.file?.path ?? "", started: summary.started,
            finished: finished, now: summary.now, version: version, linesRead: c.linesRead,
            recordsArchived: c.recordsArchived,
            duplicates: Duplicates(id: c.duplicatesById, content: c.duplicatesByContent), quarantined: c.quarantined,
            inputBytes: c.inputBytes, tiers: tiers, uploadedBytes: summary.uploadedBytes,
            freedBytes: summary.freedBytes, sourcesDeleted: summary.sourcesDeleted,
            retentionDeletedRecords: Int(summary.retentionDeletedRecords), recordsTotal: records,
            status: summary.status.ledgerStatus, linesReread: c.linesReread,
            logs: withLogs
                ? LogFigures(
                    new: inputs.new, grown: inputs.grown, unchanged: inputs.unchanged,
                    rewritten: inputs.rewritten.count, vanished: inputs.vanished.map(\.path)) : nil)
        var savings = Savings()
        savings.rawBytesReadRun = c.lineBytes
        savings.duplicateBytesRun = c.duplicateBytes
        savings.rereadBytesRun = c.rereadBytes
        savings.quarantinedBytesRun = c.quarantinedBytes
        savings.archivedRawBytes = tiers.rawBytes
        savings.storedBytes = TierBytes(tiers)
        savings.overheadBytes = try archive.layout.overheadBytes()
        savings.requestsRun = requests
        let model = CostModel(prices: archive.config.prices)
        let previous = try ledger.entries()
        var entry = model.priced(draft, after: previous)
        entry.savings = model.completing(savings, now: entry.now, after: previous)
        return try ledger.append(entry)
    }

    /// Copies the ledger to the cold store, so the record survives the loss of the machine; false on failure.
    static func mirrorLedger(_ archive: Archive, logger: Logger) async -> Bool {
        do {
            let bytes = try Data(contentsOf: archive.layout.ledger)
            _ = try await archive.store.put(key: ArchiveLayout.ledgerKey, bytes: Array(bytes), metadata: [:])
            return true
        } catch {
            logger.error(
                "could not copy the ledger to the cold store; the next run tries again",
                metadata: ["error": "\(error)"])
            return false
        }
    }
}

extension RunSummary.Status {
    var ledgerStatus: RunStatus {
        switch self {
        case .ok: .ok
        case .nothingNew: .nothingNew
        case .partial: .partial
        }
    }
}
