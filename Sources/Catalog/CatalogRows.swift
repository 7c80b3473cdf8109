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
    package var partition: String
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
        state: SegmentState = .local, objectKey: String? = nil, objectOffset: Int64? = nil
    ) {
        self.name = name
        self.partition = partition
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

/// What the archive has read of one source log.
package struct InputRow: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    package static let databaseTableName = "inputs"
    /// Absolute path of the log.
    package var path: String
    /// Size and modification time (ns since the epoch) when last read.
    package var size: Int64
    package var mtime: Int64
    /// Bytes of the file consumed so far (whole lines only) and the lines they held.
    package var consumed: Int64
    package var lines: Int64
    /// Hex SHA-256 over the file's first and last 64 KiB before `consumed`: tells an append from a rewrite.
    package var sample: String
    package var status: InputStatus

    package init(
        path: String, size: Int64, mtime: Int64, consumed: Int64, lines: Int64, sample: String, status: InputStatus
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

/// Where the archive stands with one source log.
package enum InputStatus: String, Sendable, Codable {
    /// Read up to `consumed`; more may be appended.
    case partial
    /// Read to the end (compressed logs are read whole).
    case done
    /// Deleted by msgarchive after ingest (`after_ingest: delete`).
    case deleted
}
