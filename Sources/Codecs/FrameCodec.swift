/// A reusable compressor of blocks into standard frames for one codec and level.
///
/// `@unchecked Sendable` so a pool can hand one to a compression task: it holds a C context that is not safe to
/// use from two threads at once, and its owners (the segment writer gives each task in flight its own) never do.
package final class FrameCompressor: @unchecked Sendable {
    private enum Engine {
        case zlib(ZlibDeflater)
        case lz4(LZ4Compressor)
        case zstd(ZstdCompressor)
    }

    private let engine: Engine
    /// The codec frames are written in.
    package let codec: Codec

    /// A compressor for `codec` at `level`; `longWindowLog` (zstd only) turns on long-distance matching over a
    /// window of 2^`longWindowLog` bytes, which pays off only for blocks much larger than 1 MiB.
    /// - Throws: `CodecError.invalidLevel` when `level` is outside `codec.levels`, `.invalidWindow` for a window
    ///   log outside 10-27 or with another codec, or the C library's error.
    package init(codec: Codec, level: Int, longWindowLog: Int? = nil) throws {
        guard codec.levels.contains(level) else { throw CodecError.invalidLevel(codec: codec, level: level) }
        if let longWindowLog, codec != .zstd || !ZstdCompressor.windowLogs.contains(longWindowLog) {
            throw CodecError.invalidWindow(codec: codec, log: longWindowLog)
        }
        self.codec = codec
        switch codec {
        case .zlib: engine = .zlib(try ZlibDeflater(level: level))
        case .lz4: engine = .lz4(try LZ4Compressor(level: level))
        case .zstd: engine = .zstd(try ZstdCompressor(level: level, longWindowLog: longWindowLog))
        }
    }

    /// One frame (a gzip member, an LZ4 frame or a zstd frame) holding `raw`.
    /// - Throws: `CodecError` if the C library fails.
    package func compress(_ raw: UnsafeRawBufferPointer) throws -> [UInt8] {
        switch engine {
        case .zlib(let deflater): try deflater.compress(raw)
        case .lz4(let compressor): try compressor.compress(raw)
        case .zstd(let compressor): try compressor.compress(raw)
        }
    }

    /// One frame holding `raw`.
    /// - Throws: `CodecError` if the C library fails.
    package func compress(_ raw: [UInt8]) throws -> [UInt8] {
        try raw.withUnsafeBytes { try compress($0) }
    }
}

/// One-shot compression of a block into one standard frame (an LZ4 frame, a gzip member or a zstd frame).
package enum FrameCodec {
    /// The magic number that starts every LZ4 frame (little-endian 0x184D2204). See: lz4 Frame format, 2.1.
    static let lz4Magic: [UInt8] = [0x04, 0x22, 0x4D, 0x18]
    /// The magic number that starts every zstd frame (little-endian 0xFD2FB528). See: RFC 8878, 3.1.1.
    static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    /// Compresses `raw` into one frame of `codec` at `level`.
    /// - Throws: `CodecError.invalidLevel` for a level outside `codec.levels`, or the C library's error.
    package static func compress(_ raw: [UInt8], codec: Codec, level: Int) throws -> [UInt8] {
        try FrameCompressor(codec: codec, level: level).compress(raw)
    }

    /// Decompresses one frame that holds exactly `rawLength` bytes, checking its checksum.
    /// - Throws: `CodecError` when the frame is damaged, truncated, followed by other bytes, or of another length.
    package static func decompress(_ frame: [UInt8], codec: Codec, rawLength: Int) throws -> [UInt8] {
        try frame.withUnsafeBytes { try decompress($0, codec: codec, rawLength: rawLength) }
    }

    /// Decompresses one frame that holds exactly `rawLength` bytes, checking its checksum.
    /// - Throws: `CodecError` when the frame is damaged, truncated, followed by other bytes, or of another length.
    package static func decompress(
        _ frame: UnsafeRawBufferPointer, codec: Codec, rawLength: Int
    ) throws -> [UInt8] {
        if codec == .lz4 && !frame.starts(with: lz4Magic) {
            // LZ4F_decompress() would skip a skippable frame silently; a block must be a real frame.
            throw CodecError.lz4(function: "LZ4F_decompress", name: "ERROR_frameType_unknown")
        }
        if codec == .zstd && !frame.starts(with: zstdMagic) {
            // ZSTD_decompressStream() would skip a skippable frame silently too.
            throw CodecError.zstd(function: "ZSTD_decompressStream", name: "Unknown frame descriptor")
        }
        // One spare byte of room tells "exactly rawLength" from "more than rawLength".
        return try [UInt8](unsafeUninitializedCapacity: rawLength + 1) { out, count in
            let output = UnsafeMutableRawBufferPointer(out)
            let result =
                switch codec {
                case .zlib: try ZlibInflater().inflateMember(frame, into: output)
                case .lz4: try LZ4Decompressor().decompressFrame(frame, into: output)
                case .zstd: try ZstdDecompressor().decompressFrame(frame, into: output)
                }
            count = result.produced
            guard result.produced <= rawLength else {
                throw CodecError.lengthMismatch(codec: codec, expected: rawLength, found: result.produced)
            }
            guard result.ended else { throw CodecError.truncated(codec: codec) }
            guard result.consumed == frame.count else {
                throw CodecError.trailingData(codec: codec, count: frame.count - result.consumed)
            }
            guard result.produced == rawLength else {
                throw CodecError.lengthMismatch(codec: codec, expected: rawLength, found: result.produced)
            }
        }
    }
}
