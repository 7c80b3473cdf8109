import Foundation
import Logging
import TestSupport
import Testing

@testable import Ingest
@testable import Intake

/// When the ingestor hands a partition's buffer on.
@Suite struct IngestorTests {
    /// Gives the flush closure the ingestor it belongs to, which is made after the closure.
    private final class Owner {
        var ingestor: Ingestor?
    }

    /// A long log whose first lines are of one day and the rest of the next: the first day, left alone for more
    /// than a partition's limit of lines, is written while the log is read, not held to its end.
    @Test func aDayTheLogLeftBehindIsWrittenBeforeTheLogEnds() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func line(_ n: Int, day: Int) -> String {
            #"{"id":"m-\#(n)","conversation":"c","sender":"s","timestamp":"2026-09-0\#(day)T10:00:00Z","body":"b"}"#
        }
        let lines = (0..<100).map { line($0, day: 1) } + (100..<20_000).map { line($0, day: 2) }
        let url = directory.path("log.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)

        let owner = Owner()
        var flushes: [(partition: String, linesRead: Int)] = []
        let ingestor = Ingestor(
            dedup: .id, window: 0, memoryBudget: 8 << 20, partitionLimit: 64 << 10,
            quarantineURL: directory.path("quarantine.jsonl"), logger: Logger(label: "test"),
            knownIds: { _ in KnownIds() },
            flush: { buffer, _ in flushes.append((buffer.partition, owner.ingestor!.counts.linesRead)) })
        owner.ingestor = ingestor
        _ = try await ingestor.ingest(
            url, scanner: RecordScanner(), maxLineBytes: 1 << 20, from: .init(offset: 0, lines: 0),
            holdUnterminated: false)
        try await ingestor.finish()

        let dayOne = flushes.filter { $0.partition == "2026-09-01" }
        #expect(dayOne.count == 1)
        #expect(dayOne.first.map { $0.linesRead < lines.count / 2 } == true, "day 1 went out at line \(dayOne)")
        #expect(ingestor.counts.recordsArchived == lines.count)
    }
}
