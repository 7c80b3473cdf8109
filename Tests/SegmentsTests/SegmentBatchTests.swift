import Codecs
import Foundation
import TestSupport
import Testing

@testable import Segments

@Suite struct SegmentBatchTests {
    /// Writes `records` with `batch` as a hot lz4 segment at `url`.
    private func write(_ records: [Record], at url: URL, batch: SegmentBatch) async throws {
        let options = SegmentOptions(partition: "2024-05-01", tier: .hot, codec: .lz4, level: 1, parallelism: 2)
        _ = try await withSegmentWriter(at: url, options: options, batch: batch) { writer in
            for record in records {
                try await writer.append(
                    record.line[...], conversation: record.conversation, timestamp: record.timestamp)
            }
        }
    }

    /// Names of the files under `directory`, recursively, relative to it.
    private func files(under directory: URL) -> [String] {
        (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }.sorted()
    }

    @Test func smallSegmentsAppearUnderTheirNamesOnlyOnceSealed() async throws {
        let root = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: root) }
        let batch = SegmentBatch()
        let days = ["2024-05-01", "2024-05-02", "2024-05-03"]
        for day in days {
            try await write(chatRecords(50), at: root.appendingPathComponent("\(day)/\(day).jsonl.lz4"), batch: batch)
        }
        // Written, not yet durable: only temporary files, which recovery would remove after a crash.
        #expect(batch.waiting == 3)
        #expect(files(under: root).allSatisfy { SegmentFiles.isTemporary(URL(fileURLWithPath: $0).lastPathComponent) })
        try batch.seal()
        #expect(batch.waiting == 0)
        #expect(files(under: root) == days.map { "\($0)/\($0).jsonl.lz4" })
        for day in days {
            let reader = try await SegmentReader.open(
                FileByteSource(url: root.appendingPathComponent("\(day)/\(day).jsonl.lz4")))
            #expect(try await readAll(reader) == chatRecords(50).flatMap { $0.line + [0x0A] })
        }
    }

    @Test func aLargeSegmentIsDurableAtOnce() async throws {
        let root = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: root) }
        let batch = SegmentBatch()
        // Incompressible enough to store more than `smallBytes`.
        var generator = SystemRandomNumberGenerator()
        let records = (0..<3_000).map { i in
            let noise = (0..<300).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }.joined()
            let line = #"{"id":"\#(i)","conversation":"c","sender":"u","ts":\#(i),"text":"\#(noise)"}"#
            return Record(line: Array(line.utf8), conversation: "c", timestamp: Int64(i))
        }
        let url = root.appendingPathComponent("2024-05-01/big.jsonl.lz4")
        try await write(records, at: url, batch: batch)
        #expect(UInt64(try url.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) >= SegmentBatch.smallBytes)
        #expect(batch.waiting == 0)
        // Its new directory still waits for the seal to be made durable; sealing renames nothing.
        try batch.seal()
        #expect(files(under: root) == ["2024-05-01/big.jsonl.lz4"])
    }

    @Test func discardRemovesTheSegmentsWaiting() async throws {
        let root = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: root) }
        let batch = SegmentBatch()
        try await write(chatRecords(20), at: root.appendingPathComponent("2024-05-01/a.jsonl.lz4"), batch: batch)
        try await write(chatRecords(20), at: root.appendingPathComponent("2024-05-01/b.jsonl.lz4"), batch: batch)
        batch.discard()
        #expect(files(under: root).isEmpty)
        try batch.seal()
        #expect(files(under: root).isEmpty)
    }
}
