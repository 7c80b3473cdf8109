import Codecs
import Crypto
import Foundation
import TestSupport
import Testing

@testable import Segments

@Suite struct SegmentRoundTripTests {
    @Test(arguments: Codec.allCases, [(300, 1), (300, 4), (8 << 10, 1), (8 << 10, 4), (1 << 20, 4)])
    func roundTripsManyLinesAcrossBlocks(_ codec: Codec, _ shape: (blockSize: Int, parallelism: Int)) async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let records = chatRecords(3000)
        let url = directory.appendingPathComponent("seg.\(codec.segmentExtension)")
        let written = try await writeSegment(
            records, at: url, codec: codec, blockSize: shape.blockSize, parallelism: shape.parallelism)
        let reader = try await SegmentReader.open(FileByteSource(url: url))
        let expected = jsonLines(records)
        #expect(reader.index == written.index)
        #expect(reader.storedBytes == written.storedBytes)
        #expect(reader.storedBytes == UInt64(try Data(contentsOf: url).count))
        #expect(reader.index.recordCount == 3000)
        #expect(reader.index.rawBytes == UInt64(expected.count))
        #expect(reader.index.rawSHA256 == Array(SHA256.hash(data: expected)))
        #expect(reader.index.minTimestamp == records.first?.timestamp)
        #expect(reader.index.maxTimestamp == records.last?.timestamp)
        #expect(reader.index.partition == "2024-05-01")
        #expect(reader.index.codec == codec)
        if shape.blockSize < expected.count {
            #expect(reader.index.blocks.count >= expected.count / shape.blockSize)
        } else {
            #expect(reader.index.blocks.count == 1)
        }
        for block in reader.index.blocks.dropLast() {
            #expect(Int(block.rawLength) <= shape.blockSize)
        }
        #expect(try await readAll(reader) == expected)
        try await reader.verify()
    }

    @Test(arguments: Codec.allCases)
    func stockToolsPrintExactlyTheLines(_ codec: Codec) async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let records = chatRecords(2000)
        let url = directory.appendingPathComponent("seg.\(codec.segmentExtension)")
        let written = try await writeSegment(records, at: url, codec: codec, blockSize: 4096)
        #expect(written.index.blocks.count > 10)
        let result = try stockDecompress(url, codec: codec)
        #expect(result.status == 0)
        #expect(result.output == jsonLines(records))
    }

    @Test(arguments: Codec.allCases)
    func emptySegmentIsValidForUsAndTheStockTools(_ codec: Codec) async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("empty.\(codec.segmentExtension)")
        try await writeSegment([], at: url, codec: codec)
        let reader = try await SegmentReader.open(FileByteSource(url: url))
        #expect(reader.index.blocks.isEmpty)
        #expect(reader.index.recordCount == 0)
        try await reader.verify()
        let result = try stockDecompress(url, codec: codec)
        #expect(result.status == 0)
        #expect(result.output.isEmpty)
    }

    @Test(arguments: Codec.allCases)
    func lineLargerThanTheBlockSizeGetsABlockOfItsOwn(_ codec: Codec) async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        var records = chatRecords(6)
        records[3] = chatRecords(4, textRepeat: 400)[3]
        let url = directory.appendingPathComponent("seg.\(codec.segmentExtension)")
        let written = try await writeSegment(records, at: url, codec: codec, blockSize: 400)
        let reader = try await SegmentReader.open(FileByteSource(url: url))
        let big = try #require(reader.index.blocks.first { $0.rawLength > 400 })
        #expect(big.recordCount == 1)
        #expect(Int(big.rawLength) == records[3].line.count + 1)
        #expect(written.index.recordCount == 6)
        #expect(try await readAll(reader) == jsonLines(records))
    }

    @Test func largeGzipIndexIsSplitOverSeveralMembers() async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        // One line a block and long conversation ids make an index well over one 64 KiB FEXTRA field.
        let records = (0..<600).map { i in
            Record(
                line: Array(#"{"id":"\#(i)"}"#.utf8),
                conversation: String(repeating: "c", count: 120) + String(1000 + i), timestamp: Int64(i))
        }
        let url = directory.appendingPathComponent("seg.jsonl.gz")
        let written = try await writeSegment(records, at: url, codec: .zlib, blockSize: 1)
        #expect(written.index.encoded().count > 2 * SegmentContainer.gzipChunkLimit)
        let reader = try await SegmentReader.open(FileByteSource(url: url))
        #expect(reader.index == written.index)
        #expect(reader.index.blocks.count == 600)
        try await reader.verify()
        let result = try stockDecompress(url, codec: .zlib)
        #expect(result.status == 0)
        #expect(result.output == jsonLines(records))
    }

    @Test(arguments: Codec.allCases)
    func readingOneBlockFetchesOnlyTheTailTheIndexAndThatBlock(_ codec: Codec) async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let records = chatRecords(500)
        let url = directory.appendingPathComponent("seg.\(codec.segmentExtension)")
        try await writeSegment(records, at: url, codec: codec, blockSize: 2048)
        let source = MemorySource(name: "seg", bytes: [UInt8](try Data(contentsOf: url)))
        let reader = try await SegmentReader.open(source)
        let k = reader.index.blocks.count / 2
        let block = try await reader.readBlock(k)
        let entry = reader.index.blocks[k]
        #expect(source.reads.count == 3)
        #expect(source.reads.last == entry.offset..<entry.offset + UInt64(entry.storedLength))
        let fetched = source.reads.reduce(0) { $0 + $1.count }
        #expect(fetched < source.bytes.count / 4)
        let lines = SegmentReader.lines(block)
        #expect(lines.count == Int(entry.recordCount))
        let firstLine = try #require(lines.first)
        let position = try #require(records.firstIndex { $0.line[...] == firstLine })
        #expect(records[position].conversation == entry.firstConversation)
        #expect(records[position + lines.count - 1].conversation == entry.lastConversation)
        #expect(records[position..<position + lines.count].map { $0.line[...] } == lines)
    }

    @Test func selectsOnlyTheBlocksOverlappingATimeRange() async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let records = chatRecords(300)
        let url = directory.appendingPathComponent("seg.jsonl.lz4")
        try await writeSegment(records, at: url, codec: .lz4, blockSize: 2000)
        let reader = try await SegmentReader.open(FileByteSource(url: url))
        let range = records[100].timestamp...records[120].timestamp
        let selected = reader.blocks(overlapping: range)
        #expect(!selected.isEmpty && selected.count < reader.index.blocks.count)
        var found: [[UInt8]] = []
        for i in selected {
            found += SegmentReader.lines(try await reader.readBlock(i)).map(Array.init)
        }
        let wanted = records.filter { range.contains($0.timestamp) }.map(\.line)
        #expect(wanted.allSatisfy(found.contains))
        #expect(reader.blocks(overlapping: 0...1).isEmpty)
    }

    @Test func linesSplitsWithoutNewlines() {
        #expect(SegmentReader.lines(Array("a\nbc\n\nd\n".utf8)).map { Array($0) } == [[97], [98, 99], [], [100]])
        #expect(SegmentReader.lines(Array("x\ny".utf8)).map { Array($0) } == [[120], [121]])
        #expect(SegmentReader.lines([]).isEmpty)
    }

    @Test func indexEncodesToSnakeCaseJSONAndBack() throws {
        let index = SegmentIndex(
            formatVersion: 1, partition: "2024-05-01", tier: .warm, codec: .zlib, level: 9, recordCount: 2,
            rawBytes: 10, rawSHA256: Array(0..<32), minTimestamp: -5, maxTimestamp: 7,
            blocks: [
                BlockEntry(
                    offset: 0, storedLength: 30, rawLength: 10, recordCount: 2, minTimestamp: -5, maxTimestamp: 7,
                    firstConversation: "a", lastConversation: "ü", crc32: 0xDEAD_BEEF, storedCRC32: 7)
            ])
        let json = try JSONEncoder().encode(index)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["raw_sha256"] as? String == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        #expect(object["format_version"] as? Int == 1)
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        #expect(blocks.first?["stored_length"] as? Int == 30)
        #expect(blocks.first?["first_conversation"] as? String == "a")
        #expect(try JSONDecoder().decode(SegmentIndex.self, from: json) == index)
        #expect(try SegmentIndex(decoding: index.encoded(), segment: "x") == index)
    }
}
