import Foundation
import Testing

@testable import Intake

/// The counts a run keeps in the catalog until its ledger entry is written: a record of an earlier version, which
/// had no byte figures of lines, must still decode, so the entry of a run killed before an upgrade gets written.
@Suite struct IngestCountsTests {
    @Test func decodesARecordOfBeforeTheByteFigures() throws {
        let old = #"""
            {"lines_read":10,"records_archived":7,"duplicates_id":2,"duplicates_content":0,"quarantined":1,
            "lines_reread":0,"quarantined_by_reason":{"bad_json":1},"input_bytes":900,"raw_bytes":700}
            """#
        let counts = try JSONDecoder().decode(IngestCounts.self, from: Data(old.utf8))
        #expect(counts.linesRead == 10 && counts.duplicatesById == 2 && counts.rawBytes == 700)
        #expect(counts.lineBytes == 0 && counts.duplicateBytes == 0 && counts.quarantinedBytes == 0)
        #expect(counts.conserves)
    }

    @Test func keepsTheByteFiguresThroughTheCatalog() throws {
        var counts = IngestCounts()
        counts.linesRead = 3
        counts.recordsArchived = 2
        counts.duplicatesById = 1
        counts.lineBytes = 300
        counts.duplicateBytes = 90
        counts.rereadBytes = 5
        counts.quarantinedBytes = 7
        let decoded = try JSONDecoder().decode(IngestCounts.self, from: try JSONEncoder().encode(counts))
        #expect(decoded == counts)
    }
}
