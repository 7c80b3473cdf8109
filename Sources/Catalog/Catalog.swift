import Foundation
import GRDB
import Segments

/// How a segment's ids are kept in the catalog.
package enum IdBlobKind: String, Sendable {
    /// Sorted 16-byte digests: exact answers.
    case exact
    /// A serialised Bloom filter: "no" is exact, "maybe" is confirmed from the segment.
    case bloom
}

/// The archive's SQLite catalog: logs read, segments and their state, and id digests per segment.
///
/// Every change that must be atomic with others (new segments with the log offsets they consumed, a
/// compaction's output with the retirement of its inputs) is one transaction, so a crash leaves either the
/// state before or the state after (DESIGN.md invariant 5).
package final class Catalog: Sendable {
    /// The catalog file.
    package let url: URL
    private let queue: DatabaseQueue

    /// Opens the catalog at `url`, creating and migrating it when needed.
    /// - Throws: `CatalogError.database` when the file cannot be opened or migrated.
    package init(url: URL) throws {
        self.url = url
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.busyMode = .timeout(10)
            queue = try DatabaseQueue(path: url.path, configuration: configuration)
            try Self.useIncrementalVacuum(queue)
            try Self.migrator.migrate(queue)
        } catch {
            throw CatalogError.database(path: url.path, operation: "open", underlying: error)
        }
    }

    /// Makes the file give back the pages that shrinking digests and deleting segments free, instead of keeping
    /// them on the disk for good (a catalog of 1 M records kept 17.5 MB for 1.3 MB of live data).
    ///
    /// `auto_vacuum` takes effect only if set before the first table is created; a catalog made before this switch
    /// is rewritten once by `VACUUM`. See: SQLite, "PRAGMA auto_vacuum".
    private static func useIncrementalVacuum(_ queue: DatabaseQueue) throws {
        try queue.writeWithoutTransaction { db in
            guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") != Self.incrementalAutoVacuum else { return }
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0 > 0 {
                try db.execute(sql: "VACUUM")
            }
        }
    }

    /// `PRAGMA auto_vacuum`'s value for `INCREMENTAL`.
    static let incrementalAutoVacuum = 2

    /// The file's pages as SQLite counts them.
    struct Pages: Equatable {
        var count: Int
        var free: Int
        var size: Int
        var autoVacuum: Int
        /// Bytes of pages in use: what the file would be with no free page.
        var liveBytes: Int { (count - free) * size }
    }

    /// The file's page count, free pages, page size and auto-vacuum mode.
    func pages() throws -> Pages {
        try read("count pages") { db in
            func pragma(_ name: String) throws -> Int { try Int.fetchOne(db, sql: "PRAGMA \(name)") ?? 0 }
            return Pages(
                count: try pragma("page_count"), free: try pragma("freelist_count"), size: try pragma("page_size"),
                autoVacuum: try pragma("auto_vacuum"))
        }
    }

    /// Truncates the file by its free pages, in the transaction that freed them. See: SQLite, "PRAGMA
    /// incremental_vacuum"; without an argument it frees the whole freelist.
    private static func reclaimFreePages(_ db: Database) throws {
        try db.execute(sql: "PRAGMA incremental_vacuum")
    }

    /// An empty catalog in memory, for a dry run of an archive that has none yet.
    package init(inMemoryFor url: URL) throws {
        self.url = url
        do {
            queue = try DatabaseQueue()
            try Self.migrator.migrate(queue)
        } catch {
            throw CatalogError.database(path: url.path, operation: "open", underlying: error)
        }
    }

    /// Opens an existing catalog without changing it (a dry run).
    /// - Throws: `CatalogError.database` when it cannot be read.
    package init(readOnly url: URL) throws {
        self.url = url
        do {
            var configuration = Configuration()
            configuration.readonly = true
            queue = try DatabaseQueue(path: url.path, configuration: configuration)
        } catch {
            throw CatalogError.database(path: url.path, operation: "open", underlying: error)
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "inputs") { t in
                t.primaryKey("path", .text)
                t.column("size", .integer).notNull()
                t.column("mtime", .integer).notNull()
                t.column("consumed", .integer).notNull()
                t.column("lines", .integer).notNull()
                t.column("sample", .text).notNull()
                t.column("status", .text).notNull()
            }
            try db.create(table: "segments") { t in
                t.primaryKey("name", .text)
                t.column("partition", .text).notNull().indexed()
                t.column("tier", .text).notNull()
                t.column("codec", .text).notNull()
                t.column("level", .integer).notNull()
                t.column("records", .integer).notNull()
                t.column("raw_bytes", .integer).notNull()
                t.column("stored_bytes", .integer).notNull()
                t.column("raw_sha256", .text).notNull()
                t.column("stored_sha256", .text).notNull()
                t.column("min_ts", .integer).notNull()
                t.column("max_ts", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("object_key", .text).indexed()
                t.column("object_offset", .integer)
            }
            // One blob of sorted 16-byte id digests per segment: loading a partition's ids is one query.
            try db.create(table: "segment_ids") { t in
                t.primaryKey("segment", .text).references("segments", onDelete: .cascade)
                t.column("partition", .text).notNull().indexed()
                t.column("digests", .blob).notNull()
            }
        }
        // A run's ingest counts, committed with its segments, until the run's ledger entry is written: a run
        // killed between the two still gets its entry from the next run, so the ledger's sums stay whole.
        migrator.registerMigration("v2") { db in
            try db.create(table: "runs") { t in
                t.primaryKey("run_id", .text)
                t.column("counts", .blob).notNull()
                t.column("ledgered", .boolean).notNull().defaults(to: false)
            }
        }
        // Past the dedup horizon a segment's exact digests give way to a Bloom filter (DESIGN.md, "Dedup state
        // must stay small").
        migrator.registerMigration("v3") { db in
            try db.alter(table: "segment_ids") { t in
                t.add(column: "kind", .text).notNull().defaults(to: IdBlobKind.exact.rawValue)
            }
        }
        // Logs known by their content (`LogRow`), so rotation's renames, copies and compression keep their
        // identity; the `inputs` rows of earlier versions are migrated by the first run and then dropped.
        migrator.registerMigration("v4") { db in
            try db.create(table: "logs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("fingerprint", .text).notNull().indexed()
                t.column("fingerprint_length", .integer).notNull()
                t.column("consumed", .integer).notNull()
                t.column("lines", .integer).notNull()
                t.column("sample", .text).notNull()
                t.column("first_path", .text).notNull()
                t.column("last_path", .text).notNull()
                t.column("rotated", .boolean).notNull()
                t.column("state", .text).notNull()
            }
            try db.create(table: "log_copies") { t in
                t.column("log", .integer).notNull().references("logs", onDelete: .cascade)
                t.column("size", .integer).notNull()
                t.column("mtime", .integer).notNull()
                t.column("content_bytes", .integer).notNull()
                t.primaryKey(["log", "size", "mtime"])
            }
        }
        // Keys of cold objects being uploaded, recorded before the upload and cleared in the transaction that
        // marks their segments remote: what a killed run put but never committed is found and deleted, so the
        // store holds only what the catalog and the ledger count.
        migrator.registerMigration("v5") { db in
            try db.create(table: "uploads") { t in t.primaryKey("key", .text) }
        }
        return migrator
    }

    private func write<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.write(body)
        } catch {
            throw CatalogError.database(path: url.path, operation: operation, underlying: error)
        }
    }

    private func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            throw CatalogError.database(path: url.path, operation: operation, underlying: error)
        }
    }

    // MARK: Logs

    /// Every log the archive has read from, and the files each was last seen in.
    package func logs() throws -> (logs: [LogRow], copies: [Int64: [LogCopy]]) {
        try read("list logs") { db in
            let copies = Dictionary(grouping: try LogCopy.fetchAll(db), by: \.log)
            return (try LogRow.order(Column("id")).fetchAll(db), copies)
        }
    }

    /// What a catalog of an earlier version recorded of its logs by path (empty once migrated).
    package func legacyInputs() throws -> [InputRow] {
        try read("list inputs") { db in try InputRow.order(Column("path")).fetchAll(db) }
    }

    /// Records logs as a run leaves them, each with the files it was seen in; drops the legacy `inputs` rows.
    package func save(logs: [LogUpdate]) throws {
        try write("save logs") { db in try Self.save(logs, db) }
    }

    private static func save(_ logs: [LogUpdate], _ db: Database) throws {
        for update in logs {
            var row = update.row
            try row.save(db)
            guard let id = row.id else { continue }
            try db.execute(sql: "DELETE FROM log_copies WHERE log = ?", arguments: [id])
            for var copy in update.copies {
                copy.log = id
                try copy.save(db)
            }
        }
        if !logs.isEmpty { try db.execute(sql: "DELETE FROM inputs") }
    }

    // MARK: Segments

    /// Every segment, in partition and name order.
    package func segments() throws -> [SegmentRow] {
        try read("list segments") { db in
            try SegmentRow.order(Column("partition"), Column("name")).fetchAll(db)
        }
    }

    /// The segments of one partition, in name order.
    package func segments(partition: String) throws -> [SegmentRow] {
        try read("list a partition's segments") { db in
            try SegmentRow.filter(Column("partition") == partition).order(Column("name")).fetchAll(db)
        }
    }

    /// One segment's ids as the catalog keeps them.
    package struct IdBlob: Sendable {
        package var segment: String
        package var kind: IdBlobKind
        package var bytes: [UInt8]
    }

    /// The id blobs of every segment of `partition`.
    package func idBlobs(partition: String) throws -> [IdBlob] {
        try read("read id digests") { db in
            try Row.fetchAll(
                db, sql: "SELECT segment, kind, digests FROM segment_ids WHERE partition = ?", arguments: [partition]
            ).map { row in
                IdBlob(
                    segment: row["segment"], kind: IdBlobKind(rawValue: row["kind"]) ?? .exact,
                    bytes: [UInt8](row["digests"] as Data))
            }
        }
    }

    /// Replaces the exact digests of segments in partitions before `partition` with what `shrink` makes of
    /// them (a Bloom filter); returns how many segments changed.
    package func shrinkIdBlobs(before partition: String, _ shrink: ([UInt8]) -> [UInt8]) throws -> Int {
        try write("shrink id digests") { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT segment, digests FROM segment_ids WHERE kind = ? AND partition < ?",
                arguments: [IdBlobKind.exact.rawValue, partition])
            for row in rows {
                let smaller = shrink([UInt8](row["digests"] as Data))
                try db.execute(
                    sql: "UPDATE segment_ids SET kind = ?, digests = ? WHERE segment = ?",
                    arguments: [IdBlobKind.bloom.rawValue, Data(smaller), row["segment"] as String])
            }
            if !rows.isEmpty { try Self.reclaimFreePages(db) }
            return rows.count
        }
    }

    /// A segment written with the id digests of its records.
    package struct NewSegment: Sendable {
        package var row: SegmentRow
        /// Sorted 16-byte digests, concatenated.
        package var digests: [UInt8]
        package init(row: SegmentRow, digests: [UInt8]) {
            self.row = row
            self.digests = digests
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
        try commit(added: added.map(\.row), digests: { added[$0].digests }, retired: retired, logs: logs, run: run)
    }

    /// `commit(added:retired:logs:run:)` asking for the digests of `added[i]` (sorted 16-byte digests,
    /// concatenated) only as it inserts that segment, so a caller can keep them out of memory until then.
    package func commit(
        added: [SegmentRow], digests: (Int) throws -> [UInt8], retired: [String] = [], logs: [LogUpdate] = [],
        run: PendingRun? = nil
    ) throws {
        try write("commit segments") { db in
            for name in retired {
                _ = try SegmentRow.deleteOne(db, key: name)
            }
            for (i, row) in added.enumerated() {
                try Self.insert(row, digests: try digests(i), db)
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

    private static func insert(_ row: SegmentRow, digests: [UInt8], _ db: Database) throws {
        try row.insert(db)
        try db.execute(
            sql: "INSERT INTO segment_ids (segment, partition, digests) VALUES (?, ?, ?)",
            arguments: [row.name, row.partition, Data(digests)])
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
                try Self.insert(segment.row, digests: segment.digests, db)
            }
            try Self.reclaimFreePages(db)
        }
    }
}
