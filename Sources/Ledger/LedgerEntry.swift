import Foundation

/// One run's line in the ledger: what it read, kept and dropped, what storage holds afterwards, and what that
/// storage costs against keeping the raw logs. `docs/ledger.md` documents every key.
package struct LedgerEntry: Sendable, Codable, Equatable {
    /// Position in the ledger, from 1; filled by `Ledger.append`.
    package var seq: Int
    /// The run's unique id (a UUID or similar).
    package var runID: String
    /// Name of the pipeline file the run used.
    package var pipeline: String
    /// When the run began (wall clock), to the second.
    package var started: Date
    /// When the run ended (wall clock), to the second.
    package var finished: Date
    /// The run's notion of "now" (`--now` or the clock), which drives tiering and saving accrual.
    package var now: Date
    /// Version of msgarchive that wrote the entry.
    package var version: String
    /// Input lines read in this run.
    package var linesRead: Int
    /// Records written to segments in this run.
    package var recordsArchived: Int
    /// Records dropped as duplicates in this run.
    package var duplicates: Duplicates
    /// Lines sent to quarantine in this run.
    package var quarantined: Int
    /// Lines of rewritten logs read again whose records were already archived (not duplicates of messages);
    /// nil in entries of versions before 0.2, which had no such term.
    package var linesReread: Int?
    /// How the run found its logs; nil in entries of versions before 0.2.
    package var logs: LogFigures?
    /// Bytes of input read in this run (as stored in the source files, compressed or not).
    package var inputBytes: Int64
    /// Segments and bytes per tier after the run.
    package var tiers: StorageSnapshot
    /// Bytes put to the cold store in this run.
    package var uploadedBytes: Int64
    /// Local bytes deleted in this run (segments compacted away or moved cold, sources deleted).
    package var freedBytes: Int64
    /// Source files deleted after ingest in this run.
    package var sourcesDeleted: Int
    /// Records removed by retention in this run.
    package var retentionDeletedRecords: Int
    /// Monthly storage cost without and with the archive, after the run.
    package var costPerMonth: CostPerMonth
    /// `cost_per_month.before - cost_per_month.after`; filled by `Ledger.append`.
    package var savingPerMonth: Money
    /// Saving accrued since the first entry; filled by `Ledger.append` (see `docs/ledger.md`).
    package var cumulativeSaving: Money
    /// Records held in all tiers after the run.
    package var recordsTotal: Int
    /// Where the bytes and the money went, with the prices used; nil in entries of versions before 0.3.
    package var savings: Savings?
    /// How the run ended.
    package var status: RunStatus
    /// Hex SHA-256 of the previous line's bytes (without its newline), "" on the first line; filled by `append`.
    package var prev: String

    /// A draft entry for `Ledger.append`, which fills `seq`, `prev`, `saving_per_month` and `cumulative_saving`.
    package init(
        runID: String, pipeline: String, started: Date, finished: Date, now: Date, version: String,
        linesRead: Int = 0, recordsArchived: Int = 0, duplicates: Duplicates = Duplicates(), quarantined: Int = 0,
        inputBytes: Int64 = 0, tiers: StorageSnapshot = StorageSnapshot(), uploadedBytes: Int64 = 0,
        freedBytes: Int64 = 0, sourcesDeleted: Int = 0, retentionDeletedRecords: Int = 0,
        costPerMonth: CostPerMonth = CostPerMonth(), recordsTotal: Int = 0, status: RunStatus = .ok,
        linesReread: Int? = nil, logs: LogFigures? = nil, savings: Savings? = nil
    ) {
        self.seq = 0
        self.runID = runID
        self.pipeline = pipeline
        self.started = started
        self.finished = finished
        self.now = now
        self.version = version
        self.linesRead = linesRead
        self.recordsArchived = recordsArchived
        self.duplicates = duplicates
        self.quarantined = quarantined
        self.linesReread = linesReread
        self.logs = logs
        self.savings = savings
        self.inputBytes = inputBytes
        self.tiers = tiers
        self.uploadedBytes = uploadedBytes
        self.freedBytes = freedBytes
        self.sourcesDeleted = sourcesDeleted
        self.retentionDeletedRecords = retentionDeletedRecords
        self.costPerMonth = costPerMonth
        self.savingPerMonth = .zero
        self.cumulativeSaving = .zero
        self.recordsTotal = recordsTotal
        self.status = status
        self.prev = ""
    }

    /// Whether the run's counts add up: lines read = archived + duplicates (id and content) + quarantined +
    /// lines re-read.
    package var conserves: Bool {
        linesRead == recordsArchived + duplicates.id + duplicates.content + quarantined + (linesReread ?? 0)
    }

    enum CodingKeys: String, CodingKey {
        case seq, pipeline, started, finished, now, version, duplicates, quarantined, tiers, status, prev, logs
        case savings
        case linesReread = "lines_reread"
        case runID = "run_id"
        case linesRead = "lines_read"
        case recordsArchived = "records_archived"
        case inputBytes = "input_bytes"
        case uploadedBytes = "uploaded_bytes"
        case freedBytes = "freed_bytes"
        case sourcesDeleted = "sources_deleted"
        case retentionDeletedRecords = "retention_deleted_records"
        case costPerMonth = "cost_per_month"
        case savingPerMonth = "saving_per_month"
        case cumulativeSaving = "cumulative_saving"
        case recordsTotal = "records_total"
    }
}

/// How a run found its source logs, which are known by their content (`docs/operations.md`, "Log rotation").
package struct LogFigures: Sendable, Codable, Equatable {
    /// Logs read from their start, read on from where an earlier run stopped, and seen with nothing new.
    package var new: Int
    package var grown: Int
    package var unchanged: Int
    /// Logs changed before the end of what was read, and read again from their start.
    package var rewritten: Int
    /// Last paths of logs gone before a run saw them rotated: what was written to them after the run before
    /// was not archived.
    package var vanished: [String]

    /// Counts of each kind.
    package init(new: Int = 0, grown: Int = 0, unchanged: Int = 0, rewritten: Int = 0, vanished: [String] = []) {
        self.new = new
        self.grown = grown
        self.unchanged = unchanged
        self.rewritten = rewritten
        self.vanished = vanished
    }
}

/// Records dropped as duplicates, by the rule that dropped them.
package struct Duplicates: Sendable, Codable, Equatable {
    /// Same message id as a record already archived or seen earlier in the run.
    package var id: Int
    /// Same conversation, sender and body within the content-dedup window.
    package var content: Int

    /// Counts of `id` and `content` duplicates.
    package init(id: Int = 0, content: Int = 0) {
        self.id = id
        self.content = content
    }

    /// Both kinds together.
    package var total: Int { id + content }
}

/// One tier's holdings: segment count, raw (uncompressed) bytes and stored (compressed, on disk or in the store)
/// bytes.
package struct TierFigures: Sendable, Codable, Equatable {
    /// Segment files (hot, warm) or objects (cold).
    package var segments: Int
    /// Bytes of JSON Lines the segments hold once decompressed.
    package var rawBytes: Int64
    /// Bytes the segments take where they are kept.
    package var storedBytes: Int64

    /// The figures for one tier.
    package init(segments: Int = 0, rawBytes: Int64 = 0, storedBytes: Int64 = 0) {
        self.segments = segments
        self.rawBytes = rawBytes
        self.storedBytes = storedBytes
    }

    enum CodingKeys: String, CodingKey {
        case segments
        case rawBytes = "raw_bytes"
        case storedBytes = "stored_bytes"
    }
}

/// The three storage tiers a ledger entry and an audit talk about.
package enum LedgerTier: String, Sendable, CaseIterable, Codable {
    /// Recent partitions, lz4 segments on local disk.
    case hot
    /// Older partitions, zlib segments on local disk.
    case warm
    /// Oldest partitions, objects in the cold store.
    case cold
}

/// What each tier holds at one moment: written into every ledger entry, and measured by the pipeline for `audit`
/// (local segment files, the cold store's listing, the catalog).
package struct StorageSnapshot: Sendable, Codable, Equatable {
    /// Hot tier (lz4 segments under the archive root).
    package var hot: TierFigures
    /// Warm tier (zlib segments under the archive root).
    package var warm: TierFigures
    /// Cold tier (objects in the cold store).
    package var cold: TierFigures

    /// A snapshot with the given figures per tier (zero by default).
    package init(
        hot: TierFigures = TierFigures(), warm: TierFigures = TierFigures(), cold: TierFigures = TierFigures()
    ) {
        self.hot = hot
        self.warm = warm
        self.cold = cold
    }

    /// The figures of one tier.
    package subscript(tier: LedgerTier) -> TierFigures {
        get {
            switch tier {
            case .hot: hot
            case .warm: warm
            case .cold: cold
            }
        }
        set {
            switch tier {
            case .hot: hot = newValue
            case .warm: warm = newValue
            case .cold: cold = newValue
            }
        }
    }

    /// Stored bytes over all tiers.
    package var storedBytes: Int64 { hot.storedBytes + warm.storedBytes + cold.storedBytes }
    /// Raw bytes over all tiers.
    package var rawBytes: Int64 { hot.rawBytes + warm.rawBytes + cold.rawBytes }
}

/// Monthly storage cost without the archive (`before`: the raw logs at the source price) and with it (`after`).
package struct CostPerMonth: Sendable, Codable, Equatable {
    /// ISO 4217 code, from the pipeline's prices.
    package var currency: String
    /// All raw logs ever ingested, kept as they were, per month.
    package var before: Money
    /// The archive's tiers at their prices, per month.
    package var after: Money

    /// A cost pair in `currency`.
    package init(currency: String = "USD", before: Money = .zero, after: Money = .zero) {
        self.currency = currency
        self.before = before
        self.after = after
    }
}

/// How a run ended, as recorded in the ledger.
package enum RunStatus: String, Sendable, Codable, Equatable {
    /// Everything done.
    case ok
    /// Finished with work left for the next run (exit 3), e.g. uploads that kept failing.
    case partial
    /// Nothing new to read and nothing to move.
    case nothingNew = "nothing_new"
}
