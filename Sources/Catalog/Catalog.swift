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
    static func reclaimFreePages(_ db: Database) throws {
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
        // Cold segments of several small days (segment format version 2) keep their last day; NULL for one day.
        migrator.registerMigration("v6") { db in
            try db.alter(table: "segments") { t in t.add(column: "last_partition", .text) }
            try db.create(index: "segments_on_last_partition", on: "segments", columns: ["last_partition"])
        }
        return migrator
    }

    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.write(body)
        } catch {
            throw CatalogError.database(path: url.path, operation: operation, underlying: error)
        }
    }

    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            throw CatalogError.database(path: url.path, operation: operation, underlying: error)
        }
    }
}
