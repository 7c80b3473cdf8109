/// Streaming decompression of a whole compressed log: many gzip members, or many LZ4 or zstd frames (skippable
/// ones included), fed in pieces of any size.
package final class StreamDecompressor {
    private enum Engine {
        case zlib(ZlibInflater)
        case lz4(LZ4Decompressor)
        case zstd(ZstdDecompressor)
    }

    private let engine: Engine
    private let codec: Codec
    /// Output is handed out in pieces of this buffer, reused between calls.
    private let chunk: UnsafeMutableRawBufferPointer

    /// A decompressor for a log in `codec`.
    /// - Throws: `CodecError` when the C library cannot allocate its state.
    package init(codec: Codec, chunkSize: Int = 256 << 10) throws {
        self.codec = codec
        switch codec {
        case .zlib: engine = .zlib(try ZlibInflater())
        case .lz4: engine = .lz4(try LZ4Decompressor())
        case .zstd: engine = .zstd(try ZstdDecompressor())
        }
        chunk = .allocate(byteCount: max(chunkSize, 4096), alignment: 16)
    }

    deinit {
        chunk.deallocate()
    }

    /// Feeds compressed bytes; `sink` receives decompressed bytes as they come (valid only during the call).
    /// - Throws: `CodecError` when the data is damaged, or what `sink` throws.
    package func decompress(
        _ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        switch engine {
        case .zlib(let inflater): try inflater.inflate(input, chunk: chunk, sink)
        case .lz4(let decompressor): try decompressor.decompress(input, chunk: chunk, sink)
        case .zstd(let decompressor): try decompressor.decompress(input, chunk: chunk, sink)
        }
    }

    /// Checks the stream ended on a frame boundary (an empty stream counts as ended).
    /// - Throws: `CodecError.truncated` when the last frame or member is incomplete.
    package func finish() throws {
        let ended =
            switch engine {
            case .zlib(let inflater): inflater.atMemberEnd
            case .lz4(let decompressor): decompressor.atFrameEnd
            case .zstd(let decompressor): decompressor.atFrameEnd
            }
        guard ended else { throw CodecError.truncated(codec: codec) }
    }
}
