/// The compression codecs msgarchive writes segments with and reads logs in.
package enum Codec: String, Sendable, Codable, CaseIterable {
    /// LZ4 frame format (lz4 -dc reads it); levels 1-12, HC from 3.
    case lz4
    /// gzip members, RFC 1952 (gzip -dc reads them); levels 1-9.
    case zlib

    /// The file-name ending of a segment written with this codec.
    package var segmentExtension: String {
        switch self {
        case .lz4: "jsonl.lz4"
        case .zlib: "jsonl.gz"
        }
    }

    /// The levels the codec accepts.
    package var levels: ClosedRange<Int> {
        switch self {
        case .lz4: 1...12
        case .zlib: 1...9
        }
    }

    /// The level used when none is given.
    package var defaultLevel: Int {
        switch self {
        case .lz4: 1
        case .zlib: 9
        }
    }

    /// The codec a log or segment file name implies by its ending (`.gz`, `.lz4`), or nil for plain text.
    package init?(fileName: String) {
        if fileName.hasSuffix(".gz") {
            self = .zlib
        } else if fileName.hasSuffix(".lz4") {
            self = .lz4
        } else {
            return nil
        }
    }
}
