// SKELETON: helper A replaces this file with the real implementation.
/// One-shot compression of a block into one standard frame (an LZ4 frame or a gzip member).
package enum FrameCodec {
    /// Compresses `raw` into one frame of `codec` at `level`.
    package static func compress(_ raw: [UInt8], codec: Codec, level: Int) throws -> [UInt8] { fatalError("unimplemented") }
    /// Decompresses one frame that holds exactly `rawLength` bytes.
    package static func decompress(_ frame: [UInt8], codec: Codec, rawLength: Int) throws -> [UInt8] { fatalError("unimplemented") }
}

/// Streaming decompression of a whole compressed log (many gzip members or LZ4 frames).
package final class StreamDecompressor {
    package init(codec: Codec) throws { fatalError("unimplemented") }
    /// Feeds compressed bytes; `sink` receives decompressed bytes as they come.
    package func decompress(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws { fatalError("unimplemented") }
    /// Checks the stream ended on a frame boundary.
    package func finish() throws { fatalError("unimplemented") }
}

/// CRC-32 (ISO-HDLC, as gzip and zlib compute it).
package enum CRC32 {
    package static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 { fatalError("unimplemented") }
}
