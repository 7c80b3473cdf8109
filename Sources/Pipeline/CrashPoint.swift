import Foundation

/// Named points in the run where the crash tests kill the process.
///
/// Setting `MSGARCHIVE_CRASH_AT=<point>` (or `<point>:<n>` for its n-th passage) makes the process SIGKILL
/// itself there, as a power cut would. The suite uses it to show that every interruption is recovered by the
/// next run (DESIGN.md invariant 5); it costs one dictionary look-up per passage otherwise.
enum CrashPoint: String, CaseIterable {
    /// Halfway through writing a segment's records.
    case segmentWrite = "segment-write"
    /// After ingest's catalog commit, before tier moves.
    case afterIngestCommit = "after-ingest-commit"
    /// A merged segment written and verified, its commit not yet made.
    case compactionWritten = "compaction-written"
    /// A merge committed, the merged segments not yet deleted.
    case compactionCommitted = "compaction-committed"
    /// An object uploaded and verified, the catalog not yet told.
    case coldUploaded = "cold-uploaded"
    /// Segments marked remote, the local copies not yet deleted.
    case coldMarked = "cold-marked"
    /// Everything done but the ledger entry.
    case beforeLedger = "before-ledger"

    private static let target: (name: String, count: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["MSGARCHIVE_CRASH_AT"] else { return nil }
        let parts = value.split(separator: ":")
        return (String(parts[0]), parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
    }()

    nonisolated(unsafe) private static var passages: [String: Int] = [:]
    private static let lock = NSLock()

    /// Kills the process here when the environment asks for this point.
    func reach() {
        guard let target = Self.target, target.name == rawValue else { return }
        let count = Self.lock.withLock {
            Self.passages[rawValue, default: 0] += 1
            return Self.passages[rawValue, default: 0]
        }
        if count == target.count { kill(getpid(), SIGKILL) }
    }
}
