import Foundation
import GRDB

/// The logs the archive has read from: what each holds and how far it was read.
extension Catalog {
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

    static func save(_ logs: [LogUpdate], _ db: Database) throws {
        // Statements prepared once: a run over 5,000 new logs spent 5% of its time compiling them again and
        // trying an UPDATE before each copy's INSERT.
        let deleteCopies = try db.cachedStatement(sql: "DELETE FROM log_copies WHERE log = ?")
        let insertCopy = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO log_copies (log, size, mtime, content_bytes) VALUES (?, ?, ?, ?)")
        for update in logs {
            var row = update.row
            try row.save(db)
            guard let id = row.id else { continue }
            try deleteCopies.execute(arguments: [id])
            for copy in update.copies {
                try insertCopy.execute(arguments: [id, copy.size, copy.mtime, copy.contentBytes])
            }
        }
        if !logs.isEmpty { try db.execute(sql: "DELETE FROM inputs") }
    }
}
