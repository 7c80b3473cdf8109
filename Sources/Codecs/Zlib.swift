import CSystemZlib

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// zlib's `windowBits` for a gzip wrapper (RFC 1952) with the largest window: 15 + 16.
/// See: zlib manual, deflateInit2() and inflateInit2().
let gzipWindowBits: Int32 = 15 + 16

/// Maps every zlib return code to success or a `CodecError`; the one place zlib codes are interpreted.
/// - Throws: the `CodecError` case of each error code; `Z_BUF_ERROR` is the caller's to judge, so it is returned.
private func check(_ code: Int32, _ function: String, _ stream: UnsafeMutablePointer<z_stream>) throws -> Int32 {
    switch code {
    case Z_OK, Z_STREAM_END, Z_BUF_ERROR:
        // Z_BUF_ERROR only means "no progress was possible"; see: zlib manual, deflate() and inflate().
        return code
    default:
        let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib gave no detail"
        throw CodecError(zlibCode: code, function: function, message: message)
    }
}

extension CodecError {
    /// The error for a zlib error code (not `Z_OK`, `Z_STREAM_END` or `Z_BUF_ERROR`), each code its own case.
    /// See: zlib manual, "Constants".
    init(zlibCode code: Int32, function: String, message: String) {
        switch code {
        case Z_MEM_ERROR: self = .zlibOutOfMemory(function: function)
        case Z_STREAM_ERROR: self = .zlibStreamError(function: function, message: message)
        case Z_VERSION_ERROR:
            // See: zlib manual, zlibVersion(): the library loaded at run time, against the header built with.
            self = .zlibVersionMismatch(
                function: function, loaded: String(cString: zlibVersion()), builtWith: ZLIB_VERSION)
        case Z_DATA_ERROR: self = .zlibDataError(function: function, message: message)
        case Z_NEED_DICT: self = .zlibNeedsDictionary(function: function)
        case Z_BUF_ERROR: self = .zlibNoProgress(function: function, detail: message)
        case Z_ERRNO: self = .zlibSystemError(function: function, errno: errno)
        default: self = .zlibUnknownCode(function: function, code: code, message: message)
        }
    }
}

/// Compresses whole blocks into gzip members; owns one `z_stream`, reset between blocks so its ~256 KiB of
/// state is allocated once.
final class ZlibDeflater {
    private let stream: UnsafeMutablePointer<z_stream>

    /// A deflater at `level` (1-9) writing gzip members.
    /// - Throws: `CodecError.zlibOutOfMemory` when zlib cannot allocate its state, `.zlibStreamError` for a level
    ///   zlib refuses.
    init(level: Int) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Every stored property is set, so when this throws Swift runs deinit, which frees the stream: no other
        // place may free it. See: zlib manual, deflateInit2(); memLevel 8 and the default strategy are gzip(1)'s.
        _ = try check(
            czlib_deflateInit2(stream, Int32(clamping: level), Z_DEFLATED, gzipWindowBits, 8, Z_DEFAULT_STRATEGY),
            "deflateInit2", stream)
    }

    deinit {
        // See: zlib manual, deflateEnd(): it returns Z_STREAM_ERROR and frees nothing for a stream whose init
        // failed, and otherwise only reports data discarded, which is fine here.
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// One gzip member holding `raw`.
    /// - Throws: `CodecError` if zlib fails.
    func compress(_ raw: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard raw.count < Int(UInt32.max) else { throw CodecError.inputTooLarge(codec: .zlib, count: raw.count) }
        // See: zlib manual, deflateReset(): keeps the allocated state, starts a new member.
        _ = try check(deflateReset(stream), "deflateReset", stream)
        // deflateBound() includes the gzip header and trailer for this stream's wrapper.
        // See: zlib manual, deflateBound().
        let bound = Int(deflateBound(stream, uLong(raw.count)))
        return try [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: raw.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(raw.count)
            stream.pointee.next_out = out.baseAddress
            stream.pointee.avail_out = uInt(out.count)
            // With a bound-sized output, one Z_FINISH call completes the member. See: zlib manual, deflate().
            let code = try check(deflate(stream, Z_FINISH), "deflate", stream)
            stream.pointee.next_in = nil
            guard code == Z_STREAM_END else {
                throw CodecError.zlibNoProgress(function: "deflate", detail: "the output bound was too small")
            }
            count = out.count - Int(stream.pointee.avail_out)
            // XFL and OS carry no data; fix them so a segment's bytes do not depend on level or platform and a
            // reader can check every header byte (RFC 1952 2.3.1: XFL 0, OS 255 "unknown").
            out[8] = 0
            out[9] = 255
        }
    }
}

/// Decompresses gzip members; owns one `z_stream`.
final class ZlibInflater {
    fileprivate let stream: UnsafeMutablePointer<z_stream>
    /// The current member has ended and the next input starts a new one.
    private(set) var atMemberEnd = true
    /// Some input was given since the last member ended.
    private var started = false

    /// An inflater for gzip members; `windowBits` is zlib's, gzip-only with the largest window by default.
    /// - Throws: `CodecError.zlibOutOfMemory` when zlib cannot allocate its state, `.zlibStreamError` for a
    ///   `windowBits` zlib refuses.
    init(windowBits: Int32 = gzipWindowBits) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // As in ZlibDeflater.init, deinit alone frees the stream, also when this throws.
        // See: zlib manual, inflateInit2(); 15 + 16 accepts only the gzip wrapper.
        _ = try check(czlib_inflateInit2(stream, windowBits), "inflateInit2", stream)
    }

    deinit {
        // See: zlib manual, inflateEnd(): Z_STREAM_ERROR, freeing nothing, for a stream whose init failed.
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates `input` (any number of whole or partial members) into `chunk`, handing each filled part to `sink`.
    /// - Throws: `CodecError.zlibDataError` on damaged data, or what `sink` throws.
    func inflate(
        _ input: UnsafeRawBufferPointer, chunk: UnsafeMutableRawBufferPointer,
        _ sink: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var rest = input
        while !rest.isEmpty {
            if atMemberEnd && started {
                // Another member follows (concatenated gzip files are one gzip file, RFC 1952 2.2).
                // See: zlib manual, inflateReset().
                _ = try check(inflateReset(stream), "inflateReset", stream)
            }
            atMemberEnd = false
            started = true
            let piece = min(rest.count, Int(UInt32.max >> 1))
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: rest.baseAddress!.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(piece)
            var code: Int32
            repeat {
                stream.pointee.next_out = chunk.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(chunk.count)
                // See: zlib manual, inflate(): Z_STREAM_END at a member's end, Z_BUF_ERROR when input ran out.
                code = try check(CSystemZlib.inflate(stream, Z_NO_FLUSH), "inflate", stream)
                let produced = chunk.count - Int(stream.pointee.avail_out)
                if produced > 0 {
                    try sink(UnsafeRawBufferPointer(rebasing: chunk[..<produced]))
                }
            } while code == Z_OK && (stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0)
            let consumed = piece - Int(stream.pointee.avail_in)
            stream.pointee.next_in = nil
            rest = UnsafeRawBufferPointer(rebasing: rest[consumed...])
            if code == Z_STREAM_END {
                atMemberEnd = true
            } else if consumed == 0 && !rest.isEmpty {
                // No progress with input left cannot happen with a non-empty output buffer; guard the loop anyway.
                throw CodecError.zlibNoProgress(function: "inflate", detail: "input was left with room for output")
            }
        }
    }
}

extension ZlibInflater {
    /// Inflates one member from `input` straight into `output`; stops at the member's end.
    /// - Returns: the bytes written, the bytes of `input` consumed, and whether the member ended.
    /// - Throws: `CodecError.zlibDataError` on damaged data.
    func inflateMember(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws -> (produced: Int, consumed: Int, ended: Bool) {
        guard input.count < Int(UInt32.max), output.count < Int(UInt32.max) else {
            throw CodecError.inputTooLarge(codec: .zlib, count: max(input.count, output.count))
        }
        stream.pointee.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        defer { stream.pointee.next_in = nil }
        // See: zlib manual, inflate(): Z_FINISH with room for all output ends in Z_STREAM_END or Z_BUF_ERROR.
        let code = try check(CSystemZlib.inflate(stream, Z_FINISH), "inflate", stream)
        return (
            output.count - Int(stream.pointee.avail_out), input.count - Int(stream.pointee.avail_in),
            code == Z_STREAM_END
        )
    }
}
