import Codecs

// SKELETON: helper A owns this file; the fields are the contract the rest of the code uses.

/// One block of a segment: one standard frame holding whole lines.
package struct BlockEntry: Sendable, Equatable {
    /// Byte offset of the frame in the segment file.
    package var offset: UInt64
    /// Length of the frame in the file.
    package var storedLength: UInt32
    /// Length of the block's raw JSON Lines (newlines included).
    package var rawLength: UInt32
    /// Number of records (lines) in the block.
    package var recordCount: UInt32
    /// Smallest and largest record timestamp, microseconds since the Unix epoch (UTC).
    package var minTimestamp: Int64
    package var maxTimestamp: Int64
    /// Conversation of the first and of the last record (records are sorted by conversation).
    package var firstConversation: String
    package var lastConversation: String
    /// CRC-32 of the raw bytes.
    package var crc32: UInt32
}

/// A segment's self-description, stored in the segment itself.
package struct SegmentIndex: Sendable, Equatable {
    package var formatVersion: UInt16
    /// UTC day of the records' timestamps, `YYYY-MM-DD`.
    package var partition: String
    package var tier: Tier
    package var codec: Codec
    package var level: Int
    package var recordCount: UInt64
    /// Sum of the blocks' raw lengths.
    package var rawBytes: UInt64
    /// SHA-256 of all raw bytes in order (what `gzip -dc`/`lz4 -dc` prints).
    package var rawSHA256: [UInt8]
    package var minTimestamp: Int64
    package var maxTimestamp: Int64
    package var blocks: [BlockEntry]
}
