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
}
