import Foundation
import Ingest
import Intake
import Ledger

/// What one `msgarchive run` did, printed as text or, with `--json`, as one JSON object.
package struct RunSummary: Sendable, Codable {
    /// Exit statuses the CLI documents.
    package enum Status: String, Sendable, Codable {
        /// Everything done.
        case ok
        /// Nothing new to ingest and no tier move to make.
        case nothingNew = "nothing_new"
        /// Done, but some work (an upload or a deletion that kept failing) is left for the next run: exit 3.
        case partial
    }

    /// How the run found its inputs (`InputPlanner`).
    package struct Inputs: Sendable, Codable, Equatable {
        package var new = 0
        package var grown = 0
        package var unchanged = 0
        /// Files holding the same log as another file read this run.
        package var copies = 0
        /// Changed before the end of what an earlier run read: read again from the start.
        package var rewritten: [String] = []
        /// No complete line yet while still being written; read by a later run.
        package var waiting: [String] = []
        /// Could not be read now (a compressed log cut short or damaged); tried again next run.
        package var unreadable: [String] = []
        /// Known logs gone before a run saw them rotated: what was written after the last read is not archived.
        package var vanished: [VanishedLog] = []
        /// Decompressed log bytes read past where earlier runs stopped.
        package var bytesRead: Int64 = 0

        enum CodingKeys: String, CodingKey {
            case new, grown, unchanged, copies, rewritten, waiting, unreadable, vanished
            case bytesRead = "bytes_read"
        }
    }

    package var runId: String
    package var status: Status
    package var started: Date
    package var finished: Date
    /// The run's `now`, which tiers and retention are judged against (`--now`, or the start).
    package var now: Date
    package var seconds: Double
    package var inputs = Inputs()
    package var counts = IngestCounts()
    package var segmentsWritten = 0
    package var compactions = 0
    /// Records dropped while merging because their id was in the partition already (expected 0).
    package var compactionDuplicates = 0
    package var uploadedBytes: Int64 = 0
    package var uploadedObjects = 0
    package var freedBytes: Int64 = 0
    /// Segments whose upload failed this run; they stay local and are retried next run.
    package var pendingUploads: [String] = []
    /// The ledger was copied to the cold store (false: the next run tries again; exit 3).
    package var ledgerMirrored = true
    package var sourcesDeleted = 0
    package var retentionDeletedRecords: Int64 = 0
    package var retentionDeletedPartitions: [String] = []
    /// Cold objects and segment files past retention whose delete failed; their segments stay in the catalog and the
    /// next run retries.
    package var pendingDeletions: [String] = []
    /// What each tier holds after the run.
    package var tiers = StorageSnapshot()
    /// The attribution of the run's ledger entry (`docs/ledger.md`, "Savings"); nil until it is written.
    package var savings: Savings?
    package var quarantineFile: String?
    package var removedLeftovers = 0
    /// Logs most of whose lines lack a field: the keys they have and the mapping to use.
    package var hints: [FieldHint] = []

    /// 2 when a log yielded no record and most of its lines lack the same field (the source is misdescribed;
    /// its read position is not kept, so the run after the fix reads it); 3 with work left; else 0.
    package var exitCode: Int32 {
        if hints.contains(where: \.total) { return 2 }
        return status == .partial ? 3 : 0
    }

    enum CodingKeys: String, CodingKey {
        case runId = "run_id"
        case status, started, finished, now, seconds, inputs, counts
        case segmentsWritten = "segments_written"
        case compactions
        case compactionDuplicates = "compaction_duplicates"
        case uploadedBytes = "uploaded_bytes"
        case uploadedObjects = "uploaded_objects"
        case freedBytes = "freed_bytes"
        case pendingUploads = "pending_uploads"
        case ledgerMirrored = "ledger_mirrored"
        case sourcesDeleted = "sources_deleted"
        case retentionDeletedRecords = "retention_deleted_records"
        case retentionDeletedPartitions = "retention_deleted_partitions"
        case pendingDeletions = "pending_deletions"
        case tiers, savings
        case quarantineFile = "quarantine_file"
        case removedLeftovers = "removed_leftovers"
        case hints
    }
}

/// What the catalog keeps of a run's summary from its ingest commit until its ledger entry is written
/// (`Catalog.PendingRun.counts`, JSON with RFC 3339 dates), so a run killed in between still gets its entry.
struct PendingRunRecord: Codable {
    var counts: IngestCounts
    /// Absent in records of versions before 0.2.
    var inputs: RunSummary.Inputs?
    var now: Date
    var started: Date

    init(_ summary: RunSummary) {
        (counts, inputs, now, started) = (summary.counts, summary.inputs, summary.now, summary.started)
    }
}

extension RunSummary {
    /// The summary of a run killed after its ingest commit, as far as its record tells.
    init(interrupted runId: String, _ record: PendingRunRecord) {
        self.init(
            runId: runId, status: .partial, started: record.started, finished: record.started, now: record.now,
            seconds: 0, inputs: record.inputs ?? Inputs(), counts: record.counts)
    }
}
