import Foundation

// SKELETON: helper A replaces this file.

/// Random access to a segment's bytes: a local file or an object store's ranged GET.
package protocol ByteSource: Sendable {
    /// A name for messages (a path or an object key).
    var name: String { get }
    /// Total size in bytes.
    func size() async throws -> UInt64
    /// Exactly `length` bytes from `offset`.
    func read(offset: UInt64, length: Int) async throws -> [UInt8]
}

/// A local file as a `ByteSource`.
package struct FileByteSource: ByteSource {
    package let url: URL
    package var name: String { url.path }
    package init(url: URL) { self.url = url }
    package func size() async throws -> UInt64 { fatalError("unimplemented") }
    package func read(offset: UInt64, length: Int) async throws -> [UInt8] { fatalError("unimplemented") }
}

/// Reads a segment through its index: the trailer, the index, then only the blocks asked for.
package struct SegmentReader: Sendable {
    package let source: any ByteSource
    package let index: SegmentIndex
    /// The segment file's total size.
    package let storedBytes: UInt64

    /// Opens a segment by reading its trailer and index.
    package static func open(_ source: any ByteSource) async throws -> SegmentReader { fatalError("unimplemented") }

    /// The raw bytes of block `i`, CRC-checked.
    package func readBlock(_ i: Int) async throws -> [UInt8] { fatalError("unimplemented") }

    /// Reads every block and checks every checksum, the raw SHA-256 and the record count.
    package func verify() async throws { fatalError("unimplemented") }
}
