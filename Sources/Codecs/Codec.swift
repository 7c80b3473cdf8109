/// The compression codecs msgarchive writes segments with and reads logs in.
package enum Codec: String, Sendable, Codable, CaseIterable {
    /// LZ4 frame format (lz4 -dc reads it); levels 1-12, HC from 3.
    case lz4
    /// gzip members, RFC 1952 (gzip -dc reads them); levels 1-9.
    case zlib
    /// Zstandard frames, RFC 8878 (zstd -dc reads them); levels 1-19. The ultra levels 20-22 are refused: they
    /// differ from 19 mainly by windows of 32-128 MiB, which a block of a few MiB cannot use, at several times
    /// the memory and time.
    case zstd

    /// The file-name ending of a segment written with this codec.
    package var segmentExtension: String {
        switch self {
        case .lz4: "jsonl.lz4"
        case .zlib: "jsonl.gz"
        case .zstd: "jsonl.zst"
        }
    }

    /// The stock CLI that reads this codec's files (`lz4 -dc`, `gzip -dc`, `zstd -dc`), as tests and docs name it.
    package var stockTool: String {
        switch self {
        case .lz4: "lz4"
        case .zlib: "gzip"
        case .zstd: "zstd"
        }
    }

    /// The levels the codec accepts.
    package var levels: ClosedRange<Int> {
        switch self {
        case .lz4: 1...12
        case .zlib: 1...9
        case .zstd: 1...19
        }
    }

    /// The level used when none is given.
    package var defaultLevel: Int {
        switch self {
        case .lz4: 1
        case .zlib: 9
        case .zstd: 3
        }
    }

    /// The codec a log or segment file name implies by its ending (`.gz`, `.lz4`, `.zst`), or nil for plain text.
    package init?(fileName: String) {
        if fileName.hasSuffix(".gz") {
            self = .zlib
        } else if fileName.hasSuffix(".lz4") {
            self = .lz4
        } else if fileName.hasSuffix(".zst") {
            self = .zstd
        } else {
            return nil
        }
    }
}
