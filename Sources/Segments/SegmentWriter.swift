import Codecs
import Foundation

// SKELETON: helper A replaces this file.

/// How a segment is written.
package struct SegmentOptions: Sendable {
    package var partition: String
    package var tier: Tier
    package var codec: Codec
    package var level: Int
    /// Raw bytes per block before a new block starts (whole lines only).
    package var blockSize: Int
    /// Blocks compressed at once (bounds memory in flight).
    package var parallelism: Int

    package init(
        partition: String, tier: Tier, codec: Codec, level: Int, blockSize: Int = 1 << 20,
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.partition = partition
        self.tier = tier
        self.codec = codec
        self.level = level
        self.blockSize = blockSize
        self.parallelism = parallelism
    }
}

/// Writes one segment; lines must be appended in (conversation, timestamp, id) order.
package final class SegmentWriter {
    /// Appends one line (without its newline).
    package func append(_ line: ArraySlice<UInt8>, conversation: String, timestamp: Int64) async throws { fatalError("unimplemented") }
}

/// Writes a segment at `url` atomically (temporary name, fsync, rename, fsync directory) and returns its index
/// and the stored size; the file is removed if `body` throws.
package func withSegmentWriter<T>(
    at url: URL, options: SegmentOptions, _ body: (SegmentWriter) async throws -> T
) async throws -> (result: T, index: SegmentIndex, storedBytes: UInt64) { fatalError("unimplemented") }
