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
    /// Writes `buffer`'s records, sorted, as one segment at `url`; `digests` is empty unless `keepDigests`
    /// (a one-off compaction has no catalog to give them to).
    package static func write(
        _ buffer: RecordBuffer, to url: URL, options: SegmentOptions, keepDigests: Bool = true
    ) async throws -> WrittenSegment {
        let order = buffer.sorted()
        var conversation = ""
        var previous: RecordBuffer.Entry?
        let (_, index, stored, storedSHA256) = try await withSegmentWriter(at: url, options: options) { writer in
            for (n, entry) in order.enumerated() {
                if n == order.count / 2 { CrashPoint.segmentWrite.reach() }
                // Records of one conversation come together: build its String only when the bytes change.
                if previous.map({ !buffer.sameConversation($0, entry) }) ?? true {
                    conversation = buffer.conversation(entry)
                }
                previous = entry
                try await writer.append(buffer.line(entry), conversation: conversation, timestamp: entry.timestamp)
            }
        }
        return WrittenSegment(
            url: url, index: index, storedBytes: stored, storedSHA256: storedSHA256,
            digests: keepDigests ? IdDigest.blob(order.map(\.digest).sorted()) : [])
    }
}

/// Lower-case hex of bytes.
