import Foundation
import TestSupport
import Testing

/// The README's main job, `pipelines/default.yaml` over the committed fixtures, against `fixtures/logs/EXPECTED.json`.
@Suite struct FixtureRunTests {
    struct Expected: Decodable {
        struct Totals: Decodable {
            var lines: Int
            var quarantined: [String: Int]
            var id_duplicates: Int
            var archived_without_content_dedup: Int
        }
        var totals: Totals
    }

    @Test func defaultPipelineArchivesTheFixturesIntoAllThreeTiers() throws {
        let root = Msgarchive.repositoryRoot()
        let expected = try JSONDecoder().decode(
            Expected.self, from: Data(contentsOf: root.appendingPathComponent("fixtures/logs/EXPECTED.json")))
        let tmp = try TemporaryDirectory("msgarchive-fixtures")
        defer { tmp.remove() }
        let arguments = [
            "--pipeline", root.appendingPathComponent("pipelines/default.yaml").path, "--archive", tmp.url.path,
        ]
        let run = try Msgarchive.run(["run"] + arguments + ["--now", "2026-10-20T03:00:00Z", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        let counts = try #require(summary["counts"] as? [String: Any])
        #expect(counts["lines_read"] as? Int == expected.totals.lines)
        #expect(counts["duplicates_id"] as? Int == expected.totals.id_duplicates)
        #expect(counts["records_archived"] as? Int == expected.totals.archived_without_content_dedup)
        #expect(counts["quarantined_by_reason"] as? [String: Int] == expected.totals.quarantined)
        let tiers = try #require(summary["tiers"] as? [String: [String: Any]])
        for tier in ["hot", "warm", "cold"] {
            #expect((tiers[tier]?["segments"] as? Int ?? 0) > 0, "no \(tier) segment")
        }

        let quarantine = try #require(summary["quarantine_file"] as? String)
        let entries = try String(contentsOfFile: quarantine, encoding: .utf8).split(separator: "\n")
        #expect(entries.count == expected.totals.quarantined.values.reduce(0, +))
        for entry in entries {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(entry.utf8)) as? [String: Any])
            #expect(object["file"] is String && object["line"] is Int && object["reason"] is String)
        }

        let export = try Msgarchive.run(["export"] + arguments)
        #expect(export.status == 0, "\(export.stderr)")
        // Bytes, not Characters: "\r\n" is one Character, and CRLF lines keep their "\r".
        #expect(export.stdout.split(separator: 0x0A).count == expected.totals.archived_without_content_dedup)
        let verify = try Msgarchive.run(["verify"] + arguments)
        #expect(verify.status == 0, "\(verify.stdoutText)\(verify.stderr)")
    }
}
