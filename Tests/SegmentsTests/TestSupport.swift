import Codecs
import Foundation
import TestSupport
import Testing

@testable import Segments

/// One record for a test segment: its line and the fields the writer records.
struct Record: Sendable {
    var line: [UInt8]
    var conversation: String
    var timestamp: Int64
}

/// Deterministic chat messages sorted by (conversation, timestamp), with non-ASCII text and emoji.
func chatRecords(_ count: Int, conversations: Int = 7, textRepeat: Int = 1) -> [Record] {
    let texts = ["hello", "héllo wörld", "こんにちは", "👋🏽 see you at 10", "ok 👍", "naïve café ☕", "Привет"]
    var records: [Record] = []
    for i in 0..<count {
        let conversation = "conv-\(i * conversations / max(count, 1))"
        let timestamp = Int64(1_714_521_600_000_000 + i * 1_000_003)
        let text = String(repeating: texts[i % texts.count] + " ", count: textRepeat)
        let line =
            #"{"id":"\#(900_000_000_000_000_000 + i)","conversation":"\#(conversation)","#
            + #""sender":"u\#(i % 5)","ts":\#(timestamp),"text":"\#(text)#\#(i)"}"#
        records.append(Record(line: Array(line.utf8), conversation: conversation, timestamp: timestamp))
    }
    return records
}

/// The JSON Lines text of `records`, each line ending with a newline.
func jsonLines(_ records: [Record]) -> [UInt8] {
    records.flatMap { $0.line + [0x0A] }
}

/// The tier test segments of `codec` are written for: lz4 hot, gzip warm, zstd cold.
func tier(for codec: Codec) -> Tier {
    switch codec {
    case .lz4: .hot
    case .zlib: .warm
    case .zstd: .cold
    }
}

/// Writes `records` to a segment at `url`.
@discardableResult
func writeSegment(
    _ records: [Record], at url: URL, codec: Codec, level: Int? = nil, blockSize: Int = 1 << 20,
    parallelism: Int = 2, lastPartition: String? = nil
) async throws -> (index: SegmentIndex, storedBytes: UInt64) {
    let options = SegmentOptions(
        partition: "2024-05-01", lastPartition: lastPartition, tier: tier(for: codec), codec: codec,
        level: level ?? codec.defaultLevel, blockSize: blockSize, parallelism: parallelism)
    let written = try await withSegmentWriter(at: url, options: options) { writer in
        for record in records {
            try await writer.append(record.line[...], conversation: record.conversation, timestamp: record.timestamp)
        }
    }
    #expect(written.storedSHA256 == (try sha256Hex(of: url)), "the digest taken while writing is of the file's bytes")
    return (written.index, written.storedBytes)
}

/// Every block's raw bytes in order.
func readAll(_ reader: SegmentReader) async throws -> [UInt8] {
    var out: [UInt8] = []
    for i in reader.index.blocks.indices {
        out += try await reader.readBlock(i)
    }
    return out
}

/// Runs the stock decompressor for `codec` (`lz4 -dc`, `gzip -dc` or `zstd -dc`) on `file`.
func stockDecompress(_ file: URL, codec: Codec) throws -> (status: Int32, output: [UInt8]) {
    let result = try runProcess("/usr/bin/" + codec.stockTool, ["-dc", file.path])
    return (result.status, [UInt8](result.stdout))
}

/// Bytes held in memory as a `ByteSource`, recording every range read.
final class MemorySource: ByteSource, @unchecked Sendable {
    // @unchecked: the reads log is guarded by `lock`; the bytes never change.
    let name: String
    let bytes: [UInt8]
    private let lock = NSLock()
    private var log: [Range<UInt64>] = []

    init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    var reads: [Range<UInt64>] { lock.withLock { log } }

    func size() async throws -> UInt64 { UInt64(bytes.count) }

    func read(offset: UInt64, length: Int) async throws -> [UInt8] {
        lock.withLock { log.append(offset..<offset + UInt64(length)) }
        guard offset + UInt64(length) <= UInt64(bytes.count) else {
            throw SegmentError.truncated(segment: name, offset: offset, needed: length, size: UInt64(bytes.count))
        }
        return Array(bytes[Int(offset)..<Int(offset) + length])
    }
}

/// The file with its trailer's index offset moved by `delta` and the trailer CRC recomputed, so that the offset
/// is the only damage.
func movingIndexOffset(_ segment: [UInt8], codec: Codec, by delta: Int64) -> [UInt8] {
    var bytes = segment
    let trailerStart =
        bytes.count - SegmentContainer.trailerContainerSize(codec)
        + (codec == .zlib ? SegmentContainer.gzipExtraHeader.count + 6 : 8)
    var offset: UInt64 = 0
    for k in 0..<8 { offset |= UInt64(bytes[trailerStart + 16 + k]) << (8 * k) }
    offset = UInt64(Int64(offset) + delta)
    for k in 0..<8 { bytes[trailerStart + 16 + k] = UInt8(truncatingIfNeeded: offset >> (8 * k)) }
    let crc = CRC32.checksum(bytes[trailerStart..<trailerStart + 36])
    for k in 0..<4 { bytes[trailerStart + 36 + k] = UInt8(truncatingIfNeeded: crc >> (8 * k)) }
    return bytes
}
