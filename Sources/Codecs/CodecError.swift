/// Everything that can go wrong while compressing or decompressing; the C library's code and message are kept.
package enum CodecError: Error, CustomStringConvertible, Equatable {
    /// The level is outside what the codec accepts.
    case invalidLevel(codec: Codec, level: Int)
    /// A zlib call returned an error code (`Z_DATA_ERROR`, `Z_MEM_ERROR`, ...).
    case zlib(function: String, code: Int32, name: String, message: String)
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
        case .zlib(let function, let code, let name, let message):
            "zlib '\(function)' failed with \(name) (\(code)): \(message); the compressed data is damaged or "
                + "not gzip."
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
