import Codecs
import FileIO
import Foundation

/// Everything that can go wrong writing or reading a segment; each case names the segment (its path or key).
package enum SegmentError: Error, CustomStringConvertible {
    /// A system call on a segment file failed.
    case io(path: String, operation: String, errno: Int32)
    /// The source is shorter than it must be (`needed` bytes at `offset`).
    case truncated(segment: String, offset: UInt64, needed: Int, size: UInt64)
    /// The fixed-size trailer at the end is missing or damaged.
    case badTrailer(segment: String, reason: String)
    /// The segment was written in a format version this reader does not know.
    case unsupportedVersion(segment: String, version: UInt16)
    /// The index region's bytes do not match the CRC-32 the trailer records.
    case indexChecksum(segment: String, expected: UInt32, found: UInt32)
    /// The index cannot be decoded or contradicts the trailer or the file.
    case badIndex(segment: String, reason: String)
    /// A block number outside the index.
    case noSuchBlock(segment: String, block: Int, blockCount: Int)
    /// A block's frame does not decompress (damaged, truncated or of the wrong length).
    case damagedBlock(segment: String, block: Int, cause: any Error)
    /// A block's stored frame does not match the CRC-32 in the index.
    case storedChecksum(segment: String, block: Int, expected: UInt32, found: UInt32)
    /// A block's raw bytes do not match the CRC-32 in the index.
    case blockChecksum(segment: String, block: Int, expected: UInt32, found: UInt32)
    /// A block holds a different number of lines than the index says, or does not end with a newline.
    case blockRecords(segment: String, block: Int, expected: UInt32, found: Int)
    /// The SHA-256 of all raw bytes differs from the index's.
    case contentDigest(segment: String, expected: String, found: String)
    /// The writer's options cannot be used.
    case invalidOptions(segment: String, reason: String)
    /// Compressing a block failed.
    case compression(segment: String, cause: CodecError)
    /// A line (with its newline) would make a block larger than a block can be.
    case lineTooLong(segment: String, length: Int)
    /// The writer was used after its scope ended or from two tasks at once.
    case writerMisuse(segment: String, reason: String)

    private static let damaged = "the file is damaged: restore it from the object store or run 'msgarchive verify'."

    /// The error as a full sentence that says how to fix it where that is known.
    package var description: String {
        switch self {
        case .io(let path, let operation, let errno):
            return "Could not \(operation) segment file '\(path)': \(FileIO.explain(errno)); "
                + "check the path, its permissions and free space."
        case .truncated(let segment, let offset, let needed, let size):
            return "Segment '\(segment)' is \(size) bytes, too short to hold \(needed) bytes at offset \(offset); "
                + "the file is truncated: restore it from the object store or run 'msgarchive verify'."
        case .badTrailer(let segment, let reason):
            return "Segment '\(segment)' has no valid trailer (\(reason)); it is truncated, damaged or not a "
                + "msgarchive segment: restore it from the object store or run 'msgarchive verify'."
        case .unsupportedVersion(let segment, let version):
            return "Segment '\(segment)' uses format version \(version), which this msgarchive cannot read; "
                + "upgrade msgarchive."
        case .indexChecksum(let segment, let expected, let found):
            return "Segment '\(segment)' index fails its CRC (expected \(hex(expected)), found \(hex(found))); "
                + Self.damaged
        case .badIndex(let segment, let reason):
            return "Segment '\(segment)' has an invalid index (\(reason)); " + Self.damaged
        case .noSuchBlock(let segment, let block, let blockCount):
            return "Segment '\(segment)' has no block \(block); it has \(blockCount) blocks (0-\(blockCount - 1))."
        case .damagedBlock(let segment, let block, let cause):
            return "Segment '\(segment)' block \(block) does not decompress (\(cause)); " + Self.damaged
        case .storedChecksum(let segment, let block, let expected, let found):
            return "Segment '\(segment)' block \(block) fails its stored-bytes CRC (expected \(hex(expected)), "
                + "found \(hex(found))); " + Self.damaged
        case .blockChecksum(let segment, let block, let expected, let found):
            return "Segment '\(segment)' block \(block) fails its CRC (expected \(hex(expected)), found "
                + "\(hex(found))); " + Self.damaged
        case .blockRecords(let segment, let block, let expected, let found):
            return "Segment '\(segment)' block \(block) holds \(found) complete lines where the index says "
                + "\(expected); " + Self.damaged
        case .contentDigest(let segment, let expected, let found):
            return "Segment '\(segment)' content fails its SHA-256 (expected \(expected), found \(found)); "
                + Self.damaged
        case .invalidOptions(let segment, let reason):
            return "Cannot write segment '\(segment)': \(reason)."
        case .compression(let segment, let cause):
            return "Compressing a block of segment '\(segment)' failed: \(cause)"
        case .lineTooLong(let segment, let length):
            return "A line of \(length) bytes cannot go into segment '\(segment)': a block holds under 4 GiB; "
                + "split or quarantine the line."
        case .writerMisuse(let segment, let reason):
            return "The writer of segment '\(segment)' was misused: \(reason); append from the body of "
                + "withSegmentWriter only, one line at a time."
        }
    }
}

/// `0x1a2b3c4d`, as CRCs appear in messages.
private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
