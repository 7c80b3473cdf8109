import Codecs
import Crypto
import FileIO
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A log's content as its lines are, decompressed: what tells one log from another whatever its path or codec.
///
/// A log is known by a SHA-256 of its first `fingerprintWindow` decompressed bytes (fewer while it is shorter),
/// and an append is told from a rewrite by `sample`, a SHA-256 of the first and the last 64 KiB of what was read.
package enum LogContent {
    /// Decompressed bytes a fingerprint covers: past any common first line (a Mattermost export's
    /// `{"type":"version",...}`, a writer's banner) and about 16 short chat messages, yet one read of a
    /// compressed block.
    package static let fingerprintWindow = 4096
    /// Bytes at each end of the read part that `sample` covers.
    static let sampleWindow: Int64 = 64 << 10

    /// The first `count` decompressed bytes of `url` (all of them when it is shorter).
    /// - Throws: `IngestError` when the file cannot be read or a compressed log is damaged or cut short before
    ///   `count` bytes.
    package static func head(of url: URL, count: Int = fingerprintWindow) throws -> [UInt8] {
        var head: [UInt8] = []
        head.reserveCapacity(count)
        // Small reads: a compressed log's first 16 KiB hold far more than 4 KiB of text.
        try stream(url, readSize: 16 << 10) { chunk in
            head.append(contentsOf: chunk.prefix(count - head.count))
            return head.count < count
        }
        return head
    }

    /// Hex SHA-256 of `head`'s first `length` bytes: a log's fingerprint.
    package static func fingerprint(_ head: [UInt8], length: Int) -> String {
        hex(SHA256.hash(data: head[0..<min(length, head.count)]))
    }

    /// The sample of `url`'s decompressed content up to `end` (nil when the content is shorter) and the length
    /// of the whole content. A plain log is read only around `end`; a compressed one is decompressed whole.
    /// - Throws: `IngestError` when the file cannot be read or a compressed log is damaged or truncated.
    package static func sample(of url: URL, upTo end: Int64) throws -> (sample: String?, length: Int64) {
        guard Codec(fileName: url.lastPathComponent) != nil else {
            let length = try fileSize(url)
            guard length >= end else { return (nil, length) }
            let fd = try openFile(url)
            defer { close(fd) }
            var hasher = SHA256()
            var buffer = [UInt8](unsafeUninitializedCapacity: Int(sampleWindow)) { _, initialized in
                initialized = Int(sampleWindow)
            }
            for range in sampleRanges(end) {
                let count = try buffer.withUnsafeMutableBytes { buffer in
                    try reading(url) {
                        try FileIO.readAll(
                            fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<Int(range.count)]),
                            at: UInt64(range.lowerBound))
                    }
                }
                buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            }
            return (hex(hasher.finalize()), length)
        }
        var hasher = SHA256()
        let ranges = sampleRanges(end)
        var offset: Int64 = 0
        try stream(url) { chunk in
            let chunkRange = offset..<(offset + Int64(chunk.count))
            for range in ranges {
                let overlap = range.clamped(to: chunkRange)
                guard !overlap.isEmpty else { continue }
                hasher.update(
                    bufferPointer: UnsafeRawBufferPointer(
                        rebasing: chunk[Int(overlap.lowerBound - offset)..<Int(overlap.upperBound - offset)]))
            }
            offset = chunkRange.upperBound
            return true
        }
        return (offset >= end ? hex(hasher.finalize()) : nil, offset)
    }

    /// The parts of `[0, end)` a sample hashes: the first 64 KiB and the 64 KiB before `end`, not overlapping.
    private static func sampleRanges(_ end: Int64) -> [Range<Int64>] {
        let first = 0..<min(sampleWindow, end)
        guard end > sampleWindow else { return [first] }
        return [first, max(sampleWindow, end - sampleWindow)..<end]
    }

    private struct Stop: Error {}

    /// Hands the decompressed content of `url` to `sink` in order until it returns false or the content ends.
    /// Reads with `read(2)` into one buffer: `FileHandle` read a page at a time into new `Data`, a tenth of a run
    /// over 5,000 small logs.
    private static func stream(
        _ url: URL, readSize: Int = LineReader.compressedReadSize, _ sink: (UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let fd = try openFile(url)
        defer { close(fd) }
        let decompressor = try Codec(fileName: url.lastPathComponent).map { try StreamDecompressor(codec: $0) }
        var buffer = [UInt8](unsafeUninitializedCapacity: readSize) { _, initialized in initialized = readSize }
        do {
            while true {
                let count = try buffer.withUnsafeMutableBytes { buffer in
                    try reading(url) { try FileIO.readSome(fd, into: buffer) }
                }
                if count == 0 { break }
                try buffer.withUnsafeBytes { buffer in
                    let input = UnsafeRawBufferPointer(rebasing: buffer[..<count])
                    guard let decompressor else {
                        if try !sink(input) { throw Stop() }
                        return
                    }
                    do {
                        try decompressor.decompress(input) { if try !sink($0) { throw Stop() } }
                    } catch let error as CodecError {
                        throw IngestError.corrupt(path: url.path, cause: error)
                    }
                }
            }
            do {
                try decompressor?.finish()
            } catch {
                throw IngestError.truncated(path: url.path, cause: error)
            }
        } catch is Stop {
            return
        }
    }

    private static func openFile(_ url: URL) throws -> Int32 {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT
                ? IngestError.fileNotFound(path: url.path) : IngestError.unreadable(path: url.path, errno: code)
        }
        return fd
    }

    /// `transfer()`, its `FileIO.Failure` turned into `IngestError.unreadable` of `url`.
    private static func reading(_ url: URL, _ transfer: () throws -> Int) throws -> Int {
        do {
            return try transfer()
        } catch let error as FileIO.Failure {
            throw IngestError.unreadable(path: url.path, errno: error.errno)
        }
    }

    private static func fileSize(_ url: URL) throws -> Int64 {
        do {
            return Int64(try FileIO.size(url.path))
        } catch {
            throw error.errno == ENOENT
                ? IngestError.fileNotFound(path: url.path) : IngestError.unreadable(path: url.path, errno: error.errno)
        }
    }

    /// Lower-case hex. Not `String(format:)`: planning 20,000 logs spent a third of its time formatting digests.
    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }
}
