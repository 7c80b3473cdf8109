import CLZ4

/// Maps an LZ4 frame API result to a value or a `CodecError`; the one place LZ4 results are interpreted.
/// - Throws: `CodecError.lz4` with `LZ4F_getErrorName`'s text when the result is an error code.
private func check(_ result: Int, _ function: String) throws -> Int {
    // See: lz4frame.h, LZ4F_isError(): every size_t result is either a value or an error code.
    switch LZ4F_isError(result) {
    case 0:
        return result
    default:
        throw CodecError.lz4(function: function, name: String(cString: LZ4F_getErrorName(result)))
    }
}

/// Compresses whole blocks into LZ4 frames; owns one `LZ4F_cctx`, reused so its tables are allocated once.
final class LZ4Compressor {
    private let context: OpaquePointer
    private var preferences = LZ4F_preferences_t()

    /// A compressor at `level` (1-12; LZ4F switches to the HC compressor from 3).
    /// - Throws: `CodecError.lz4` when the context cannot be created.
    init(level: Int) throws {
        var context: OpaquePointer?
        // See: lz4frame.h, LZ4F_createCompressionContext().
        _ = try check(LZ4F_createCompressionContext(&context, UInt32(LZ4F_VERSION)), "LZ4F_createCompressionContext")
        guard let context else {
            throw CodecError.lz4(function: "LZ4F_createCompressionContext", name: "no context")
        }
        self.context = context
        preferences.compressionLevel = Int32(level)
        // Blocks are compressed whole, so flush each LZ4 block at once instead of buffering a copy.
        preferences.autoFlush = 1
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
    }

    deinit {
        // See: lz4frame.h, LZ4F_freeCompressionContext().
        LZ4F_freeCompressionContext(context)
    }

    /// One LZ4 frame holding `raw`, with its content size and content checksum.
    /// - Throws: `CodecError` if LZ4 fails.
    func compress(_ raw: UnsafeRawBufferPointer) throws -> [UInt8] {
        var preferences = self.preferences
        preferences.frameInfo.contentSize = UInt64(raw.count)
        // The smallest LZ4 block size that holds the block in one piece, as LZ4F_compressFrame() picks it.
        preferences.frameInfo.blockSizeID =
            switch raw.count {
            case ...(64 << 10): LZ4F_max64KB
            case ...(256 << 10): LZ4F_max256KB
            case ...(1 << 20): LZ4F_max1MB
            default: LZ4F_max4MB
            }
        // See: lz4frame.h, LZ4F_compressBound(): covers compressUpdate() plus compressEnd(), not the header.
        let bound =
            try check(LZ4F_compressBound(raw.count, &preferences), "LZ4F_compressBound")
            + Int(LZ4F_HEADER_SIZE_MAX)
        return try [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            let base = UnsafeMutableRawPointer(out.baseAddress!)
            // See: lz4frame.h, LZ4F_compressBegin(), LZ4F_compressUpdate(), LZ4F_compressEnd().
            var written = try check(
                LZ4F_compressBegin(context, base, out.count, &preferences), "LZ4F_compressBegin")
            if !raw.isEmpty {
                written += try check(
                    LZ4F_compressUpdate(
                        context, base + written, out.count - written, raw.baseAddress, raw.count, nil),
                    "LZ4F_compressUpdate")
            }
            written += try check(
                LZ4F_compressEnd(context, base + written, out.count - written, nil), "LZ4F_compressEnd")
            count = written
        }
    }
}

/// Decompresses LZ4 frames (and skips skippable frames); owns one `LZ4F_dctx`.
final class LZ4Decompressor {
    fileprivate let context: OpaquePointer
    /// LZ4F's hint of the bytes it still expects; 0 exactly when the last frame is complete.
    private(set) var expected = 0

    /// A decompressor for LZ4 frames.
    /// - Throws: `CodecError.lz4` when the context cannot be created.
    init() throws {
        var context: OpaquePointer?
        // See: lz4frame.h, LZ4F_createDecompressionContext().
        _ = try check(
            LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION)), "LZ4F_createDecompressionContext")
        guard let context else {
            throw CodecError.lz4(function: "LZ4F_createDecompressionContext", name: "no context")
        }
        self.context = context
    }

    deinit {
        // See: lz4frame.h, LZ4F_freeDecompressionContext().
        LZ4F_freeDecompressionContext(context)
    }

    /// The stream ended on a frame boundary.
    var atFrameEnd: Bool { expected == 0 }

    /// Decompresses `input` (any number of whole or partial frames) into `chunk`, handing each filled part to
    /// `sink`.
    /// - Throws: `CodecError.lz4` on damaged data, or what `sink` throws.
    func decompress(
        _ input: UnsafeRawBufferPointer, chunk: UnsafeMutableRawBufferPointer,
        _ sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        // An empty call would only report the header size it wants next, as if a frame had begun.
        guard !input.isEmpty else { return }
        var offset = 0
        repeat {
            var sourceSize = input.count - offset
            var produced = chunk.count
            // See: lz4frame.h, LZ4F_decompress(): returns 0 when a frame (or skippable frame) is complete and
            // stops exactly there; otherwise a hint of the bytes it expects next. Damage makes it unusable.
            let hint: Int
            do {
                hint = try check(
                    LZ4F_decompress(
                        context, chunk.baseAddress, &produced, input.baseAddress.map { $0 + offset }, &sourceSize,
                        nil),
                    "LZ4F_decompress")
            } catch {
                LZ4F_resetDecompressionContext(context)
                expected = 0
                throw error
            }
            offset += sourceSize
            expected = hint
            if produced > 0 {
                try sink(UnsafeRawBufferPointer(rebasing: chunk[..<produced]))
            }
            // Continue while input is left or the output chunk came back full mid-frame (more may be pending).
            if offset == input.count && (produced < chunk.count || hint == 0) { break }
        } while true
    }
}

extension LZ4Decompressor {
    /// Decompresses one frame from `input` straight into `output`; stops at the frame's end.
    /// - Returns: the bytes written, the bytes of `input` consumed, and whether the frame ended.
    /// - Throws: `CodecError.lz4` on damaged data.
    func decompressFrame(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws -> (produced: Int, consumed: Int, ended: Bool) {
        var produced = 0
        var consumed = 0
        while true {
            var sourceSize = input.count - consumed
            var room = output.count - produced
            // See: lz4frame.h, LZ4F_decompress().
            let hint = try check(
                LZ4F_decompress(
                    context, output.baseAddress.map { $0 + produced }, &room, input.baseAddress.map { $0 + consumed },
                    &sourceSize, nil),
                "LZ4F_decompress")
            produced += room
            consumed += sourceSize
            if hint == 0 { return (produced, consumed, true) }
            if (sourceSize == 0 && room == 0) || produced == output.count {
                return (produced, consumed, false)
            }
        }
    }
}
