import FileIO
import Foundation

/// Random access to a segment's bytes: a local file or an object store's ranged GET.
package protocol ByteSource: Sendable {
    /// A name for messages (a path or an object key).
    var name: String { get }
    /// Total size in bytes.
    func size() async throws -> UInt64
    /// Exactly `length` bytes from `offset`.
    func read(offset: UInt64, length: Int) async throws -> [UInt8]
}

/// A local file as a `ByteSource`, read with `pread`.
package struct FileByteSource: ByteSource {
    /// The file.
    package let url: URL
    /// The file's path.
    package var name: String { url.path }

    /// A source reading the file at `url`.
    package init(url: URL) { self.url = url }

    /// The file's size from `fstat`.
    /// - Throws: `SegmentError.io` when the file cannot be opened or examined.
    package func size() async throws -> UInt64 {
        try withDescriptor { fd in
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw SegmentError.io(path: name, operation: "stat", errno: errno) }
            return UInt64(info.st_size)
        }
    }

    /// Exactly `length` bytes from `offset`.
    /// - Throws: `SegmentError.io` on a failed read, `.truncated` when the file ends first.
    package func read(offset: UInt64, length: Int) async throws -> [UInt8] {
        try withDescriptor { fd in
            try [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
                do {
                    count = try FileIO.readAll(fd, into: UnsafeMutableRawBufferPointer(buffer), at: offset)
                } catch let error as FileIO.Failure {
                    throw SegmentError.io(path: name, operation: error.operation, errno: error.errno)
                }
                if count < length {
                    var info = stat()
                    let size = fstat(fd, &info) == 0 ? UInt64(info.st_size) : offset + UInt64(count)
                    throw SegmentError.truncated(segment: name, offset: offset, needed: length, size: size)
                }
            }
        }
    }

    private func withDescriptor<T>(_ body: (Int32) throws -> T) throws -> T {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SegmentError.io(path: name, operation: "open", errno: errno) }
        defer { close(fd) }
        return try body(fd)
    }
}
