import FileIO
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
    private var size: Int64 = 0

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
        do {
            try bytes.withUnsafeBytes { buffer in
                try FileIO.writeAll(fd, buffer, at: UInt64(offset))
            }
        } catch let error as FileIO.Failure {
            throw DedupError.spill(path: path, operation: error.operation, errno: error.errno)
        }
        size += Int64(bytes.count)
        return offset
    }

    /// The `count` bytes at `offset`, which an earlier `append` wrote.
    /// - Throws: `DedupError.spill` when they cannot be read back.
    package func read(at offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got: Int
        do {
            got = try bytes.withUnsafeMutableBytes { buffer in
                try FileIO.readAll(fd, into: buffer, at: UInt64(offset))
            }
        } catch let error as FileIO.Failure {
            throw DedupError.spill(path: path, operation: error.operation, errno: error.errno)
        }
        guard got == count else { throw DedupError.spill(path: path, operation: "read", errno: EIO) }
        return bytes
    }
}
