import Foundation
import TestSupport
import Testing

@testable import Ingest
@testable import Intake

/// A log read in batches whose lines are scanned in slices by several tasks: every scan stays with its line.
@Suite struct ScanBatchesTests {
    @Test(arguments: [1, 3])
    func everyScanBelongsToItsLineInLogOrder(slices: Int) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.path("log.jsonl")
        // About 1.3 MB: several batches, each cut into slices; every 997th line is torn.
        let lines = (1...20_000).map { n in
            n % 997 == 0
                ? #"{"id":"m-\#(n)","conversation":"c"#
                : #"{"id":"m-\#(n)","conversation":"c-\#(n % 7)","timestamp":"2026-09-01T00:00:00Z","body":"x"}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        let batches = ScanBatches(
            reader: try LineReader(url: url), scanner: RecordScanner(), holdUnterminated: false, slices: slices)

        var number = 0
        var batchCount = 0
        while let batch = try await batches.next() {
            batchCount += 1
            #expect(batch.lines.spans.count == batch.scans.count)
            for (k, scan) in batch.scans.enumerated() {
                let line = batch.lines.line(k)
                number += 1
                #expect(line.number == number)
                switch scan {
                case .fields(let fields, _):
                    let id = line.bytes.withUnsafeBytes { String(decoding: $0[fields.id], as: UTF8.self) }
                    #expect(id == "m-\(number)")
                    #expect(number % 997 != 0)
                case .failure(let detail):
                    #expect(number % 997 == 0, "line \(number): \(detail.message)")
                default:
                    Issue.record("line \(number) scanned as \(scan)")
                }
            }
        }
        #expect(number == lines.count)
        #expect(batchCount > 1)
    }
}
