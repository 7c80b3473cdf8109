import Foundation
import Segments
import TestSupport
import Testing

@testable import msgarchive

@Suite struct MetricsFileTests {
    private func run(exitCode: Int32, at seconds: Double, records: Int) -> RunMetrics {
        RunMetrics(
            durationSeconds: 12.5, linesRead: records + 3, recordsArchived: records, duplicatesById: 2,
            duplicatesByContent: 0, quarantined: 1, storedBytes: [.hot: 4096, .cold: 1 << 20],
            segments: [.hot: 2, .cold: 1], uploadedBytes: 1 << 20, exitCode: exitCode,
            finishedAt: Date(timeIntervalSince1970: seconds))
    }

    @Test func writesEveryFamilyWithHelpAndType() throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("msgarchive.prom")
        try MetricsFile.write(run(exitCode: 0, at: 1_700_000_000, records: 10), to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        let expected = [
            "msgarchive_run_duration_seconds 12.5",
            "msgarchive_lines_read_total 13",
            "msgarchive_records_archived_total 10",
            "msgarchive_duplicates_total{kind=\"id\"} 2",
            "msgarchive_duplicates_total{kind=\"content\"} 0",
            "msgarchive_quarantined_total 1",
            "msgarchive_stored_bytes{tier=\"hot\"} 4096",
            "msgarchive_stored_bytes{tier=\"warm\"} 0",
            "msgarchive_segments{tier=\"cold\"} 1",
            "msgarchive_uploaded_bytes_total 1048576",
            "msgarchive_last_success_timestamp_seconds 1700000000",
            "msgarchive_last_run_exit_code 0",
        ]
        let lines = Set(text.split(separator: "\n").map(String.init))
        for sample in expected { #expect(lines.contains(sample), "missing \(sample)") }
        // Every sample belongs to a family announced with HELP and TYPE before it.
        var announced: Set<String> = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                #expect(["counter", "gauge"].contains(parts[3]))
                announced.insert(String(parts[2]))
            } else if !line.hasPrefix("# HELP ") {
                let name = String(line.prefix { $0 != "{" && $0 != " " })
                #expect(announced.contains(name), "\(name) has no TYPE line")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["msgarchive.prom"])
    }

    @Test func failedRunKeepsLastSuccessAndCountersAccumulate() throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("msgarchive.prom")
        try MetricsFile.write(run(exitCode: 0, at: 1_700_000_000, records: 10), to: url)
        try MetricsFile.write(run(exitCode: 1, at: 1_700_086_400, records: 5), to: url)
        let samples = MetricsFile.read(url)
        #expect(samples["msgarchive_last_success_timestamp_seconds"] == 1_700_000_000)
        #expect(samples["msgarchive_last_run_exit_code"] == 1)
        #expect(samples["msgarchive_records_archived_total"] == 15)
        #expect(samples["msgarchive_duplicates_total{kind=\"id\"}"] == 4)
        #expect(samples["msgarchive_segments{tier=\"hot\"}"] == 2)
        try MetricsFile.write(run(exitCode: 0, at: 1_700_172_800, records: 0), to: url)
        #expect(MetricsFile.read(url)["msgarchive_last_success_timestamp_seconds"] == 1_700_172_800)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["msgarchive.prom"])
    }

    @Test func failedFirstRunHasNoLastSuccess() throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("m.prom")
        try MetricsFile.write(run(exitCode: 1, at: 1_700_000_000, records: 0), to: url)
        #expect(MetricsFile.read(url)["msgarchive_last_success_timestamp_seconds"] == nil)
    }

    @Test func missingDirectoryIsAnError() {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "msgarchive-\(UUID().uuidString)/m.prom")
        #expect(throws: MetricsFileError.self) {
            try MetricsFile.write(run(exitCode: 0, at: 0, records: 0), to: url)
        }
    }
}
