import ArchiveAccess
import Foundation
import Ledger
import TestSupport
import Testing

@testable import Run

/// The times a run records of itself come from the clock it is given, and travel as dates from the ingest
/// commit to the ledger entry.
@Suite struct RunClockTests {
    @Test func theLedgerEntryTakesItsTimesFromTheGivenClock() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        _ = try LogCorpus.write(
            to: fx.logs, firstDay: ArchiveRunTests.firstDay, days: 3, messagesPerDay: 20, conversations: 5, seed: 2)
        let clock = try #require(RFC3339.date(from: "2031-01-02T03:04:05Z"))
        let summary = try await fx.run(now: ArchiveRunTests.now, wallClock: { clock })
        #expect(summary.started == clock && summary.finished == clock)
        #expect(summary.now == RFC3339.date(from: ArchiveRunTests.now))
        let entry = try #require(try Ledger(url: fx.archive.appendingPathComponent("ledger.jsonl")).entries().last)
        #expect(entry.started == clock && entry.finished == clock)
        #expect(entry.now == RFC3339.date(from: ArchiveRunTests.now))
    }

    @Test func aRecordOfAnInterruptedRunKeepsItsDates() throws {
        let old = #"""
            {"counts":{"lines_read":3,"records_archived":3,"duplicates_id":0,"duplicates_content":0,"quarantined":0,
            "quarantined_by_reason":{},"input_bytes":300,"raw_bytes":290},
            "now":"2025-10-01T03:00:00Z","started":"2025-10-01T03:00:07Z"}
            """#
        let record = try RFC3339.jsonDecoder().decode(PendingRunRecord.self, from: Data(old.utf8))
        let summary = RunSummary(interrupted: "abc", record)
        #expect(summary.now == RFC3339.date(from: "2025-10-01T03:00:00Z"))
        #expect(summary.started == RFC3339.date(from: "2025-10-01T03:00:07Z"))
        #expect(summary.status == .partial && summary.counts.recordsArchived == 3)
        // A record that is not RFC 3339 fails loudly instead of taking the current time.
        let bad = old.replacingOccurrences(of: "2025-10-01T03:00:07Z", with: "yesterday")
        #expect(throws: DecodingError.self) {
            try RFC3339.jsonDecoder().decode(PendingRunRecord.self, from: Data(bad.utf8))
        }
    }
}
