import CZstd

/// Maps a zstd result to a value or a `CodecError`; the one place zstd results are interpreted.
/// - Throws: `CodecError.zstd` with `ZSTD_getErrorName`'s text when the result is an error code.
@discardableResult
private func check(_ result: Int, _ function: String) throws -> Int {
    // See: zstd manual, ZSTD_isError(): every size_t result is either a value or an error code.
    switch ZSTD_isError(result) {
    case 0:
        return result
    default:
        throw CodecError.zstd(function: function, name: String(cString: ZSTD_getErrorName(result)))
    }
}

/// Compresses whole blocks into zstd frames; owns one `ZSTD_CCtx`, reused so its tables are allocated once.
final class ZstdCompressor {
    /// Window logs the long-distance option accepts: up to 2^27 bytes, the most `zstd -dc` decodes without
    /// `--long`. See: zstd manual, ZSTD_c_windowLog and ZSTD_d_windowLogMax.
    static let windowLogs: ClosedRange<Int> = 10...27

    private let context: OpaquePointer

    /// A compressor at `level` (1-19) writing frames with their content size and content checksum; with
    /// `longWindowLog`, long-distance matching over a window of 2^`longWindowLog` bytes.
    /// - Throws: `CodecError.zstd` when the context cannot be created or a parameter is refused.
    init(level: Int, longWindowLog: Int? = nil) throws {
        // See: zstd manual, ZSTD_createCCtx().
        guard let context = ZSTD_createCCtx() else {
            throw CodecError.zstd(function: "ZSTD_createCCtx", name: "out of memory")
        }
        self.context = context
        // Fully initialised from here on, so a throw below still runs deinit and frees the context.
        // See: zstd manual, ZSTD_CCtx_setParameter(); parameters stick across frames (reset session only).
        try setParameter(ZSTD_c_compressionLevel, level)
        try setParameter(ZSTD_c_checksumFlag, 1)
        try setParameter(ZSTD_c_contentSizeFlag, 1)
        if let longWindowLog {
            try setParameter(ZSTD_c_enableLongDistanceMatching, 1)
            try setParameter(ZSTD_c_windowLog, longWindowLog)
        }
    }

    deinit {
        // See: zstd manual, ZSTD_freeCCtx().
        ZSTD_freeCCtx(context)
    }

    private func setParameter(_ parameter: ZSTD_cParameter, _ value: Int) throws {
        try check(ZSTD_CCtx_setParameter(context, parameter, Int32(value)), "ZSTD_CCtx_setParameter")
    }

    /// One zstd frame holding `raw`, with its content size and content checksum (XXH64).
    /// - Throws: `CodecError.zstd` if zstd fails.
    func compress(_ raw: UnsafeRawBufferPointer) throws -> [UInt8] {
        // See: zstd manual, ZSTD_CCtx_reset(): a new frame, same parameters.
        try check(ZSTD_CCtx_reset(context, ZSTD_reset_session_only), "ZSTD_CCtx_reset")
        // See: zstd manual, ZSTD_compressBound(): an error code when the input is too large.
        let bound = try check(ZSTD_compressBound(raw.count), "ZSTD_compressBound")
        return try [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            // One call with a bound-sized output writes the whole frame; the content size is the input's.
            // See: zstd manual, ZSTD_compress2().
            count = try check(
                ZSTD_compress2(context, out.baseAddress, out.count, raw.baseAddress, raw.count), "ZSTD_compress2")
        }
    }

    /// Compresses a stream fed in pieces into one frame; `sink` receives compressed bytes as they come (valid only
    /// during the call). Call with `end: true` once, last, to finish the frame (its content size is not known).
    /// - Throws: `CodecError.zstd` if zstd fails, or what `sink` throws.
    func compressStream(
        _ input: UnsafeRawBufferPointer, end: Bool, chunk: UnsafeMutableRawBufferPointer,
        _ sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
            var target = ZSTD_outBuffer(dst: chunk.baseAddress, size: chunk.count, pos: 0)
            // See: zstd manual, ZSTD_compressStream2(): with ZSTD_e_end it returns 0 once the frame is complete;
            // with ZSTD_e_continue it consumes what it can and may buffer.
            let remaining = try check(
                ZSTD_compressStream2(context, &target, &source, end ? ZSTD_e_end : ZSTD_e_continue),
                "ZSTD_compressStream2")
            if target.pos > 0 {
                try sink(UnsafeRawBufferPointer(rebasing: chunk[..<target.pos]))
            }
            let done = end ? remaining == 0 : source.pos == source.size && target.pos < target.size
            if done { return }
        }
    }
}

/// Decompresses zstd frames (and skips skippable frames); owns one `ZSTD_DCtx`.
final class ZstdDecompressor {
    private let context: OpaquePointer
    /// The stream ended on a frame boundary (no frame is begun and unfinished).
    private(set) var atFrameEnd = true

    /// A decompressor for zstd frames with windows up to 2^27 bytes (zstd's default limit).
    /// - Throws: `CodecError.zstd` when the context cannot be created.
    init() throws {
        // See: zstd manual, ZSTD_createDCtx().
        guard let context = ZSTD_createDCtx() else {
            throw CodecError.zstd(function: "ZSTD_createDCtx", name: "out of memory")
        }
        self.context = context
    }

    deinit {
        // See: zstd manual, ZSTD_freeDCtx().
        ZSTD_freeDCtx(context)
    }

    /// Decompresses `input` (any number of whole or partial frames) into `chunk`, handing each filled part to
    /// `sink`.
    /// - Throws: `CodecError.zstd` on damaged data, or what `sink` throws.
    func decompress(
        _ input: UnsafeRawBufferPointer, chunk: UnsafeMutableRawBufferPointer,
        _ sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard !input.isEmpty else { return }
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
            var target = ZSTD_outBuffer(dst: chunk.baseAddress, size: chunk.count, pos: 0)
            // See: zstd manual, ZSTD_decompressStream(): 0 when a frame is decoded and flushed (the next call
            // starts the next frame), otherwise a hint of the input it wants. Damage leaves the context unusable.
            let hint: Int
            do {
                hint = try check(ZSTD_decompressStream(context, &target, &source), "ZSTD_decompressStream")
            } catch {
                _ = try? check(ZSTD_DCtx_reset(context, ZSTD_reset_session_only), "ZSTD_DCtx_reset")
                atFrameEnd = true
                throw error
            }
            atFrameEnd = hint == 0
            if target.pos > 0 {
                try sink(UnsafeRawBufferPointer(rebasing: chunk[..<target.pos]))
            }
            // Continue while input is left or the output chunk came back full mid-frame (more may be pending).
            if source.pos == source.size && (target.pos < target.size || hint == 0) { return }
        }
    }

    /// Decompresses one frame from `input` straight into `output`; stops at the frame's end.
    /// - Returns: the bytes written, the bytes of `input` consumed, and whether the frame ended.
    /// - Throws: `CodecError.zstd` on damaged data (the content checksum is checked at the frame's end).
    func decompressFrame(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws -> (produced: Int, consumed: Int, ended: Bool) {
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var target = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        while true {
            let before = (source.pos, target.pos)
            // See: zstd manual, ZSTD_decompressStream(); it returns 0 at the end of the first frame and stops there.
            let hint = try check(ZSTD_decompressStream(context, &target, &source), "ZSTD_decompressStream")
            if hint == 0 { return (target.pos, source.pos, true) }
            if source.pos == source.size || target.pos == target.size || before == (source.pos, target.pos) {
                return (target.pos, source.pos, false)
            }
        }
    }
}
