import Foundation
import TestSupport
import Testing

/// `compact --format slack|discord|mattermost` and `export --format slack` on the committed exports.
@Suite struct ChatExportCommandTests {
    static let fixtures = Msgarchive.repositoryRoot().appendingPathComponent("fixtures/exports")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// Runs `compact` with `arguments` into `out`, returning the summary's counts.
    static func compact(_ arguments: [String], out: URL) throws -> (counts: [String: Any], summary: [String: Any]) {
        let result = try Msgarchive.run(["compact"] + arguments + ["--out", out.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] ?? [:]
        return (summary["counts"] as? [String: Any] ?? [:], summary)
    }

    static func int(_ counts: [String: Any], _ key: String) -> Int { counts[key] as? Int ?? -1 }

    static func conserves(_ counts: [String: Any]) -> Bool {
        int(counts, "lines_read")
            == int(counts, "records_archived") + int(counts, "duplicates_id") + int(counts, "duplicates_content")
            + int(counts, "quarantined")
    }

    static func exportLines(_ out: URL, _ arguments: [String] = []) throws -> [String] {
        let result = try Msgarchive.run(["export", out.path] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    /// Each day file of a Slack tree, parsed: "channel/day.json" -> its array.
    static func dayFiles(_ root: URL) throws -> [String: NSArray] {
        var files: [String: NSArray] = [:]
        for path in try FileManager.default.subpathsOfDirectory(atPath: root.path)
        where path.contains("/") && path.hasSuffix(".json") {
            let data = try Data(contentsOf: root.appendingPathComponent(path))
            files[path] = try JSONSerialization.jsonObject(with: data) as? NSArray
        }
        return files
    }

    @Test(arguments: ["slack.zip", "slack"])
    func aSlackExportRoundTripsToAnEqualTree(input: String) throws {
        let tmp = try TemporaryDirectory("msgarchive-slack")
        defer { tmp.remove() }
        let (counts, summary) = try Self.compact(["--format", "slack", Self.fixture(input)], out: tmp.path("out"))
        #expect(Self.int(counts, "lines_read") == 13)
        #expect(Self.int(counts, "records_archived") == 13)
        #expect(Self.conserves(counts))
        #expect(summary["skipped"] as? Int == 3)
        let lines = try Self.exportLines(tmp.path("out"))
        #expect(lines.count == 13)
        #expect(lines.allSatisfy { $0.hasPrefix(#"{"context":{"format":"slack","#) })

        let tree = tmp.path("tree")
        let export = try Msgarchive.run(["export", tmp.path("out").path, "--format", "slack", "--out", tree.path])
        #expect(export.status == 0, "\(export.stderr)")
        let written = try Self.dayFiles(tree)
        let original = try Self.dayFiles(Self.fixtures.appendingPathComponent("slack"))
        #expect(
            written.keys.sorted() == ["general/2025-01-09.json", "general/2025-01-10.json", "random/2025-01-10.json"])
        #expect(written == original)
    }

    @Test func overlappingSlackExportsArchiveEachMessageOnce() throws {
        let tmp = try TemporaryDirectory("msgarchive-slack")
        defer { tmp.remove() }
        let (counts, _) = try Self.compact(
            ["--format", "slack", Self.fixture("slack.zip"), Self.fixture("slack-overlap.zip")], out: tmp.path("out"))
        // The second export repeats general and random of 2025-01-10 (10 messages) and adds 3.
        #expect(Self.int(counts, "lines_read") == 26)
        #expect(Self.int(counts, "records_archived") == 16)
        #expect(Self.int(counts, "duplicates_id") == 10)
        #expect(Self.conserves(counts))
        let ids = try Self.exportLines(tmp.path("out")).map { $0.split(separator: ",")[3] }
        #expect(Set(ids).count == 16)
    }

    @Test func twoDiscordRunsOfAChannelArchiveEachMessageOnce() throws {
        let tmp = try TemporaryDirectory("msgarchive-discord")
        defer { tmp.remove() }
        let (counts, _) = try Self.compact(
            ["--format", "discord", Self.fixture("discord-run1.json"), Self.fixture("discord-run2.json")],
            out: tmp.path("out"))
        #expect(Self.int(counts, "lines_read") == 13)
        #expect(Self.int(counts, "records_archived") == 9)
        #expect(Self.int(counts, "duplicates_id") == 4)
        #expect(Self.conserves(counts))
        let lines = try Self.exportLines(
            tmp.path("out"), ["--format", "discord", "--conversation", "1000000000000000123"])
        #expect(lines.count == 9)
        // Snowflakes come back digit for digit, never through a Double.
        #expect(lines.contains { $0.contains(#""author":{"id":"459136077417021488""#) })
    }

    @Test func aMattermostExportArchivesPostsAndRepliesOnce() throws {
        let tmp = try TemporaryDirectory("msgarchive-mattermost")
        defer { tmp.remove() }
        // The same export twice, under another name (compact reads a path once).
        let again = tmp.path("again.jsonl")
        try FileManager.default.copyItem(atPath: Self.fixture("mattermost.jsonl"), toPath: again.path)
        let (counts, summary) = try Self.compact(
            ["--format", "mattermost", Self.fixture("mattermost.jsonl"), again.path], out: tmp.path("out"))
        #expect(Self.int(counts, "lines_read") == 14)
        #expect(Self.int(counts, "records_archived") == 6)
        #expect(Self.int(counts, "duplicates_id") == 6)
        #expect(Self.int(counts, "quarantined") == 2)
        #expect(summary["skipped"] as? Int == 12)
        #expect(Self.conserves(counts))
        let lines = try Self.exportLines(tmp.path("out"))
        #expect(lines.filter { $0.contains(#""type":"reply""#) }.count == 3)
        // The reply older than its parent lands in its own time's place, kept whole.
        #expect(lines.contains { $0.contains(#""message":"a reply older than its parent","create_at":1736467184976"#) })
    }

    @Test func damagedEntriesAreQuarantinedByNameAndTheRestArchived() throws {
        let tmp = try TemporaryDirectory("msgarchive-bad")
        defer { tmp.remove() }
        let out = tmp.path("work/out")
        let (counts, summary) = try Self.compact(
            [
                "--format", "slack", "--max-entry-bytes", "1048576", Self.fixture("slack-bad.zip"),
                Self.fixture("slack-truncated.zip"), Self.fixture("slack.zip"),
            ], out: out)
        #expect(Self.int(counts, "records_archived") == 5 + 13)
        #expect(Self.int(counts, "quarantined") == 5)
        #expect(Self.conserves(counts))
        let quarantine = try String(
            contentsOfFile: try #require(summary["quarantine_file"] as? String), encoding: .utf8)
        let entries = quarantine.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        func reason(_ entry: String?) -> String? {
            entries.first { ($0["entry"] as? String) == entry && ($0["file"] as? String)?.hasSuffix(".zip") == true }?[
                "reason"] as? String
        }
        #expect(reason("../escape/2025-01-12.json") == "unsafe_path")
        #expect(reason("bomb/2025-01-12.json") == "entry_too_large")
        #expect(reason("general/2025-01-13.json") == "bad_export")
        #expect(reason("general/2025-01-12.json") == "not_json_object")
        let truncated = entries.first { ($0["file"] as? String)?.hasSuffix("slack-truncated.zip") == true }
        #expect(truncated?["reason"] as? String == "bad_export")
        #expect(truncated?["entry"] == nil)
        // Nothing was written outside the output folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path("work").path) == ["out"])
        #expect(!FileManager.default.fileExists(atPath: tmp.path("escape").path))
    }

    @Test func aTreeNeedsTheSlackFormatAndANewFolder() throws {
        let tmp = try TemporaryDirectory("msgarchive-tree")
        defer { tmp.remove() }
        _ = try Self.compact(["--format", "slack", Self.fixture("slack.zip")], out: tmp.path("out"))
        let noFormat = try Msgarchive.run(["export", tmp.path("out").path, "--out", tmp.path("tree").path])
        #expect(noFormat.status == 2)
        #expect(noFormat.stderr.contains("--format slack"))
        try FileManager.default.createDirectory(at: tmp.path("full"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: tmp.path("full/keep.txt"))
        let full = try Msgarchive.run([
            "export", tmp.path("out").path, "--format", "slack", "--out", tmp.path("full").path,
        ])
        #expect(full.status == 1)
        #expect(full.stderr.contains("is not empty"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path("full").path) == ["keep.txt"])
    }

    @Test func runRefusesAnExportFormatAsAConfigurationError() throws {
        let tmp = try TemporaryDirectory("msgarchive-run")
        defer { tmp.remove() }
        let pipeline = tmp.path("p.yaml")
        try """
        archive: \(tmp.path("arch").path)
        sources:
          - paths: ["\(Self.fixture("slack.zip"))"]
            format: slack
        """.write(to: pipeline, atomically: true, encoding: .utf8)
        let run = try Msgarchive.run(["run", "--pipeline", pipeline.path])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("compact --pipeline"))
    }
}
