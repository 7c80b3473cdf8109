import Codecs

// The index's binary encoding; docs/segment-format.md, "Index", is its specification.
extension SegmentIndex {
    /// The format version of a segment of one day; one of several days is written in `multiDayFormatVersion`.
    package static let currentFormatVersion: UInt16 = 1
    /// The format version that adds the last day, for a cold segment of several small days.
    package static let multiDayFormatVersion: UInt16 = 2
    /// The versions this code reads.
    package static let readableVersions: ClosedRange<UInt16> = 1...2

    /// The 8 bytes that start an encoded index.
    static let magic: [UInt8] = Array("MSGSEGIX".utf8)

    /// The index as the bytes stored in the segment.
    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.bytes.reserveCapacity(128 + blocks.count * 64)
        out.append(bytes: Self.magic)
        out.append(formatVersion)
        out.append(partition)
        if formatVersion >= Self.multiDayFormatVersion { out.append(lastPartition) }
        out.append(tier.rawValue)
        out.append(codec.rawValue)
        out.append(Int32(level))
        out.append(recordCount)
        out.append(rawBytes)
        out.append(bytes: rawSHA256)
        out.append(minTimestamp)
        out.append(maxTimestamp)
        out.append(UInt32(blocks.count))
        for block in blocks {
            out.append(block.offset)
            out.append(block.storedLength)
            out.append(block.rawLength)
            out.append(block.recordCount)
            out.append(block.minTimestamp)
            out.append(block.maxTimestamp)
            out.append(block.crc32)
            out.append(block.storedCRC32)
            out.append(block.firstConversation)
            out.append(block.lastConversation)
        }
        return out.bytes
    }

    /// Decodes an index, rejecting unknown versions, tiers, codecs and any byte left over.
    /// - Throws: `SegmentError.unsupportedVersion` or `.badIndex` naming `segment`.
    init(decoding bytes: [UInt8], segment: String) throws(SegmentError) {
        var cursor = ByteCursor(bytes)
        do {
            guard Array(try cursor.take(8, "magic")) == Self.magic else {
                throw SegmentError.badIndex(segment: segment, reason: "it does not start with 'MSGSEGIX'")
            }
            formatVersion = try cursor.read(UInt16.self, "format version")
            guard Self.readableVersions.contains(formatVersion) else {
                throw SegmentError.unsupportedVersion(segment: segment, version: formatVersion)
            }
            partition = try cursor.readString("partition")
            lastPartition = formatVersion >= Self.multiDayFormatVersion ? try cursor.readString("last day") : partition
            guard lastPartition >= partition else {
                throw SegmentError.badIndex(
                    segment: segment, reason: "its last day \(lastPartition) comes before its first \(partition)")
            }
            let tierName = try cursor.readString("tier")
            let codecName = try cursor.readString("codec")
            guard let tier = Tier(rawValue: tierName), let codec = Codec(rawValue: codecName) else {
                throw SegmentError.badIndex(
                    segment: segment, reason: "unknown tier '\(tierName)' or codec '\(codecName)'")
            }
            self.tier = tier
            self.codec = codec
            level = Int(try cursor.read(Int32.self, "level"))
            recordCount = try cursor.read(UInt64.self, "record count")
            rawBytes = try cursor.read(UInt64.self, "raw bytes")
            rawSHA256 = Array(try cursor.take(32, "raw SHA-256"))
            minTimestamp = try cursor.read(Int64.self, "min timestamp")
            maxTimestamp = try cursor.read(Int64.self, "max timestamp")
            let blockCount = Int(try cursor.read(UInt32.self, "block count"))
            // Each entry takes at least 52 bytes; a larger count is damage, not a reason to allocate.
            guard blockCount <= cursor.remaining / 52 else {
                throw SegmentError.badIndex(segment: segment, reason: "\(blockCount) blocks cannot fit in the index")
            }
            blocks = []
            blocks.reserveCapacity(blockCount)
            for i in 0..<blockCount {
                let field = "block \(i)"
                let offset = try cursor.read(UInt64.self, field)
                let storedLength = try cursor.read(UInt32.self, field)
                let rawLength = try cursor.read(UInt32.self, field)
                let records = try cursor.read(UInt32.self, field)
                let minTimestamp = try cursor.read(Int64.self, field)
                let maxTimestamp = try cursor.read(Int64.self, field)
                let crc32 = try cursor.read(UInt32.self, field)
                let storedCRC32 = try cursor.read(UInt32.self, field)
                let first = try cursor.readString(field + " first conversation")
                let last = try cursor.readString(field + " last conversation")
                blocks.append(
                    BlockEntry(
                        offset: offset, storedLength: storedLength, rawLength: rawLength, recordCount: records,
                        minTimestamp: minTimestamp, maxTimestamp: maxTimestamp, firstConversation: first,
                        lastConversation: last, crc32: crc32, storedCRC32: storedCRC32))
            }
            guard cursor.remaining == 0 else {
                throw SegmentError.badIndex(segment: segment, reason: "\(cursor.remaining) bytes follow the last block")
            }
        } catch {
            throw error as? SegmentError ?? .badIndex(segment: segment, reason: "\(error)")
        }
    }

    /// Checks the index agrees with itself and with where the trailer puts it: blocks back to back from offset 0
    /// up to the index, totals that add up, no empty block.
    /// - Throws: `SegmentError.badIndex` naming `segment` and what disagrees.
    func validate(indexOffset: UInt64, segment: String) throws(SegmentError) {
        var expectedOffset: UInt64 = 0
        var records: UInt64 = 0
        var raw: UInt64 = 0
        for (i, block) in blocks.enumerated() {
            guard block.offset == expectedOffset else {
                throw SegmentError.badIndex(
                    segment: segment, reason: "block \(i) starts at \(block.offset), not \(expectedOffset)")
            }
            guard block.storedLength > 0, block.rawLength > 0, block.recordCount > 0 else {
                throw SegmentError.badIndex(segment: segment, reason: "block \(i) is empty")
            }
            expectedOffset += UInt64(block.storedLength)
            records += UInt64(block.recordCount)
            raw += UInt64(block.rawLength)
        }
        guard expectedOffset == indexOffset else {
            throw SegmentError.badIndex(
                segment: segment, reason: "the blocks end at \(expectedOffset) but the index starts at \(indexOffset)")
        }
        guard records == recordCount, raw == rawBytes else {
            throw SegmentError.badIndex(segment: segment, reason: "the block totals differ from the segment totals")
        }
        guard rawSHA256.count == 32 else {
            throw SegmentError.badIndex(segment: segment, reason: "the SHA-256 is not 32 bytes")
        }
    }
}
