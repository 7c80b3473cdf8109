import Codecs
import Foundation
import TestSupport
import Testing

@testable import Segments

/// A failure thrown from a writer's body.
struct BodyFailed: Error {}

@Suite struct SegmentWriterTests {
    @Test(arguments: Codec.allCases)
    func failedBodyLeavesNoFileBehind(_ codec: Codec) async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("seg.\(codec.segmentExtension)")
        let options = SegmentOptions(
            partition: "2024-05-01", tier: .hot, codec: codec, level: 1, blockSize: 256, parallelism: 2)
        await #expect(throws: BodyFailed.self) {
            try await withSegmentWriter(at: url, options: options) { writer in
                for record in chatRecords(200) {
                    try await writer.append(record.line[...], conversation: record.conversation, timestamp: 0)
                }
                let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                #expect(names.count == 1 && SegmentFiles.isTemporary(names[0]))
                throw BodyFailed()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// Not hashing the bytes written (a one-off compaction) writes the same file, and returns no checksum.
    @Test(arguments: Codec.allCases)
    func aSegmentWrittenWithoutItsChecksumIsTheSameFile(_ codec: Codec) async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        var files: [[UInt8]] = []
        var checksums: [String] = []
        for hashes in [true, false] {
            let url = directory.appendingPathComponent("seg-\(hashes).\(codec.segmentExtension)")
            var options = SegmentOptions(
                partition: "2024-05-01", tier: .hot, codec: codec, level: codec.defaultLevel, blockSize: 4 << 10)
            options.hashesStoredBytes = hashes
            let written = try await withSegmentWriter(at: url, options: options) { writer in
                for record in chatRecords(500) {
                    try await writer.append(
                        record.line[...], conversation: record.conversation, timestamp: record.timestamp)
                }
            }
            files.append(Array(try Data(contentsOf: url)))
            checksums.append(written.storedSHA256)
        }
        #expect(files[0] == files[1])
        #expect(
            checksums == [
                try sha256Hex(of: directory.appendingPathComponent("seg-true.\(codec.segmentExtension)")), "",
            ])
    }

    @Test func writerCannotBeUsedAfterItsScope() async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("seg.jsonl.lz4")
        let options = SegmentOptions(partition: "2024-05-01", tier: .hot, codec: .lz4, level: 1)
        let (escaped, _, _, _) = try await withSegmentWriter(at: url, options: options) { $0 }
        await #expect(throws: SegmentError.self) {
            try await escaped.append([1, 2][...], conversation: "c", timestamp: 0)
        }
        #expect(try await SegmentReader.open(FileByteSource(url: url)).index.recordCount == 0)
    }

    @Test(arguments: [(Codec.lz4, 13), (.zlib, 0), (.zstd, 20)])
    func rejectsALevelOutsideTheCodecsRange(_ codec: Codec, _ level: Int) async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("seg.\(codec.segmentExtension)")
        let options = SegmentOptions(partition: "2024-05-01", tier: .hot, codec: codec, level: level)
        await #expect(throws: SegmentError.self) {
            try await withSegmentWriter(at: url, options: options) { _ in }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func recognisesTemporaryNames() {
        let name = SegmentFiles.temporaryName(for: "3f2a.jsonl.gz")
        #expect(name.hasPrefix(".3f2a.jsonl.gz."))
        #expect(SegmentFiles.isTemporary(name))
        #expect(!SegmentFiles.isTemporary("3f2a.jsonl.gz"))
        #expect(!SegmentFiles.isTemporary(".hidden.jsonl.gz"))
    }

    @Test(arguments: Codec.allCases)
    func sameLinesAndOptionsGiveTheSameBytes(_ codec: Codec) async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let records = chatRecords(400)
        let first = directory.appendingPathComponent("a.\(codec.segmentExtension)")
        let second = directory.appendingPathComponent("b.\(codec.segmentExtension)")
        try await writeSegment(records, at: first, codec: codec, blockSize: 1000, parallelism: 1)
        try await writeSegment(records, at: second, codec: codec, blockSize: 1000, parallelism: 4)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
    }
}
