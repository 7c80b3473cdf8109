import Foundation
import Logging

/// A whole `msgarchive run`: lock, open, run, ledger, metrics, close.
package enum RunDriver {
    /// Runs the pipeline once against `config`'s archive.
    /// - Throws: `RunLockError.held` when another run holds the archive (exit 75); any error that stopped it.
    package static func run(
        config: PipelineConfig, now: Date, environment: [String: String], metricsFile: URL?, logger: Logger
    ) async throws -> RunSummary {
        try FileManager.default.createDirectory(at: config.archive, withIntermediateDirectories: true)
        let lock = try RunLock.acquire(archive: config.archive)
        defer { lock.release() }
        let archive = try Archive(config: config, readOnly: false, environment: environment, logger: logger)
        do {
            let summary = try await ArchiveRun(archive: archive, now: now, logger: logger).execute()
            CrashPoint.beforeLedger.reach()
            try await archive.store.shutdown()
            return summary
        } catch {
            try? await archive.store.shutdown()
            throw error
        }
    }
}
