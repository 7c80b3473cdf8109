import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An append-only temporary file for bytes that would otherwise wait in memory. It is unlinked as soon as it is
/// created, so the kernel removes it when the process ends, however it ends.
package final class SpillFile {
    private let fd: Int32
    private let path: String
    /// Bytes appended so far.
    private(set) var size: Int64 = 0

    /// Creates the file in `directory` (the system temporary directory by default) and unlinks it at once.
    /// - Throws: `DedupError.spill` when the file cannot be created.
    package init(directory: URL = FileManager.default.temporaryDirectory) throws {
        let url = directory.appendingPathComponent("msgarchive-spill-\(UUID().uuidString)")
        path = url.path
        // See: open(2); O_EXCL so a leftover of the same name is never shared.
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DedupError.spill(path: path, operation: "create", errno: errno) }
        unlink(path)
    }

    deinit {
        close(fd)
    }

    /// Appends `bytes` and returns the offset they start at.
    /// - Throws: `DedupError.spill` when the write fails (a full disk).
    package func append(_ bytes: [UInt8]) throws -> Int64 {
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
        return offset
    }

    /// The `count` bytes at `offset`, which an earlier `append` wrote.
    /// - Throws: `DedupError.spill` when they cannot be read back.
    package func read(at offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { buffer in
            var done = 0
            while done < buffer.count {
                // See: pread(2).
                let got = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw DedupError.spill(path: path, operation: "read", errno: errno)
                }
                guard got > 0 else { throw DedupError.spill(path: path, operation: "read", errno: EIO) }
                done += got
            }
        }
        return bytes
    }
}
