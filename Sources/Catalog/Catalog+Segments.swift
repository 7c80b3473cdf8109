import Foundation
import GRDB
import Segments

/// Segments, their id digests, runs waiting for their ledger entry, and uploads in flight.
extension Catalog {
    /// Every segment, in partition and name order.
    package func segments() throws -> [SegmentRow] {
        try read("list segments") { db in
            try SegmentRow.order(Column("partition"), Column("name")).fetchAll(db)
        }
    }

    /// The segments that may hold records of `partition` (its own, and those of several days spanning it), in
    /// name order.
    package func segments(covering partition: String) throws -> [SegmentRow] {
        try read("list a partition's segments") { db in
            try SegmentRow.fetchAll(
                db, sql: "SELECT * FROM segments WHERE \(Self.covering) ORDER BY name",
                arguments: [partition, partition, partition])
        }
    }

    /// The first and last day of every segment (the same day for a segment of one day), each span once.
    package func segmentSpans() throws -> [(first: String, last: String)] {
        try read("list the days segments hold") { db in
            try Row.fetchAll(
                db, sql: "SELECT DISTINCT partition, COALESCE(last_partition, partition) AS last FROM segments"
            ).map { ($0["partition"], $0["last"]) }
        }
    }

    /// SQL that picks the segments covering a day given three times: of one day, or of several around it.
    private static let covering =
        "partition = ? OR (last_partition >= ? AND partition < ?)"

    /// One segment's ids as the catalog keeps them.
    package struct IdBlob: Sendable {
        package var segment: String
        package var kind: IdBlobKind
        package var bytes: [UInt8]
    }

    /// The id blobs of every segment covering `partition`. A segment of several days has one blob for them all,
    /// a Bloom filter, so a hit is confirmed against the records of that day.
    package func idBlobs(partition: String) throws -> [IdBlob] {
        try read("read id digests") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT segment, kind, digests FROM segment_ids WHERE segment IN "
                    + "(SELECT name FROM segments WHERE \(Self.covering))",
                arguments: [partition, partition, partition]
            ).map { row in
                IdBlob(
                    segment: row["segment"], kind: IdBlobKind(rawValue: row["kind"]) ?? .exact,
                    bytes: [UInt8](row["digests"] as Data))
            }
        }
    }

    /// Replaces the exact digests of segments in partitions before `partition` with what `shrink` makes of
    /// them (a Bloom filter); returns how many segments changed. One segment's digests are in memory at a time
    /// (all of them at once would be 16 bytes for every record archived since the last run).
    package func shrinkIdBlobs(before partition: String, _ shrink: ([UInt8]) -> [UInt8]) throws -> Int {
        try write("shrink id digests") { db in
            let segments = try String.fetchAll(
                db, sql: "SELECT segment FROM segment_ids WHERE kind = ? AND partition < ?",
                arguments: [IdBlobKind.exact.rawValue, partition])
            for segment in segments {
                let digests = try Data.fetchOne(
                    db, sql: "SELECT digests FROM segment_ids WHERE segment = ?", arguments: [segment])
                let smaller = shrink(digests.map { [UInt8]($0) } ?? [])
                try db.execute(
                    sql: "UPDATE segment_ids SET kind = ?, digests = ? WHERE segment = ?",
                    arguments: [IdBlobKind.bloom.rawValue, Data(smaller), segment])
            }
            if !segments.isEmpty { try Self.reclaimFreePages(db) }
            return segments.count
        }
    }

    /// A segment written with the id digests of its records.
    package struct NewSegment: Sendable {
        package var row: SegmentRow
        /// Sorted 16-byte digests, concatenated, or a serialised Bloom filter of them (`kind`).
        package var digests: [UInt8]
        /// A segment of several days gives a Bloom filter: its ids may repeat across its days, so a hit for one
        /// day is confirmed against that day's records.
        package var kind: IdBlobKind
        package init(row: SegmentRow, digests: [UInt8], kind: IdBlobKind = .exact) {
            self.row = row
            self.digests = digests
            self.kind = kind
        }
    }

    /// A run whose ingest is committed, with its counts as the pipeline encoded them.
    package struct PendingRun: Sendable, Equatable {
        package var id: String
        package var counts: Data
        package init(id: String, counts: Data) {
            self.id = id
            self.counts = counts
        }
    }

    /// Runs whose ingest is committed but whose ledger entry is not known to be written, oldest first.
    package func unledgeredRuns() throws -> [PendingRun] {
        try read("list runs") { db in
            try Row.fetchAll(db, sql: "SELECT run_id, counts FROM runs WHERE NOT ledgered ORDER BY rowid").map {
                PendingRun(id: $0["run_id"], counts: $0["counts"])
            }
        }
    }

    /// Records that a run's ledger entry is written.
    package func markLedgered(runId: String) throws {
        try write("mark a run ledgered") { db in
            try db.execute(sql: "UPDATE runs SET ledgered = 1 WHERE run_id = ?", arguments: [runId])
        }
    }

    /// In one transaction: adds `added` segments, removes `retired` ones, saves `logs` and records `run`.
    ///
    /// Ingest commits its new segments with the log offsets they consumed; compaction its output with the
    /// retirement of the segments it merged.
    package func commit(
        added: [NewSegment], retired: [String] = [], logs: [LogUpdate] = [], run: PendingRun? = nil
    ) throws {
        try commit(count: added.count, segment: { added[$0] }, retired: retired, logs: logs, run: run)
    }

    /// `commit(added:retired:logs:run:)` asking for the ids of `added[i]` (as `NewSegment.digests` and `kind`)
    /// only as it inserts that segment, so a caller can keep them out of memory until then.
    package func commit(
        added: [SegmentRow], digests: (Int) throws -> (bytes: [UInt8], kind: IdBlobKind), retired: [String] = [],
        logs: [LogUpdate] = [], run: PendingRun? = nil
    ) throws {
        try commit(
            count: added.count,
            segment: { i in
                let ids = try digests(i)
                return NewSegment(row: added[i], digests: ids.bytes, kind: ids.kind)
            }, retired: retired, logs: logs, run: run)
    }

    private func commit(
        count: Int, segment: (Int) throws -> NewSegment, retired: [String], logs: [LogUpdate], run: PendingRun?
    ) throws {
        try write("commit segments") { db in
            for name in retired {
                _ = try SegmentRow.deleteOne(db, key: name)
            }
            for i in 0..<count {
                try Self.insert(try segment(i), db)
            }
            try Self.save(logs, db)
            if let run {
                try db.execute(
                    sql: "INSERT INTO runs (run_id, counts, ledgered) VALUES (?, ?, 0)",
                    arguments: [run.id, run.counts])
            }
            if !retired.isEmpty { try Self.reclaimFreePages(db) }
        }
    }

    private static func insert(_ segment: NewSegment, _ db: Database) throws {
        try segment.row.insert(db)
        try db.cachedStatement(sql: "INSERT INTO segment_ids (segment, partition, digests, kind) VALUES (?, ?, ?, ?)")
            .execute(
                arguments: [segment.row.name, segment.row.partition, Data(segment.digests), segment.kind.rawValue])
    }

    /// Marks segments as held in the cold store, in `objectKey` at the given offsets.
    package func markRemote(_ offsets: [String: Int64], objectKey: String) throws {
        try write("mark segments remote") { db in
            for (name, offset) in offsets {
                try db.execute(
                    sql: "UPDATE segments SET state = ?, object_key = ?, object_offset = ? WHERE name = ?",
                    arguments: [SegmentState.remote.rawValue, objectKey, offset, name])
            }
            try db.execute(sql: "DELETE FROM uploads WHERE key = ?", arguments: [objectKey])
        }
    }

    /// Records that an object is about to be put to the cold store (`markRemote` clears it).
    package func recordUpload(key: String) throws {
        try write("record an upload") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO uploads (key) VALUES (?)", arguments: [key])
        }
    }

    /// Objects put (or being put) whose segments were never marked remote: no segment refers to them.
    package func uncommittedUploads() throws -> [String] {
        try read("list uploads") { db in
            try String.fetchAll(
                db,
                sql: "SELECT key FROM uploads WHERE NOT EXISTS (SELECT 1 FROM segments WHERE object_key = uploads.key)"
                    + " ORDER BY key")
        }
    }

    /// Forgets an upload once its object is deleted or adopted.
    package func clearUpload(key: String) throws {
        try write("clear an upload") { db in
            try db.execute(sql: "DELETE FROM uploads WHERE key = ?", arguments: [key])
        }
    }

    /// The cold objects holding segments among `names` and no other segment: what retention deletes from the store
    /// before `remove(segments:)` drops the rows, so a failed delete leaves its rows for the next run to retry.
    package func objectKeys(heldOnlyBy names: [String]) throws -> [String] {
        try read("list objects past retention") { db in
            var keys: Set<String> = []
            for name in names {
                if let key = try SegmentRow.fetchOne(db, key: name)?.objectKey { keys.insert(key) }
            }
            let leaving = Set(names)
            return try keys.sorted().filter { key in
                try SegmentRow.filter(Column("object_key") == key).fetchAll(db).allSatisfy { leaving.contains($0.name) }
            }
        }
    }

    /// Drops the rows of segments whose files and objects are gone (retention), and the pages they held.
    package func remove(segments names: [String]) throws {
        try write("remove segments") { db in
            for name in names {
                _ = try SegmentRow.deleteOne(db, key: name)
            }
            if !names.isEmpty { try Self.reclaimFreePages(db) }
        }
    }

    /// Replaces the whole content (used by `catalog rebuild`).
    package func replaceAll(segments: [NewSegment]) throws {
        try write("rebuild") { db in
            try db.execute(sql: "DELETE FROM segments")
            for segment in segments {
                try Self.insert(segment, db)
            }
            try Self.reclaimFreePages(db)
        }
    }
}
