import Catalog
import Codecs
import Crypto
import Dedup
import Foundation
import Segments

/// A segment file just written, with what the catalog needs to know of it.
package struct WrittenSegment: Sendable {
    package var url: URL
    package var index: SegmentIndex
    package var storedBytes: UInt64
    /// Of the file's bytes; empty, like `digests`, for a segment no catalog records (`write`'s `keepDigests`).
    package var storedSHA256: String
    /// Sorted 16-byte id digests of its records, concatenated.
    package var digests: [UInt8]

    package init(url: URL, index: SegmentIndex, storedBytes: UInt64, storedSHA256: String, digests: [UInt8]) {
        (self.url, self.index, self.storedBytes, self.storedSHA256, self.digests) = (
            url, index, storedBytes, storedSHA256, digests
        )
    }

    package var name: String { url.lastPathComponent }

    /// The catalog row of this (local) segment.
    package var row: SegmentRow {
        SegmentRow(
            name: name, partition: index.partition, tier: index.tier, codec: index.codec, level: index.level,
            records: Int64(index.recordCount), rawBytes: Int64(index.rawBytes), storedBytes: Int64(storedBytes),
            rawSHA256: hex(index.rawSHA256), storedSHA256: storedSHA256, minTimestamp: index.minTimestamp,
            maxTimestamp: index.maxTimestamp,
            lastPartition: index.lastPartition == index.partition ? nil : index.lastPartition)
    }
}

extension WrittenSegment {
    /// How the catalog keeps the ids: a segment of several days as a Bloom filter, since its ids may repeat
    /// across its days and a hit for one day is confirmed against that day's records.
    package var idKind: IdBlobKind { index.lastPartition == index.partition ? .exact : .bloom }

    /// Writes the records of `buffers`, each sorted, one after the other (one buffer a day, in day order, for a
    /// segment of several days) as one segment at `url`. `digests` is empty unless `keepDigests` (a one-off
    /// compaction has no catalog to give them to): sorted digests, or for several days a Bloom filter of them.
    /// Nor is the file's checksum computed without `keepDigests`. With a `batch`, a small segment is durable only
    /// once the batch is sealed.
    package static func write(
        _ buffers: [RecordBuffer], to url: URL, options: SegmentOptions, keepDigests: Bool = true,
        batch: SegmentBatch? = nil
    ) async throws -> WrittenSegment {
        var digests: [IdDigest] = []
        let total = buffers.reduce(0) { $0 + $1.entries.count }
        var n = 0
        var options = options
        options.hashesStoredBytes = keepDigests
        let (_, index, stored, storedSHA256) = try await withSegmentWriter(at: url, options: options, batch: batch) {
            writer in
            for buffer in buffers {
                var order = buffer.sorted()
                var conversation = ""
                try await writer.append(count: buffer.entries.count) { _ in
                    if n == total / 2 { CrashPoint.segmentWrite.reach() }
                    n += 1
                    // Records of one conversation come together: build its String only where it starts.
                    let sorted = order.next()!
                    if sorted.startsConversation { conversation = buffer.conversation(sorted.entry) }
                    if keepDigests { digests.append(sorted.entry.digest) }
                    return (buffer.line(sorted.entry), conversation, sorted.entry.timestamp)
                }
            }
        }
        let blob = keepDigests ? IdDigest.segmentBlob(digests, severalDays: options.lastPartition != nil) : []
        return WrittenSegment(url: url, index: index, storedBytes: stored, storedSHA256: storedSHA256, digests: blob)
    }
}

/// Lower-case hex of bytes.
