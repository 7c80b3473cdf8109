import Foundation
import Ledger
import Logging

/// A whole `msgarchive run`: lock, open, run, ledger, metrics, close.
package enum RunDriver {
    /// The version written into ledger entries.
    package static let version = "0.1.0"

    /// Runs the pipeline once against `config`'s archive.
    /// - Throws: `RunLockError.held` when another run holds the archive (exit 75); any error that stopped it.
    package static func run(
        config: PipelineConfig, now: Date, environment: [String: String], logger: Logger
    ) async throws -> RunSummary {
        let started = Date()
        try FileManager.default.createDirectory(at: config.archive, withIntermediateDirectories: true)
        let lock = try RunLock.acquire(archive: config.archive)
        defer { lock.release() }
        CrashPoint.locked.reach()
        let archive = try Archive(config: config, readOnly: false, environment: environment, logger: logger)
        do {
            var summary = try await ArchiveRun(archive: archive, now: now, logger: logger).execute()
            CrashPoint.beforeLedger.reach()
            let records = try archive.catalog.segments().reduce(0) { $0 + Int($1.records) }
            try appendLedger(summary, archive: archive, started: started, records: records, logger: logger)
            if !(await mirrorLedger(archive, logger: logger)) {
                summary.pendingUploads.append(ArchiveLayout.ledgerKey)
                summary.status = .partial
            }
            try await archive.store.shutdown()
            return summary
        } catch {
            try? await archive.store.shutdown()
            throw error
        }
    }

    /// Appends the run's entry to the hash-chained ledger, priced with the pipeline's prices.
    static func appendLedger(
        _ summary: RunSummary, archive: Archive, started: Date, records: Int, logger: Logger
    ) throws {
        let ledger = Ledger(url: archive.layout.ledger)
        if let torn = try ledger.discardTornTail() {
            logger.warning(
                "the ledger ended with a torn line from an interrupted run; it was moved aside",
                metadata: ["bytes": "\(torn.count)", "file": "\(archive.layout.ledger.path).torn"])
        }
        let c = summary.counts
        let draft = LedgerEntry(
            runID: summary.runId, pipeline: archive.config.file?.path ?? "", started: started, finished: Date(),
            now: (try? Timestamps.parse(summary.now)) ?? Date(), version: version, linesRead: c.linesRead,
            recordsArchived: c.recordsArchived,
            duplicates: Duplicates(id: c.duplicatesById, content: c.duplicatesByContent), quarantined: c.quarantined,
            inputBytes: c.inputBytes, tiers: summary.tiers, uploadedBytes: summary.uploadedBytes,
            freedBytes: summary.freedBytes, sourcesDeleted: summary.sourcesDeleted,
            retentionDeletedRecords: Int(summary.retentionDeletedRecords), recordsTotal: records,
            status: summary.status.ledgerStatus)
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
