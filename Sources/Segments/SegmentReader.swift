import Codecs
import Crypto

/// Reads a segment through its index: the trailer, the index, then only the blocks asked for.
package struct SegmentReader: Sendable {
    /// Where the bytes come from.
    package let source: any ByteSource
    /// The segment's index, checked against its trailer and the file's layout.
    package let index: SegmentIndex
    /// The segment file's total size.
    package let storedBytes: UInt64

    /// Opens a segment by reading its trailer and index (two reads; no block is touched).
    /// - Throws: `SegmentError` when the trailer or index is missing, damaged or contradicts the file.
    package static func open(_ source: any ByteSource) async throws -> SegmentReader {
        let segment = source.name
        let size = try await source.size()
        let tailLength = Int(min(size, UInt64(SegmentContainer.maxTrailerContainerSize)))
        let tail = try await source.read(offset: size - UInt64(tailLength), length: tailLength)
        guard let (style, trailerBytes) = SegmentContainer.unwrapTrailer(tail: tail) else {
            throw SegmentError.badTrailer(
                segment: segment, reason: "the last bytes are not a trailer container; the file may be truncated")
        }
        let trailer = try SegmentTrailer(decoding: trailerBytes, segment: segment)
        let codec = trailer.codec
        guard SegmentContainer.style(codec) == style else {
            throw SegmentError.badTrailer(segment: segment, reason: "its codec differs from its container's")
        }
        let trailerStart = size - UInt64(SegmentContainer.trailerContainerSize(codec))
        guard trailer.indexOffset <= trailerStart, trailer.indexRegionLength == trailerStart - trailer.indexOffset
        else {
            throw SegmentError.badIndex(
                segment: segment,
                reason: "the trailer puts it at offset \(trailer.indexOffset) with \(trailer.indexRegionLength) "
                    + "bytes, but the trailer itself starts at \(trailerStart)")
        }
        guard trailer.indexRegionLength <= 1 << 31 else {
            throw SegmentError.badIndex(segment: segment, reason: "the trailer gives an impossible index length")
        }
        let region = try await source.read(offset: trailer.indexOffset, length: Int(trailer.indexRegionLength))
        let indexBytes = try SegmentContainer.unwrapIndex(region, codec: codec, segment: segment)
        let crc = CRC32.checksum(indexBytes)
        guard crc == trailer.indexCRC32, indexBytes.count == trailer.indexLength else {
            throw SegmentError.indexChecksum(segment: segment, expected: trailer.indexCRC32, found: crc)
        }
        let index = try SegmentIndex(decoding: indexBytes, segment: segment)
        guard index.codec == codec, index.formatVersion == trailer.formatVersion else {
            throw SegmentError.badIndex(segment: segment, reason: "its codec or version differs from the trailer's")
        }
        try index.validate(indexOffset: trailer.indexOffset, segment: segment)
        return SegmentReader(source: source, index: index, storedBytes: size)
    }

    /// The length of the segment that ends where `source` ends, read from its trailer: how a cold object that
    /// packs several segments back to back is walked from its end.
    /// - Throws: `SegmentError.badTrailer` when the source does not end with a trailer.
    package static func segmentLength(endingAt source: any ByteSource) async throws -> UInt64 {
        let size = try await source.size()
        let tailLength = Int(min(size, UInt64(SegmentContainer.maxTrailerContainerSize)))
        let tail = try await source.read(offset: size - UInt64(tailLength), length: tailLength)
        guard let (style, trailerBytes) = SegmentContainer.unwrapTrailer(tail: tail) else {
            throw SegmentError.badTrailer(
                segment: source.name, reason: "the last bytes are not a trailer container; the file may be truncated")
        }
        let trailer = try SegmentTrailer(decoding: trailerBytes, segment: source.name)
        let length =
            trailer.indexOffset + trailer.indexRegionLength + UInt64(SegmentContainer.trailerContainerSize(style))
        guard length <= size else {
            throw SegmentError.badTrailer(
                segment: source.name, reason: "it gives a length past the start of the object")
        }
        return length
    }

    /// The raw bytes of block `i` (whole lines, each ending with a newline), CRC-checked.
    /// - Throws: `SegmentError.noSuchBlock`, or a `SegmentError` naming the block when it is damaged.
    package func readBlock(_ i: Int) async throws -> [UInt8] {
        guard index.blocks.indices.contains(i) else {
            throw SegmentError.noSuchBlock(segment: source.name, block: i, blockCount: index.blocks.count)
        }
        let entry = index.blocks[i]
        let frame = try await source.read(offset: entry.offset, length: Int(entry.storedLength))
        return try decodeBlock(i, frame: frame[...])
    }

    /// Decompresses and checks block `i` from its stored bytes.
    private func decodeBlock(_ i: Int, frame: ArraySlice<UInt8>) throws(SegmentError) -> [UInt8] {
        let entry = index.blocks[i]
        let storedCRC = CRC32.checksum(frame)
        guard storedCRC == entry.storedCRC32 else {
            throw SegmentError.storedChecksum(
                segment: source.name, block: i, expected: entry.storedCRC32, found: storedCRC)
        }
        let raw: [UInt8]
        do {
            raw = try frame.withUnsafeBytes {
                try FrameCodec.decompress($0, codec: index.codec, rawLength: Int(entry.rawLength))
            }
        } catch {
            throw SegmentError.damagedBlock(segment: source.name, block: i, cause: error)
        }
        let crc = CRC32.checksum(raw)
        guard crc == entry.crc32 else {
            throw SegmentError.blockChecksum(segment: source.name, block: i, expected: entry.crc32, found: crc)
        }
        return raw
    }

    /// Reads every block and checks every checksum, each block's line count and final newline, the raw SHA-256
    /// and the record count. Blocks are fetched in runs of about 8 MiB to keep remote reads few.
    /// - Throws: the first `SegmentError` found, naming the block where one is at fault.
    package func verify() async throws {
        var hasher = SHA256()
        var start = 0
        while start < index.blocks.count {
            var end = start + 1
            var length = UInt64(index.blocks[start].storedLength)
            while end < index.blocks.count && length + UInt64(index.blocks[end].storedLength) <= 8 << 20 {
                length += UInt64(index.blocks[end].storedLength)
                end += 1
            }
            let base = index.blocks[start].offset
            let run = try await source.read(offset: base, length: Int(length))
            for i in start..<end {
                let entry = index.blocks[i]
                let from = Int(entry.offset - base)
                let raw = try decodeBlock(i, frame: run[from..<from + Int(entry.storedLength)])
                let lines = raw.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                guard lines == entry.recordCount, raw.last == 0x0A else {
                    throw SegmentError.blockRecords(
                        segment: source.name, block: i, expected: entry.recordCount, found: lines)
                }
                hasher.update(data: raw)
            }
            start = end
        }
        let digest = Array(hasher.finalize())
        guard digest == index.rawSHA256 else {
            throw SegmentError.contentDigest(
                segment: source.name, expected: index.rawSHA256.hexString, found: digest.hexString)
        }
    }

    /// The numbers of the blocks whose records may have timestamps in `range`, from the index alone (no I/O).
    package func blocks(overlapping range: ClosedRange<Int64>) -> [Int] {
        index.blocks.indices.filter { i in
            index.blocks[i].minTimestamp <= range.upperBound && index.blocks[i].maxTimestamp >= range.lowerBound
        }
    }

    /// Splits a block's raw bytes into lines, without their newlines (a final newline starts no empty line).
    package static func lines(_ raw: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = raw.startIndex
        while start < raw.endIndex {
            let end = raw[start...].firstIndex(of: 0x0A) ?? raw.endIndex
            lines.append(raw[start..<end])
            start = end + 1
        }
        return lines
    }
}
