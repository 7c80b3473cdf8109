import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sorted runs of id digests moved out of memory into an unlinked temporary file, so that dedup state for the
/// records already written stays exact while memory keeps only about 11 bits a record (DESIGN.md, "Dedup state
/// must stay small").
///
/// Each run keeps in memory a Bloom filter (10 bits a digest) and every 256th digest. A lookup probes the filter
/// and, on a "maybe", reads the one 4 KiB page of the run that can hold the digest, so a distinct id costs no
/// I/O 99% of the time and a redelivery costs one `pread`. The file is unlinked as soon as it is created, so the
/// kernel removes it when the process ends, however it ends.
package final class DigestSpill {
    /// One sorted run in the file.
    package struct Run: Sendable {
        /// Byte offset of the run's first digest.
        package let offset: Int64
        /// Number of digests in the run.
        package let count: Int
        let filter: BloomFilter
        /// Digests `0, 256, 512, ...` of the run: page `p` holds the digests from `fence[p]` up to `fence[p + 1]`.
        let fence: [IdDigest]
    }

    /// Digests a page holds: 4 KiB, one read.
    static let pageDigests = 256
    private let fd: Int32
    private let path: String
    private var size: Int64 = 0

    /// Creates the file in `directory` (the system temporary directory by default) and unlinks it at once.
    /// - Throws: `DedupError.spill` when the file cannot be created.
    package init(directory: URL = FileManager.default.temporaryDirectory) throws {
        let url = directory.appendingPathComponent("msgarchive-digests-\(UUID().uuidString)")
        path = url.path
        // See: open(2); O_EXCL so a leftover of the same name is never shared.
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DedupError.spill(path: path, operation: "create", errno: errno) }
        unlink(path)
    }

    deinit {
        close(fd)
    }

    /// Writes `sorted` (ascending, no repeats) as a new run.
    /// - Throws: `DedupError.spill` when the write fails (a full disk).
    package func append(sorted: [IdDigest]) throws -> Run {
        var bytes = [UInt8]()
        bytes.reserveCapacity(sorted.count * 16)
        var fence: [IdDigest] = []
        fence.reserveCapacity(sorted.count / Self.pageDigests + 1)
        for (i, d) in sorted.enumerated() {
            if i % Self.pageDigests == 0 { fence.append(d) }
            withUnsafeBytes(of: d.high.bigEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: d.low.bigEndian) { bytes.append(contentsOf: $0) }
        }
        let offset = size
        try bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                // See: pwrite(2); it may write fewer bytes than asked, so loop.
                let wrote = pwrite(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                if wrote < 0 {
                    if errno == EINTR { continue }
                    throw DedupError.spill(path: path, operation: "write", errno: errno)
                }
                done += wrote
            }
        }
        size += Int64(bytes.count)
        return Run(offset: offset, count: sorted.count, filter: BloomFilter(sorted), fence: fence)
    }

    /// Whether `d` is in `run`.
    /// - Throws: `DedupError.spill` when the page cannot be read back.
    package func contains(_ d: IdDigest, in run: Run) throws -> Bool {
        guard run.filter.mightContain(d) else { return false }
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
        var bytes = [UInt8](repeating: 0, count: count * 16)
        let start = off_t(run.offset) + off_t(first * 16)
        try bytes.withUnsafeMutableBytes { buffer in
            var done = 0
            while done < buffer.count {
                // See: pread(2).
                let got = pread(fd, buffer.baseAddress! + done, buffer.count - done, start + off_t(done))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw DedupError.spill(path: path, operation: "read", errno: errno)
                }
                guard got > 0 else { throw DedupError.spill(path: path, operation: "read", errno: EIO) }
                done += got
            }
        }
        return bytes.withUnsafeBytes { raw in
            (0..<count).contains { i in
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self)) == d.high
                    && UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self)) == d.low
            }
        }
    }
}
