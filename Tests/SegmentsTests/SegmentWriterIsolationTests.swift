import Codecs
import Foundation
import TestSupport
import Testing

@testable import Segments

/// An actor that writes a segment while touching its own state from the writer's body, as the pipeline does.
actor CountingArchiver {
    private(set) var appended = 0

    func write(_ records: [Record], to url: URL) async throws -> SegmentIndex {
        let options = SegmentOptions(partition: "2024-05-01", tier: .hot, codec: .lz4, level: 1, blockSize: 512)
        let written = try await withSegmentWriter(at: url, options: options) { writer in
            for record in records {
                try await writer.append(record.line[...], conversation: record.conversation, timestamp: 1)
                appended += 1
            }
            return appended
        }
        #expect(written.result == records.count)
        return written.index
    }
}

@Suite struct SegmentWriterIsolationTests {
    @Test func actorCanWriteASegmentFromItsOwnIsolation() async throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let archiver = CountingArchiver()
        let index = try await archiver.write(chatRecords(100), to: directory.appendingPathComponent("a.jsonl.lz4"))
        #expect(index.recordCount == 100)
        #expect(await archiver.appended == 100)
    }
}
