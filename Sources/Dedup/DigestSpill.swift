import Foundation

/// Sorted runs of id digests moved out of memory into an unlinked temporary file, so that dedup state for the
/// records already written stays exact while memory keeps only about 11 bits a record (DESIGN.md, "Dedup state
/// must stay small").
///
/// Each run keeps in memory every 256th digest and, while its partition fills, a Bloom filter (10 bits a digest).
/// A lookup probes the filter and, on a "maybe", reads the one 4 KiB page of the run that can hold the digest, so
/// a distinct id costs no I/O 99% of the time and a redelivery costs one `pread` of a `SpillFile`. A run whose
/// partition went idle drops its filter (`withoutFilter()`): a lookup there reads the page, and the filter is
/// read back (`withFilter(_:)`) when records come to the partition again. Filters of every day read were most of
/// what memory grew by with the input (8x the corpus: 11 MB).
package final class DigestSpill {
    /// One sorted run in the file.
    package struct Run: Sendable {
        /// Byte offset of the run's first digest.
        package let offset: Int64
        /// Number of digests in the run.
        package let count: Int
        let filter: BloomFilter?
        /// Digests `0, 256, 512, ...` of the run: page `p` holds the digests from `fence[p]` up to `fence[p + 1]`.
        let fence: [IdDigest]
    }

    /// Digests a page holds: 4 KiB, one read.
    static let pageDigests = 256
    private let file: SpillFile

    /// Creates the file in `directory` (the system temporary directory by default).
    /// - Throws: `DedupError.spill` when the file cannot be created.
    package init(directory: URL = FileManager.default.temporaryDirectory) throws {
        file = try SpillFile(directory: directory)
    }

    /// Writes `sorted` (ascending, no repeats) as a new run.
    /// - Throws: `DedupError.spill` when the write fails (a full disk).
    package func append(sorted: [IdDigest]) throws -> Run {
        let fence = stride(from: 0, to: sorted.count, by: Self.pageDigests).map { sorted[$0] }
        let offset = try file.append(IdDigest.blob(sorted))
        return Run(offset: offset, count: sorted.count, filter: BloomFilter(sorted), fence: fence)
    }

    /// Whether `d` is in `run`.
    /// - Throws: `DedupError.spill` when the page cannot be read back.
    package func contains(_ d: IdDigest, in run: Run) throws -> Bool {
        if let filter = run.filter, !filter.mightContain(d) { return false }
        // The last page whose first digest is <= d is the only one that can hold it.
        var low = 0
        var high = run.fence.count
        while low < high {
            let mid = (low + high) / 2
            if run.fence[mid] <= d { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return false }
        let page = low - 1
        let first = page * Self.pageDigests
        let count = min(Self.pageDigests, run.count - first)
        let bytes = try file.read(at: run.offset + Int64(first * 16), count: count * 16)
        return IdDigest.digests(inBlob: bytes).contains(d)
    }

    /// `run` with its filter, read back from the file if it was dropped.
    /// - Throws: `DedupError.spill` when the run cannot be read back.
    package func withFilter(_ run: Run) throws -> Run {
        guard run.filter == nil else { return run }
        let digests = IdDigest.digests(inBlob: try file.read(at: run.offset, count: run.count * 16))
        return Run(offset: run.offset, count: run.count, filter: BloomFilter(digests), fence: run.fence)
    }
}

extension DigestSpill.Run {
    /// The run without its Bloom filter, for a partition no record comes to for now.
    package func withoutFilter() -> Self { Self(offset: offset, count: count, filter: nil, fence: fence) }
}
