/// Everything that can go wrong while compressing or decompressing; the C library's code and message are kept.
package enum CodecError: Error, CustomStringConvertible, Equatable {
    /// The level is outside what the codec accepts.
    case invalidLevel(codec: Codec, level: Int)
    /// zlib could not allocate its state (`Z_MEM_ERROR`): the machine is short of memory, the data is fine.
    case zlibOutOfMemory(function: String)
    /// zlib refused its parameters or found its stream inconsistent (`Z_STREAM_ERROR`): a bug in msgarchive.
    case zlibStreamError(function: String, message: String)
    /// The zlib loaded at run time is incompatible with the one msgarchive was built with (`Z_VERSION_ERROR`).
    case zlibVersionMismatch(function: String, loaded: String, builtWith: String)
    /// The compressed data is damaged or not gzip (`Z_DATA_ERROR`); `message` is zlib's.
    case zlibDataError(function: String, message: String)
    /// The stream asks for a preset dictionary (`Z_NEED_DICT`), which gzip members never do.
    case zlibNeedsDictionary(function: String)
    /// zlib made no progress (`Z_BUF_ERROR`) where msgarchive had given it all the room it needs.
    case zlibNoProgress(function: String, detail: String)
    /// zlib reported a system error (`Z_ERRNO`).
    case zlibSystemError(function: String, errno: Int32)
    /// zlib returned a code this version of msgarchive does not know.
    case zlibUnknownCode(function: String, code: Int32, message: String)
    /// An LZ4 frame API call returned an error code; `name` is `LZ4F_getErrorName`'s text.
    case lz4(function: String, name: String)
    /// A zstd call returned an error code; `name` is `ZSTD_getErrorName`'s text.
    case zstd(function: String, name: String)
    /// The long-distance window is outside what the codec accepts (zstd only, 2^10 to 2^27 bytes).
    case invalidWindow(codec: Codec, log: Int)
    /// The input ended inside a frame (a truncated `.gz`, `.lz4` or `.zst` file).
    case truncated(codec: Codec)
    /// A frame decoded to a different number of bytes than expected.
    case lengthMismatch(codec: Codec, expected: Int, found: Int)
    /// Bytes follow the one frame that was expected.
    case trailingData(codec: Codec, count: Int)
    /// The input is too large for one call of the C library.
    case inputTooLarge(codec: Codec, count: Int)

    /// The error as a full sentence that says how to fix it where that is known.
    package var description: String {
        switch self {
        case .invalidLevel(let codec, let level):
            "Compression level \(level) is not valid for codec '\(codec.rawValue)'; use a level in "
                + "\(codec.levels.lowerBound)...\(codec.levels.upperBound)."
        case .zlibOutOfMemory(let function):
            "zlib '\(function)' ran out of memory (Z_MEM_ERROR); the data is not at fault: free memory on this "
                + "machine or run fewer jobs beside msgarchive, then run it again."
        case .zlibStreamError(let function, let message):
            "zlib '\(function)' refused its parameters or stream state (Z_STREAM_ERROR: \(message)); the data is not "
                + "at fault: this is a bug in msgarchive, please report it with the command that failed."
        case .zlibVersionMismatch(let function, let loaded, let builtWith):
            "zlib '\(function)' failed with Z_VERSION_ERROR: the zlib loaded (\(loaded)) does not match the one "
                + "msgarchive was built with (\(builtWith)); install a matching zlib (Debian 'zlib1g') or rebuild "
                + "msgarchive."
        case .zlibDataError(let function, let message):
            "zlib '\(function)' found the data damaged (Z_DATA_ERROR: \(message)); the file is damaged or not "
                + "gzip: restore it from its source or the object store."
        case .zlibNeedsDictionary(let function):
            "zlib '\(function)' asks for a preset dictionary (Z_NEED_DICT), which gzip files never use; the data "
                + "is damaged or not gzip: restore it from its source or the object store."
        case .zlibNoProgress(let function, let detail):
            "zlib '\(function)' made no progress (Z_BUF_ERROR: \(detail)); this is a bug in msgarchive: please "
                + "report it with the command that failed."
        case .zlibSystemError(let function, let errno):
            "zlib '\(function)' failed with a system error (Z_ERRNO, errno \(errno)); check the disk and the "
                + "file's permissions, then run again."
        case .zlibUnknownCode(let function, let code, let message):
            "zlib '\(function)' returned code \(code), which msgarchive does not know (\(message)); check that "
                + "the installed zlib is a release msgarchive supports."
        case .lz4(let function, let name):
            "LZ4 '\(function)' failed with '\(name)'; the compressed data is damaged or not in the LZ4 frame format."
        case .zstd(let function, let name):
            "zstd '\(function)' failed with '\(name)'; the compressed data is damaged or not in the Zstandard "
                + "frame format."
        case .invalidWindow(let codec, let log):
            codec == .zstd
                ? "A long-distance window of 2^\(log) bytes is not valid for codec 'zstd'; use a window log in "
                    + "\(ZstdCompressor.windowLogs.lowerBound)...\(ZstdCompressor.windowLogs.upperBound)."
                : "Codec '\(codec.rawValue)' has no long-distance window; use codec 'zstd' or leave the window out."
        case .truncated(let codec):
            "The '\(codec.rawValue)' stream ends in the middle of a frame; the file is truncated: "
                + "copy it again from its source."
        case .lengthMismatch(let codec, let expected, let found):
            "A '\(codec.rawValue)' frame holds \(found) bytes where \(expected) were expected; the data is damaged."
        case .trailingData(let codec, let count):
            "\(count) bytes follow the '\(codec.rawValue)' frame where none were expected; the data is damaged."
        case .inputTooLarge(let codec, let count):
            "A block of \(count) bytes is too large for one '\(codec.rawValue)' frame; use blocks under 4 GiB."
        }
    }
}
