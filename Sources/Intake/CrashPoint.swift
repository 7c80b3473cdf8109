import Foundation

/// Named points in the run where the crash tests kill the process.
///
/// Setting `MSGARCHIVE_CRASH_AT=<point>` (or `<point>:<n>` for its n-th passage) makes the process SIGKILL
/// itself there, as a power cut would; `MSGARCHIVE_STOP_AT` makes it SIGSTOP itself instead, frozen with its
/// lock held. The suite uses them to show that every interruption is recovered by the next run (DESIGN.md
/// invariant 5) and that a second run meanwhile exits 75; otherwise a passage costs one comparison.
package enum CrashPoint: String, CaseIterable {
    /// Halfway through writing a segment's records.
    case segmentWrite = "segment-write"
    /// Small segments written as temporary files, their batch not yet sealed (`SegmentBatch`).
    case segmentsSealing = "segments-sealing"
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
    /// The archive's lock just taken.
    case locked = "locked"

    private static let target: (name: String, count: Int, signal: Int32)? = {
        let environment = ProcessInfo.processInfo.environment
        guard
            let (value, signal) = environment["MSGARCHIVE_CRASH_AT"].map({ ($0, SIGKILL) })
                ?? environment["MSGARCHIVE_STOP_AT"].map({ ($0, SIGSTOP) })
        else { return nil }
        let parts = value.split(separator: ":")
        return (String(parts[0]), parts.count > 1 ? Int(parts[1]) ?? 1 : 1, signal)
    }()

    nonisolated(unsafe) private static var passages: [String: Int] = [:]
    private static let lock = NSLock()

    /// Kills or stops the process here when the environment asks for this point.
    package func reach() {
        guard let target = Self.target, target.name == rawValue else { return }
        let count = Self.lock.withLock {
            Self.passages[rawValue, default: 0] += 1
            return Self.passages[rawValue, default: 0]
        }
        if count == target.count { kill(getpid(), target.signal) }
    }
}
