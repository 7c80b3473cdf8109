import ArchiveAccess
import Foundation
import Intake
import Ledger
import Logging
import PipelineConfig

/// A whole `msgarchive run`: lock, open, run, ledger, metrics, close.
package enum RunDriver {
    /// The version written into ledger entries.
    package static let version = "0.2.0"

    /// Runs the pipeline once against `config`'s archive.
    /// - Throws: `RunLockError.held` when another run holds the archive (exit 75); any error that stopped it.
    package static func run(
        config: PipelineConfig, now: Date, environment: [String: String], logger: Logger,
        progress: (any ProgressDisplay)? = nil
    ) async throws -> RunSummary {
        let started = Date()
        try FileManager.default.createDirectory(at: config.archive, withIntermediateDirectories: true)
        let lock = try RunLock.acquire(archive: config.archive)
        defer { lock.release() }
        CrashPoint.locked.reach()
        let archive = try Archive(config: config, readOnly: false, environment: environment, logger: logger)
        do {
            var summary = try await ArchiveRun(archive: archive, now: now, logger: logger, progress: progress).execute()
            CrashPoint.beforeLedger.reach()
            let records = try archive.catalog.segments().reduce(0) { $0 + Int($1.records) }
            try appendLedger(summary, archive: archive, started: started, records: records, logger: logger)
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
    /// of earlier runs that were killed between their ingest commit and their own entry (their counts wait in
    /// the catalog), so the ledger's sums cover every line ever read, once.
    static func appendLedger(
        _ summary: RunSummary, archive: Archive, started: Date, records: Int, logger: Logger
    ) throws {
        let ledger = Ledger(url: archive.layout.ledger)
        if let torn = try ledger.discardTornTail() {
            logger.warning(
                "the ledger ended with a torn line from an interrupted run; it was moved aside",
                metadata: ["bytes": "\(torn.count)", "file": "\(archive.layout.ledger.path).torn"])
        }
        let written = Set(try ledger.entries().map(\.runID))
        for pending in try archive.catalog.unledgeredRuns() where pending.id != summary.runId {
            if !written.contains(pending.id) {
                let record = try JSONDecoder().decode(PendingRunRecord.self, from: pending.counts)
                logger.warning(
                    "writing the ledger entry of a run that was interrupted", metadata: ["run.id": "\(pending.id)"])
                try append(
                    ledger, archive: archive, runId: pending.id, counts: record.counts, inputs: record.inputs,
                    started: (try? Timestamps.parse(record.started)) ?? started, now: record.now,
                    other: RunSummary(
                        runId: pending.id, status: .partial, started: "", finished: "", now: "", seconds: 0),
                    tiers: summary.tiers, records: records)
            }
            try archive.catalog.markLedgered(runId: pending.id)
        }
        try append(
            ledger, archive: archive, runId: summary.runId, counts: summary.counts, inputs: summary.inputs,
            started: started,
            now: summary.now, other: summary, tiers: summary.tiers, records: records)
        try archive.catalog.markLedgered(runId: summary.runId)
    }

    private static func append(
        _ ledger: Ledger, archive: Archive, runId: String, counts c: IngestCounts, inputs: RunSummary.Inputs?,
        started: Date, now: String,
        other summary: RunSummary, tiers: StorageSnapshot, records: Int
    ) throws {
        let draft = LedgerEntry(
            runID: runId, pipeline: archive.config.file?.path ?? "", started: started, finished: Date(),
            now: (try? Timestamps.parse(now)) ?? Date(), version: version, linesRead: c.linesRead,
            recordsArchived: c.recordsArchived,
            duplicates: Duplicates(id: c.duplicatesById, content: c.duplicatesByContent), quarantined: c.quarantined,
            inputBytes: c.inputBytes, tiers: tiers, uploadedBytes: summary.uploadedBytes,
            freedBytes: summary.freedBytes, sourcesDeleted: summary.sourcesDeleted,
            retentionDeletedRecords: Int(summary.retentionDeletedRecords), recordsTotal: records,
            status: summary.status.ledgerStatus, linesReread: c.linesReread,
            logs: inputs.map {
                LogFigures(
                    new: $0.new, grown: $0.grown, unchanged: $0.unchanged, rewritten: $0.rewritten.count,
                    vanished: $0.vanished.map(\.path))
            })
        _ = try ledger.append(CostModel(prices: archive.config.prices).priced(draft, after: try ledger.entries()))
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
