import Codecs

/// One block of a segment: one standard frame holding whole lines.
package struct BlockEntry: Sendable, Equatable, Codable {
    /// Byte offset of the frame in the segment file.
    package var offset: UInt64
    /// Length of the frame in the file.
    package var storedLength: UInt32
    /// Length of the block's raw JSON Lines (newlines included).
    package var rawLength: UInt32
    /// Number of records (lines) in the block.
    package var recordCount: UInt32
    /// Smallest record timestamp, microseconds since the Unix epoch (UTC).
    package var minTimestamp: Int64
    /// Largest record timestamp, microseconds since the Unix epoch (UTC).
    package var maxTimestamp: Int64
    /// Conversation of the first record (records are sorted by conversation).
    package var firstConversation: String
    /// Conversation of the last record.
    package var lastConversation: String
    /// CRC-32 of the raw bytes.
    package var crc32: UInt32
    /// CRC-32 of the stored frame: catches damage that still decompresses to the right bytes (an LZ4 or deflate
    /// match moved to an identical earlier copy), and lets a copy be checked without decompressing.
    package var storedCRC32: UInt32

    /// A block entry with every field given.
    package init(
        offset: UInt64, storedLength: UInt32, rawLength: UInt32, recordCount: UInt32, minTimestamp: Int64,
        maxTimestamp: Int64, firstConversation: String, lastConversation: String, crc32: UInt32, storedCRC32: UInt32
    ) {
        self.offset = offset
        self.storedLength = storedLength
        self.rawLength = rawLength
        self.recordCount = recordCount
        self.minTimestamp = minTimestamp
        self.maxTimestamp = maxTimestamp
        self.firstConversation = firstConversation
        self.lastConversation = lastConversation
        self.crc32 = crc32
        self.storedCRC32 = storedCRC32
    }

    enum CodingKeys: String, CodingKey {
        case offset, crc32
        case storedCRC32 = "stored_crc32"
        case storedLength = "stored_length"
        case rawLength = "raw_length"
        case recordCount = "record_count"
        case minTimestamp = "min_timestamp"
        case maxTimestamp = "max_timestamp"
        case firstConversation = "first_conversation"
        case lastConversation = "last_conversation"
    }
}

/// A segment's self-description, stored in the segment itself (see `docs/segment-format.md`).
package struct SegmentIndex: Sendable, Equatable, Codable {
    /// The segment format version the file was written in.
    package var formatVersion: UInt16
    /// UTC day of the records' timestamps, `YYYY-MM-DD`; the first day of a segment of several.
    package var partition: String
    /// The last day of a segment of several small days (format version 2); `partition` otherwise.
    package var lastPartition: String
    /// The tier the segment was written for.
    package var tier: Tier
    /// The codec of every block.
    package var codec: Codec
    /// The compression level the blocks were written at.
    package var level: Int
    /// Records (lines) in the segment.
    package var recordCount: UInt64
    /// Sum of the blocks' raw lengths.
    package var rawBytes: UInt64
    /// SHA-256 of all raw bytes in order (what `gzip -dc`/`lz4 -dc` prints).
    package var rawSHA256: [UInt8]
    /// Smallest record timestamp (0 when the segment is empty).
    package var minTimestamp: Int64
    /// Largest record timestamp (0 when the segment is empty).
    package var maxTimestamp: Int64
    /// The blocks in file order.
    package var blocks: [BlockEntry]

    /// An index with every field given.
    package init(
        formatVersion: UInt16, partition: String, lastPartition: String? = nil, tier: Tier, codec: Codec, level: Int,
        recordCount: UInt64, rawBytes: UInt64, rawSHA256: [UInt8], minTimestamp: Int64, maxTimestamp: Int64,
        blocks: [BlockEntry]
    ) {
        self.formatVersion = formatVersion
        self.partition = partition
        self.lastPartition = lastPartition ?? partition
        self.tier = tier
        self.codec = codec
        self.level = level
        self.recordCount = recordCount
        self.rawBytes = rawBytes
        self.rawSHA256 = rawSHA256
        self.minTimestamp = minTimestamp
        self.maxTimestamp = maxTimestamp
        self.blocks = blocks
    }

    enum CodingKeys: String, CodingKey {
        case partition, tier, codec, level, blocks
        case formatVersion = "format_version"
        case lastPartition = "last_partition"
        case recordCount = "record_count"
        case rawBytes = "raw_bytes"
        case rawSHA256 = "raw_sha256"
        case minTimestamp = "min_timestamp"
        case maxTimestamp = "max_timestamp"
    }

    /// Decodes the JSON form `inspect --json` prints (snake_case keys, `raw_sha256` as lowercase hex).
    /// - Throws: `DecodingError` for a missing key or a `raw_sha256` that is not 64 hex digits.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try container.decode(UInt16.self, forKey: .formatVersion)
        partition = try container.decode(String.self, forKey: .partition)
        lastPartition = try container.decodeIfPresent(String.self, forKey: .lastPartition) ?? partition
        tier = try container.decode(Tier.self, forKey: .tier)
        codec = try container.decode(Codec.self, forKey: .codec)
        level = try container.decode(Int.self, forKey: .level)
        recordCount = try container.decode(UInt64.self, forKey: .recordCount)
        rawBytes = try container.decode(UInt64.self, forKey: .rawBytes)
        let digest = try container.decode(String.self, forKey: .rawSHA256)
        guard let bytes = [UInt8](hex: digest), bytes.count == 32 else {
            throw DecodingError.dataCorruptedError(
                forKey: .rawSHA256, in: container, debugDescription: "raw_sha256 must be 64 hex digits")
        }
        rawSHA256 = bytes
        minTimestamp = try container.decode(Int64.self, forKey: .minTimestamp)
        maxTimestamp = try container.decode(Int64.self, forKey: .maxTimestamp)
        blocks = try container.decode([BlockEntry].self, forKey: .blocks)
    }

    /// Encodes the JSON form `inspect --json` prints.
    /// - Throws: what the encoder throws.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(formatVersion, forKey: .formatVersion)
        try container.encode(partition, forKey: .partition)
        if formatVersion >= Self.multiDayFormatVersion { try container.encode(lastPartition, forKey: .lastPartition) }
        try container.encode(tier, forKey: .tier)
        try container.encode(codec, forKey: .codec)
        try container.encode(level, forKey: .level)
        try container.encode(recordCount, forKey: .recordCount)
        try container.encode(rawBytes, forKey: .rawBytes)
        try container.encode(rawSHA256.hexString, forKey: .rawSHA256)
        try container.encode(minTimestamp, forKey: .minTimestamp)
        try container.encode(maxTimestamp, forKey: .maxTimestamp)
        try container.encode(blocks, forKey: .blocks)
    }
}

extension [UInt8] {
    /// Lowercase hex, two digits a byte.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of an even-length hex string, or nil if it is not one.
    init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        for i in stride(from: 0, to: utf8.count, by: 2) {
            guard let high = value(utf8[i]), let low = value(utf8[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self = bytes
    }
}
