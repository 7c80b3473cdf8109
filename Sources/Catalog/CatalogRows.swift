import Codecs
import Foundation
import GRDB
import Segments

/// Where a segment's bytes live.
package enum SegmentState: String, Sendable, Codable {
    /// A file under the archive root.
    case local
    /// Inside an object in the cold store (alone or packed with others), verified after upload.
    case remote
}

/// One segment the archive holds.
package struct SegmentRow: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "segments"
    /// File name, unique in the archive (`2026-10-01.a1b2c3d4.1.jsonl.lz4`).
    package var name: String
    /// The day of the records, or the first day of a segment of several small days.
    package var partition: String
    /// The last day of a segment of several days; nil for one day.
    package var lastPartition: String?
    package var tier: Tier
    package var codec: Codec
    package var level: Int
    package var records: Int64
    package var rawBytes: Int64
    package var storedBytes: Int64
    /// Hex SHA-256 of the raw lines and of the segment file's bytes.
    package var rawSHA256: String
    package var storedSHA256: String
    package var minTimestamp: Int64
    package var maxTimestamp: Int64
    package var state: SegmentState
    /// For a remote segment: the object holding it, and the segment's offset in that object.
    package var objectKey: String?
    package var objectOffset: Int64?

    enum CodingKeys: String, CodingKey {
        case name, partition, tier, codec, level, records
        case lastPartition = "last_partition"
        case rawBytes = "raw_bytes"
        case storedBytes = "stored_bytes"
        case rawSHA256 = "raw_sha256"
        case storedSHA256 = "stored_sha256"
        case minTimestamp = "min_ts"
        case maxTimestamp = "max_ts"
        case state
        case objectKey = "object_key"
        case objectOffset = "object_offset"
    }

    package init(
        name: String, partition: String, tier: Tier, codec: Codec, level: Int, records: Int64, rawBytes: Int64,
        storedBytes: Int64, rawSHA256: String, storedSHA256: String, minTimestamp: Int64, maxTimestamp: Int64,
        state: SegmentState = .local, objectKey: String? = nil, objectOffset: Int64? = nil,
        lastPartition: String? = nil
    ) {
        self.name = name
        self.partition = partition
        self.lastPartition = lastPartition
        self.tier = tier
        self.codec = codec
        self.level = level
        self.records = records
        self.rawBytes = rawBytes
        self.storedBytes = storedBytes
        self.rawSHA256 = rawSHA256
        self.storedSHA256 = storedSHA256
        self.minTimestamp = minTimestamp
        self.maxTimestamp = maxTimestamp
        self.state = state
        self.objectKey = objectKey
        self.objectOffset = objectOffset
    }
}

extension SegmentRow {
    /// The last day the segment holds: `lastPartition`, or `partition` for a segment of one day.
    package var lastDay: String { lastPartition ?? partition }

    /// True when the segment may hold records of `day`.
    package func covers(_ day: String) -> Bool { partition <= day && day <= lastDay }
}

/// What a catalog of an earlier version recorded of one source log, by path; read once to migrate it to `LogRow`.
package struct InputRow: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "inputs"
    /// Absolute path of the log.
    package var path: String
    /// Size and modification time (ns since the epoch) when last read.
    package var size: Int64
    package var mtime: Int64
    /// Bytes of the file consumed (whole lines; the stored size for a compressed log) and the lines they held.
    package var consumed: Int64
    package var lines: Int64
    /// `LogContent.sample` of the file as stored, up to `consumed`.
    package var sample: String
    /// `partial`, `done` (compressed, read whole) or `deleted`.
    package var status: String

    package init(
        path: String, size: Int64, mtime: Int64, consumed: Int64, lines: Int64, sample: String, status: String
    ) {
        self.path = path
        self.size = size
        self.mtime = mtime
        self.consumed = consumed
        self.lines = lines
        self.sample = sample
        self.status = status
    }
}

/// One source log, known by its content rather than its path: logrotate renames, copies and compresses a log,
/// and it stays the same log (see `docs/operations.md`, "Log rotation").
package struct LogRow: Sendable, Equatable, Codable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "logs"
    /// Row id; nil until first saved.
    package var id: Int64?
    /// Hex SHA-256 of the log's first `fingerprintLength` decompressed bytes.
    package var fingerprint: String
    /// `min(4096, consumed)`: what of the log's start has been read, up to the fingerprint window.
    package var fingerprintLength: Int64
    /// Decompressed bytes read so far (whole lines) and the lines they held.
    package var consumed: Int64
    package var lines: Int64
    /// `LogContent.sample` of the decompressed content up to `consumed`: tells an append from a rewrite.
    package var sample: String
    /// Where the log was first and last seen.
    package var firstPath: String
    package var lastPath: String
    /// Seen as a rotated copy: at another path than where it was first read, or at a name that is another
    /// matched file's name plus a suffix (`app.jsonl.1` beside `app.jsonl`). Only such a log can have been
    /// read to its end; one that vanishes before is reported.
    package var rotated: Bool
    package var state: LogState

    enum CodingKeys: String, CodingKey {
        case id, fingerprint, consumed, lines, sample, rotated, state
        case fingerprintLength = "fingerprint_length"
        case firstPath = "first_path"
        case lastPath = "last_path"
    }

    package init(
        id: Int64? = nil, fingerprint: String, fingerprintLength: Int64, consumed: Int64, lines: Int64,
        sample: String, firstPath: String, lastPath: String, rotated: Bool = false, state: LogState = .present
    ) {
        self.id = id
        self.fingerprint = fingerprint
        self.fingerprintLength = fingerprintLength
        self.consumed = consumed
        self.lines = lines
        self.sample = sample
        self.firstPath = firstPath
        self.lastPath = lastPath
        self.rotated = rotated
        self.state = state
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// Where the archive stands with one source log.
package enum LogState: String, Sendable, Codable {
    /// Seen by the latest run that looked.
    case present
    /// No file matched it in a later run: rotated away or removed.
    case gone
    /// Deleted by msgarchive after ingest (`after_ingest: delete`).
    case deleted
}

/// One file that held a log when a run saw it: a later run finding a file of the same log with the same size and
/// modification time knows its content without reading past the fingerprint (a compressed copy renamed by
/// logrotate keeps both).
package struct LogCopy: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "log_copies"
    package var log: Int64
    /// Size as stored and modification time (ns since the epoch).
    package var size: Int64
    package var mtime: Int64
    /// Decompressed bytes the file held.
    package var contentBytes: Int64

    enum CodingKeys: String, CodingKey {
        case log, size, mtime
        case contentBytes = "content_bytes"
    }

    package init(log: Int64, size: Int64, mtime: Int64, contentBytes: Int64) {
        self.log = log
        self.size = size
        self.mtime = mtime
        self.contentBytes = contentBytes
    }
}

/// A log as a run leaves it, with the files it was seen in (their `log` is filled in when saved).
package struct LogUpdate: Sendable, Equatable {
    package var row: LogRow
    package var copies: [LogCopy]

    package init(row: LogRow, copies: [LogCopy] = []) {
        self.row = row
        self.copies = copies
    }
}
