import Codecs

/// The fixed-size record at the very end of a segment that says where the index is.
/// docs/segment-format.md, "Trailer", is its specification.
struct SegmentTrailer: Equatable {
    /// The 8 bytes that start a trailer.
    static let magic: [UInt8] = Array("MSGSEGTR".utf8)
    /// Encoded size in bytes, the CRC included.
    static let size = 40

    var formatVersion: UInt16
    var codec: Codec
    /// CRC-32 of the index bytes (reassembled from their containers).
    var indexCRC32: UInt32
    /// File offset of the first index container.
    var indexOffset: UInt64
    /// Bytes from `indexOffset` to the trailer's container: the index containers, headers included.
    var indexRegionLength: UInt64
    /// Length of the index bytes once unwrapped.
    var indexLength: UInt32

    /// The codec's number in the trailer.
    private static func number(of codec: Codec) -> UInt16 {
        switch codec {
        case .lz4: 1
        case .zlib: 2
        case .zstd: 3
        }
    }

    /// The 40 trailer bytes, ending with the CRC-32 of the 36 before it.
    func encoded() -> [UInt8] {
        var out = ByteWriter()
        out.append(bytes: Self.magic)
        out.append(formatVersion)
        out.append(Self.number(of: codec))
        out.append(indexCRC32)
        out.append(indexOffset)
        out.append(indexRegionLength)
        out.append(indexLength)
        out.append(CRC32.checksum(out.bytes))
        return out.bytes
    }

    /// Decodes and checks a trailer: magic, CRC, version, codec.
    /// - Throws: `SegmentError.badTrailer` or `.unsupportedVersion` naming `segment`.
    init(decoding bytes: [UInt8], segment: String) throws(SegmentError) {
        guard bytes.count == Self.size, bytes.starts(with: Self.magic) else {
            throw SegmentError.badTrailer(segment: segment, reason: "no 'MSGSEGTR' trailer at the end")
        }
        var cursor = ByteCursor(bytes)
        do {
            _ = try cursor.take(8, "magic")
            formatVersion = try cursor.read(UInt16.self, "format version")
            let codecNumber = try cursor.read(UInt16.self, "codec")
            indexCRC32 = try cursor.read(UInt32.self, "index CRC")
            indexOffset = try cursor.read(UInt64.self, "index offset")
            indexRegionLength = try cursor.read(UInt64.self, "index region length")
            indexLength = try cursor.read(UInt32.self, "index length")
            let crc = try cursor.read(UInt32.self, "trailer CRC")
            let found = CRC32.checksum(bytes[..<36])
            guard crc == found else {
                throw SegmentError.badTrailer(
                    segment: segment, reason: "its CRC is \(crc) but its bytes give \(found)")
            }
            guard SegmentIndex.readableVersions.contains(formatVersion) else {
                throw SegmentError.unsupportedVersion(segment: segment, version: formatVersion)
            }
            guard let codec = Codec.allCases.first(where: { Self.number(of: $0) == codecNumber }) else {
                throw SegmentError.badTrailer(segment: segment, reason: "unknown codec number \(codecNumber)")
            }
            self.codec = codec
        } catch {
            throw error as? SegmentError ?? .badTrailer(segment: segment, reason: "\(error)")
        }
    }

    init(
        formatVersion: UInt16, codec: Codec, indexCRC32: UInt32, indexOffset: UInt64, indexRegionLength: UInt64,
        indexLength: UInt32
    ) {
        self.formatVersion = formatVersion
        self.codec = codec
        self.indexCRC32 = indexCRC32
        self.indexOffset = indexOffset
        self.indexRegionLength = indexRegionLength
        self.indexLength = indexLength
    }
}
