import Codecs
import Foundation
import TestSupport
import Testing

@testable import Segments

/// The committed segments in `fixtures/segments/` (see its README) and what each must do.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/segments")
    static let lines = directory.appendingPathComponent("chat.jsonl")
    static let blockSize = 1024

    static func segment(_ codec: Codec, _ variant: String = "") -> URL {
        directory.appendingPathComponent("chat\(variant).\(codec.segmentExtension)")
    }

    /// `chat.jsonl` as a cold zstd segment of the days 2024-05-01 to 2024-05-03 (format version 2).
    static let severalDays = directory.appendingPathComponent("several-days.jsonl.zst")

    static func level(_ codec: Codec) -> Int {
        switch codec {
        case .lz4: 1
        case .zlib: 9
        case .zstd: 19
        }
    }

    /// The expected lines with the conversation and timestamp the writer was given for each.
    static func records() throws -> [Record] {
        let text = try Data(contentsOf: lines)
        return try SegmentReader.lines([UInt8](text)).map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let conversation = try #require(object["conversation"] as? String)
            let timestamp = try #require(object["ts"] as? NSNumber).int64Value
            return Record(line: Array(line), conversation: conversation, timestamp: timestamp)
        }
    }
}

@Suite struct GoldenFixtureTests {
    @Test(arguments: Codec.allCases)
    func goldenSegmentReadsToTheExpectedLines(_ codec: Codec) async throws {
        let expected = [UInt8](try Data(contentsOf: Golden.lines))
        let reader = try await SegmentReader.open(FileByteSource(url: Golden.segment(codec)))
        #expect(reader.index.blocks.count == 6)
        #expect(reader.index.codec == codec)
        #expect(reader.index.recordCount == UInt64(try Golden.records().count))
        #expect(try await readAll(reader) == expected)
        try await reader.verify()
        let stock = try stockDecompress(Golden.segment(codec), codec: codec)
        #expect(stock.status == 0)
        #expect(stock.output == expected)
    }

    @Test(arguments: Codec.allCases)
    func writerStillProducesTheGoldenBytes(_ codec: Codec) async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("again.\(codec.segmentExtension)")
        try await writeSegment(
            try Golden.records(), at: url, codec: codec, level: Golden.level(codec), blockSize: Golden.blockSize)
        #expect(try Data(contentsOf: url) == Data(contentsOf: Golden.segment(codec)))
    }

    @Test(arguments: Codec.allCases)
    func flippedByteInABlockNamesTheSegmentAndTheBlock(_ codec: Codec) async throws {
        let url = Golden.segment(codec, "-flipped-block")
        let reader = try await SegmentReader.open(FileByteSource(url: url))
        _ = try await reader.readBlock(0)
        await #expect {
            _ = try await reader.readBlock(1)
        } throws: { error in
            "\(error)".contains("'\(url.path)' block 1 ")
        }
        await #expect {
            try await reader.verify()
        } throws: { error in
            "\(error)".contains("'\(url.path)' block 1 ")
        }
    }

    @Test(arguments: Codec.allCases, ["-truncated", "-wrong-index-offset"])
    func damagedSegmentIsRejectedAtOpenNamingIt(_ codec: Codec, _ variant: String) async throws {
        let url = Golden.segment(codec, variant)
        await #expect {
            _ = try await SegmentReader.open(FileByteSource(url: url))
        } throws: { error in
            "\(error)".contains("Segment '\(url.path)'")
        }
    }

    /// Rewrites the fixtures from `chat.jsonl`; run with MSGARCHIVE_WRITE_FIXTURES=1 after a deliberate format
    /// change (and bump the format version).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MSGARCHIVE_WRITE_FIXTURES"] == "1"))
    func writeFixtures() async throws {
        for codec in Codec.allCases {
            let url = Golden.segment(codec)
            try await writeSegment(
                try Golden.records(), at: url, codec: codec, level: Golden.level(codec), blockSize: Golden.blockSize)
            let bytes = [UInt8](try Data(contentsOf: url))
            let reader = try await SegmentReader.open(FileByteSource(url: url))
            let block = reader.index.blocks[1]
            var flipped = bytes
            flipped[Int(block.offset) + Int(block.storedLength) / 2] ^= 0x04
            try Data(flipped).write(to: Golden.segment(codec, "-flipped-block"))
            try Data(bytes.dropLast(30)).write(to: Golden.segment(codec, "-truncated"))
            try Data(movingIndexOffset(bytes, codec: codec, by: -7)).write(
                to: Golden.segment(codec, "-wrong-index-offset"))
        }
        try await writeSegment(
            try Golden.records(), at: Golden.severalDays, codec: .zstd, level: 19, blockSize: Golden.blockSize,
            lastPartition: "2024-05-03")
    }

    @Test func goldenSegmentOfSeveralDaysReadsWholeAndIsStillWrittenTheSame() async throws {
        let expected = [UInt8](try Data(contentsOf: Golden.lines))
        let reader = try await SegmentReader.open(FileByteSource(url: Golden.severalDays))
        #expect(reader.index.formatVersion == 2)
        #expect(reader.index.partition == "2024-05-01")
        #expect(reader.index.lastPartition == "2024-05-03")
        #expect(try await readAll(reader) == expected)
        try await reader.verify()
        let stock = try stockDecompress(Golden.severalDays, codec: .zstd)
        #expect(stock.status == 0)
        #expect(stock.output == expected)

        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let again = directory.appendingPathComponent("again.jsonl.zst")
        try await writeSegment(
            try Golden.records(), at: again, codec: .zstd, level: 19, blockSize: Golden.blockSize,
            lastPartition: "2024-05-03")
        #expect(try Data(contentsOf: again) == Data(contentsOf: Golden.severalDays))

        let backwards = directory.appendingPathComponent("backwards.jsonl.zst")
        try await writeSegment(try Golden.records(), at: backwards, codec: .zstd, lastPartition: "2024-04-30")
        await #expect {
            _ = try await SegmentReader.open(FileByteSource(url: backwards))
        } throws: { error in
            "\(error)".contains("'\(backwards.path)'") && "\(error)".contains("last day 2024-04-30 comes before")
        }
    }
}
