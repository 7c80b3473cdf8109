import Foundation

/// The `savings` key of a ledger entry: where every byte and every cent went, with the prices used, so that
/// `audit` can recompute each cost from the entry alone. `docs/ledger.md`, "Savings", gives the formulas.
///
/// Byte figures are cumulative over the entries that carry `savings` (state of the archive after the run) unless
/// their name ends in `_run`.
package struct Savings: Sendable, Codable, Equatable {
    /// Input lines' bytes ever read, decompressed, each with its newline.
    package var rawBytesRead: Int64 = 0
    /// The same, this run only.
    package var rawBytesReadRun: Int64 = 0
    /// Bytes of the lines dropped as duplicates (by id or content), ever and this run.
    package var duplicateBytes: Int64 = 0
    package var duplicateBytesRun: Int64 = 0
    /// Bytes of lines of rewritten logs read again whose records were already archived, ever and this run.
    package var rereadBytes: Int64 = 0
    package var rereadBytesRun: Int64 = 0
    /// Bytes of the lines sent to quarantine, ever and this run.
    package var quarantinedBytes: Int64 = 0
    package var quarantinedBytesRun: Int64 = 0
    /// Raw bytes of the records all tiers hold after the run (`tiers.*.raw_bytes` summed).
    package var archivedRawBytes: Int64 = 0
    /// Stored bytes per tier after the run (as in `tiers`).
    package var storedBytes = TierBytes()
    /// Bytes of every other file the archive keeps under its root on local disk (catalog, ledger, quarantine,
    /// lock, scratch), the ledger counted with this entry in it.
    package var overheadBytes: Int64 = 0
    /// Requests the run sent to the cold store, retries included.
    package var requestsRun = RequestFigures()
    /// Requests of the runs whose `now` lies in the 30 days up to this one's (this run included): the monthly rate.
    package var requestsMonth = RequestFigures()
    /// The prices every cost of this entry is computed at.
    package var prices = Prices()
    /// Monthly cost of keeping the raw input at the source price.
    package var costRaw = Money.zero
    /// Monthly cost of keeping it without duplicates and re-reads, uncompressed, at the source price.
    package var costDeduped = Money.zero
    /// Monthly cost of the tiers' stored bytes at the source price.
    package var costCompressed = Money.zero
    /// What the archive costs a month: each tier at its price, the overhead, and the month's requests and
    /// retrieval.
    package var costActual = Money.zero

    /// Zero figures, to be filled by the pipeline and completed by `CostModel.completing(_:after:)`.
    package init() {}

    enum CodingKeys: String, CodingKey {
        case prices
        case rawBytesRead = "raw_bytes_read"
        case rawBytesReadRun = "raw_bytes_read_run"
        case duplicateBytes = "duplicate_bytes"
        case duplicateBytesRun = "duplicate_bytes_run"
        case rereadBytes = "reread_bytes"
        case rereadBytesRun = "reread_bytes_run"
        case quarantinedBytes = "quarantined_bytes"
        case quarantinedBytesRun = "quarantined_bytes_run"
        case archivedRawBytes = "archived_raw_bytes"
        case storedBytes = "stored_bytes"
        case overheadBytes = "overhead_bytes"
        case requestsRun = "requests_run"
        case requestsMonth = "requests_month"
        case costRaw = "cost_raw"
        case costDeduped = "cost_deduped"
        case costCompressed = "cost_compressed"
        case costActual = "cost_actual"
    }

    /// Saving from dropping duplicates: `cost_raw - cost_deduped`.
    package var dedupSaving: Money { costRaw - costDeduped }
    /// Saving from compression: `cost_deduped - cost_compressed`.
    package var compressionSaving: Money { costDeduped - costCompressed }
    /// Saving from keeping data in cheaper tiers (negative when overhead and requests outweigh it):
    /// `cost_compressed - cost_actual`.
    package var tieringSaving: Money { costCompressed - costActual }
}

/// Stored bytes of each tier.
package struct TierBytes: Sendable, Codable, Equatable {
    package var hot: Int64 = 0
    package var warm: Int64 = 0
    package var cold: Int64 = 0

    /// The given figures (zero by default).
    package init(hot: Int64 = 0, warm: Int64 = 0, cold: Int64 = 0) {
        self.hot = hot
        self.warm = warm
        self.cold = cold
    }

    /// The stored bytes of `tier` in `snapshot`.
    package init(_ snapshot: StorageSnapshot) {
        self.init(hot: snapshot.hot.storedBytes, warm: snapshot.warm.storedBytes, cold: snapshot.cold.storedBytes)
    }

    /// One tier's bytes.
    package subscript(tier: LedgerTier) -> Int64 {
        switch tier {
        case .hot: hot
        case .warm: warm
        case .cold: cold
        }
    }

    /// All tiers.
    package var total: Int64 { hot + warm + cold }
}

/// Object-store requests by billing kind, and the bytes read back from the cold store: what a store counts as it
/// sends (every attempt, retries included) and what the ledger records.
///
/// S3-compatible providers bill PUT, COPY, POST and LIST at one rate and GET and HEAD at another, per 1,000;
/// DELETE is free at most of them but counted all the same. `retrievedBytes` is the body bytes of object GETs
/// that came back complete: what a cold class charges retrieval on.
package struct RequestFigures: Sendable, Codable, Equatable {
    /// PUT, COPY, POST and LIST requests.
    package var put = 0
    /// GET and HEAD requests.
    package var get = 0
    /// DELETE requests (free at most providers; priced at neither rate).
    package var delete = 0
    /// Object bytes read from the cold store (what retrieval is charged on).
    package var retrievedBytes: Int64 = 0

    /// The given counts (zero by default).
    package init(put: Int = 0, get: Int = 0, delete: Int = 0, retrievedBytes: Int64 = 0) {
        self.put = put
        self.get = get
        self.delete = delete
        self.retrievedBytes = retrievedBytes
    }

    enum CodingKeys: String, CodingKey {
        case put, get, delete
        case retrievedBytes = "retrieved_bytes"
    }

    /// Exact sum.
    package static func + (lhs: RequestFigures, rhs: RequestFigures) -> RequestFigures {
        RequestFigures(
            put: lhs.put + rhs.put, get: lhs.get + rhs.get, delete: lhs.delete + rhs.delete,
            retrievedBytes: lhs.retrievedBytes + rhs.retrievedBytes)
    }
}
