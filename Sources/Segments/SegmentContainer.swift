import Codecs

/// Wraps the index and the trailer in what stock tools skip: skippable frames (lz4 and zstd segments, which share
/// them), or empty gzip members whose FEXTRA field carries the bytes. docs/segment-format.md, "Containers", is its
/// specification.
enum SegmentContainer {
    /// The two container layouts; the trailer's codec number tells the codecs that share one apart.
    enum Style: Equatable, CaseIterable {
        /// Skippable frames, which both `lz4 -dc` and `zstd -dc` skip.
        case skippableFrames
        /// Empty gzip members carrying the bytes in FEXTRA.
        case gzipMembers
    }

    /// Skippable-frame magic numbers (0x184D2A50-0x184D2A5F are all skippable both in the lz4 frame format, 2.2,
    /// and in zstd's, RFC 8878 3.1.2).
    static let skippableIndexMagic: UInt32 = 0x184D_2A5E
    static let skippableTrailerMagic: UInt32 = 0x184D_2A5F
    /// FEXTRA subfield ids (RFC 1952 2.3.1.1): 'M','I' for index bytes, 'M','T' for the trailer.
    static let gzipIndexSubfield: [UInt8] = [0x4D, 0x49]
    static let gzipTrailerSubfield: [UInt8] = [0x4D, 0x54]
    /// Largest subfield payload: XLEN is 16-bit and the subfield header takes 4 of its bytes.
    static let gzipChunkLimit = 65_531
    /// The first 10 bytes of a gzip member carrying index or trailer bytes (FLG has only FEXTRA).
    static let gzipExtraHeader: [UInt8] = [0x1F, 0x8B, 0x08, 0x04, 0, 0, 0, 0, 0x00, 0xFF]
    /// An empty deflate stream (one final fixed-Huffman block), then CRC-32 0 and ISIZE 0.
    static let gzipEmptyBody: [UInt8] = [0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]

    /// The container layout of `codec`'s segments.
    static func style(_ codec: Codec) -> Style {
        switch codec {
        case .lz4, .zstd: .skippableFrames
        case .zlib: .gzipMembers
        }
    }

    /// Size of the trailer's container at the end of a segment.
    static func trailerContainerSize(_ codec: Codec) -> Int {
        trailerContainerSize(style(codec))
    }

    /// Size of the trailer's container in `style`.
    static func trailerContainerSize(_ style: Style) -> Int {
        switch style {
        case .skippableFrames: 8 + SegmentTrailer.size
        case .gzipMembers: gzipExtraHeader.count + 2 + 4 + SegmentTrailer.size + gzipEmptyBody.count
        }
    }

    /// The longest trailer container; a reader reads this many bytes from the end to find the trailer.
    static let maxTrailerContainerSize = Style.allCases.map(trailerContainerSize).max() ?? 0

    /// `payload` in one skippable frame with `magic`.
    private static func skippableFrame(_ payload: [UInt8], magic: UInt32) -> [UInt8] {
        var out = ByteWriter()
        out.append(magic)
        out.append(UInt32(payload.count))
        out.append(bytes: payload)
        return out.bytes
    }

    /// `payload` (at most `gzipChunkLimit` bytes) in the FEXTRA field of one empty gzip member.
    private static func extraMember(_ payload: ArraySlice<UInt8>, subfield: [UInt8]) -> [UInt8] {
        var out = ByteWriter()
        out.append(bytes: gzipExtraHeader)
        out.append(UInt16(4 + payload.count))
        out.append(bytes: subfield)
        out.append(UInt16(payload.count))
        out.bytes.append(contentsOf: payload)
        out.append(bytes: gzipEmptyBody)
        return out.bytes
    }

    /// The index bytes wrapped for `codec`: one skippable frame, or as many gzip members as 64 KiB chunks.
    static func wrapIndex(_ index: [UInt8], codec: Codec) -> [UInt8] {
        switch style(codec) {
        case .skippableFrames:
            return skippableFrame(index, magic: skippableIndexMagic)
        case .gzipMembers:
            var out: [UInt8] = []
            var start = 0
            repeat {
                let end = min(index.count, start + gzipChunkLimit)
                out += extraMember(index[start..<end], subfield: gzipIndexSubfield)
                start = end
            } while start < index.count
            return out
        }
    }

    /// The trailer bytes wrapped for `codec`.
    static func wrapTrailer(_ trailer: [UInt8], codec: Codec) -> [UInt8] {
        wrapTrailer(trailer, style: style(codec))
    }

    /// The trailer bytes wrapped in `style`.
    private static func wrapTrailer(_ trailer: [UInt8], style: Style) -> [UInt8] {
        switch style {
        case .skippableFrames: skippableFrame(trailer, magic: skippableTrailerMagic)
        case .gzipMembers: extraMember(trailer[...], subfield: gzipTrailerSubfield)
        }
    }

    /// Finds the trailer in the last bytes of a segment (`tail`, up to `maxTrailerContainerSize` of them), every
    /// container byte checked; nil when neither style's trailer container is there. The trailer's codec must then
    /// be one of the style's.
    static func unwrapTrailer(tail: [UInt8]) -> (style: Style, trailer: [UInt8])? {
        for style in Style.allCases {
            let size = trailerContainerSize(style)
            guard tail.count >= size else { continue }
            let container = Array(tail.suffix(size))
            let start = size - SegmentTrailer.size - tailPadding(style)
            let trailer = Array(container[start..<start + SegmentTrailer.size])
            if container == wrapTrailer(trailer, style: style) { return (style, trailer) }
        }
        return nil
    }

    /// Container bytes after the trailer payload.
    private static func tailPadding(_ style: Style) -> Int {
        switch style {
        case .skippableFrames: 0
        case .gzipMembers: gzipEmptyBody.count
        }
    }

    /// The index bytes from the index region (the containers between the last block and the trailer).
    /// - Throws: `SegmentError.badIndex` naming `segment` when a container byte is not as the format says.
    static func unwrapIndex(_ region: [UInt8], codec: Codec, segment: String) throws(SegmentError) -> [UInt8] {
        var cursor = ByteCursor(region)
        do {
            switch style(codec) {
            case .skippableFrames:
                let magic = try cursor.read(UInt32.self, "index frame magic")
                let length = Int(try cursor.read(UInt32.self, "index frame size"))
                guard magic == skippableIndexMagic, length == cursor.remaining else {
                    throw SegmentError.badIndex(segment: segment, reason: "the index skippable frame is malformed")
                }
                return Array(try cursor.take(length, "index"))
            case .gzipMembers:
                var index: [UInt8] = []
                repeat {
                    let header = Array(try cursor.take(gzipExtraHeader.count, "index member header"))
                    let extraLength = Int(try cursor.read(UInt16.self, "index member XLEN"))
                    let subfield = Array(try cursor.take(2, "index subfield id"))
                    let length = Int(try cursor.read(UInt16.self, "index subfield length"))
                    let chunk = try cursor.take(length, "index chunk")
                    let body = Array(try cursor.take(gzipEmptyBody.count, "index member body"))
                    guard header == gzipExtraHeader, extraLength == length + 4, subfield == gzipIndexSubfield,
                        body == gzipEmptyBody
                    else {
                        throw SegmentError.badIndex(segment: segment, reason: "an index gzip member is malformed")
                    }
                    index += chunk
                } while cursor.remaining > 0
                return index
            }
        } catch {
            throw error as? SegmentError ?? .badIndex(segment: segment, reason: "\(error)")
        }
    }
}
