/// Streaming compression of a whole log into one zstd frame, fed in pieces of any size (as `zstd -c` writes it);
/// the codec where long-distance matching over a large window pays off.
package final class StreamCompressor {
    private let compressor: ZstdCompressor
    /// Output is handed out in pieces of this buffer, reused between calls.
    private let chunk: UnsafeMutableRawBufferPointer
    private var finished = false

    /// A zstd stream compressor at `level` (1-19), with long-distance matching over 2^`longWindowLog` bytes if set.
    /// - Throws: `CodecError.invalidLevel` or `.invalidWindow` for values out of range, or zstd's error.
    package init(level: Int, longWindowLog: Int? = nil, chunkSize: Int = 256 << 10) throws {
        guard Codec.zstd.levels.contains(level) else { throw CodecError.invalidLevel(codec: .zstd, level: level) }
        if let longWindowLog, !ZstdCompressor.windowLogs.contains(longWindowLog) {
            throw CodecError.invalidWindow(codec: .zstd, log: longWindowLog)
        }
        compressor = try ZstdCompressor(level: level, longWindowLog: longWindowLog)
        chunk = .allocate(byteCount: max(chunkSize, 4096), alignment: 16)
    }

    deinit {
        chunk.deallocate()
    }

    /// Feeds raw bytes; `sink` receives compressed bytes as they come (valid only during the call).
    /// - Throws: `CodecError` if zstd fails, or what `sink` throws.
    package func compress(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        precondition(!finished, "compress after finish")
        try compressor.compressStream(input, end: false, chunk: chunk, sink)
    }

    /// Ends the frame (its content checksum included); `sink` receives the last compressed bytes.
    /// - Throws: `CodecError` if zstd fails, or what `sink` throws.
    package func finish(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        precondition(!finished, "finish called twice")
        finished = true
        try compressor.compressStream(UnsafeRawBufferPointer(start: nil, count: 0), end: true, chunk: chunk, sink)
    }
}
