import Foundation
import TestSupport
import Testing

/// Runs `msgarchive run` killed at each crash point, then again, and checks nothing is lost or doubled.
@Suite struct CrashRecoveryTests {
    struct Scenario: CustomStringConvertible, Sendable {
        var point: String
        /// Crash in the first run (ingest) or the second (tier moves).
        var firstRun: Bool
        var description: String { point }
    }

    static let scenarios = [
        Scenario(point: "segment-write", firstRun: true),
        Scenario(point: "segment-write:3", firstRun: true),
        Scenario(point: "segments-sealing", firstRun: true),
        Scenario(point: "after-ingest-commit", firstRun: true),
        Scenario(point: "compaction-written", firstRun: false),
        Scenario(point: "compaction-committed", firstRun: false),
        Scenario(point: "compaction-committed:2", firstRun: false),
        Scenario(point: "cold-uploaded", firstRun: false),
        Scenario(point: "cold-marked", firstRun: false),
        Scenario(point: "before-ledger", firstRun: false),
    ]

    @Test(arguments: scenarios)
    func killedRunIsFinishedByTheNext(scenario: Scenario) throws {
        let tmp = try TemporaryDirectory("msgarchive-crash")
        defer { tmp.remove() }
        // 50 days of logs from 2025-08-01; the first run sees them all hot, the second moves most on.
        let corpus = try LogCorpus.write(
            to: tmp.path("logs"), firstDay: 20_301, days: 50, messagesPerDay: 60, conversations: 30, seed: 99,
            compressEvery: 7)
        let pipeline = tmp.path("pipeline.yaml")
        try """
        archive: \(tmp.path("archive").path)
        sources:
          - paths: ["\(tmp.path("logs").path)/*"]
        tiers:
          warm: {after: 7d}
          cold: {after: 30d, pack_target: 32KiB}
        block_size: 8KiB
        """.write(to: pipeline, atomically: true, encoding: .utf8)
        let crash = ["MSGARCHIVE_CRASH_AT": scenario.point]
        func run(_ now: String, _ environment: [String: String] = [:]) throws -> ProcessResult {
            try Msgarchive.run(
                ["run", "--pipeline", pipeline.path, "--now", now, "--json"], environment: environment)
        }

        let early = "2025-09-20T00:00:00Z"
        let late = "2025-11-15T00:00:00Z"
        if scenario.firstRun {
            #expect(try run(early, crash).status == 9, "the run should have been killed at \(scenario.point)")
            let recovered = try run(early)
            #expect(recovered.status == 0, "\(recovered.stderr)")
            #expect(try run(late).status == 0)
        } else {
            #expect(try run(early).status == 0)
            #expect(try run(late, crash).status == 9, "the run should have been killed at \(scenario.point)")
            let recovered = try run(late)
            #expect(recovered.status == 0, "\(recovered.stderr)")
        }
        let final = try run(late)
        #expect(final.status == 0)
        let summary = try JSONSerialization.jsonObject(with: final.stdout) as? [String: Any]
        #expect(summary?["status"] as? String == "nothing_new")
        #expect(summary?["removed_leftovers"] as? Int == 0)

        let export = try Msgarchive.run(["export", "--pipeline", pipeline.path])
        #expect(export.status == 0, "\(export.stderr)")
        let lines = export.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.count == corpus.distinctLines.count, "no record lost or doubled")
        #expect(lines.sorted() == corpus.sortedDistinctLines)

        // The ledger counts every line once, the killed run's included.
        let ledger = try String(contentsOf: tmp.path("archive/ledger.jsonl"), encoding: .utf8)
        let entries = try ledger.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(entries.reduce(0) { $0 + ($1["lines_read"] as? Int ?? 0) } == corpus.totalLines)
        #expect(entries.reduce(0) { $0 + ($1["records_archived"] as? Int ?? 0) } == corpus.distinctLines.count)
        #expect(Set(entries.compactMap { $0["run_id"] as? String }).count == entries.count)

        let leftovers =
            FileManager.default.enumerator(atPath: tmp.path("archive").path)?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".tmp") || $0.hasPrefix("tmp/") } ?? []
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    /// A run killed after uploading an object but before marking its segments remote, then a run that packs
    /// those segments otherwise (here a new pack target): the first object must not stay in the store, counted
    /// by nothing. Cold blocks of 4 KiB keep each day in a segment of its own (no day is small).
    @Test func anObjectUploadedButNeverCommittedIsDeletedByTheNextRun() throws {
        let tmp = try TemporaryDirectory("msgarchive-crash")
        defer { tmp.remove() }
        _ = try LogCorpus.write(
            to: tmp.path("logs"), firstDay: 20_301, days: 50, messagesPerDay: 60, conversations: 30, seed: 5)
        let pipeline = tmp.path("pipeline.yaml")
        func write(packTarget: String) throws {
            try """
            archive: \(tmp.path("archive").path)
            sources:
              - paths: ["\(tmp.path("logs").path)/*"]
            tiers:
              warm: {after: 7d}
              cold: {after: 30d, pack_target: \(packTarget), block_size: 4KiB}
            """.write(to: pipeline, atomically: true, encoding: .utf8)
        }
        func run(_ environment: [String: String] = [:]) throws -> ProcessResult {
            try Msgarchive.run(
                ["run", "--pipeline", pipeline.path, "--now", "2025-11-15T00:00:00Z"], environment: environment)
        }
        try write(packTarget: "32KiB")
        #expect(try run(["MSGARCHIVE_CRASH_AT": "cold-uploaded"]).status == 9)
        try write(packTarget: "48KiB")
        let recovered = try run()
        #expect(recovered.status == 0, "\(recovered.stderr)")
        #expect(recovered.stderr.contains("deleted an object an interrupted upload left"))
        let audit = try Msgarchive.run(["audit", "--pipeline", pipeline.path])
        #expect(audit.status == 0, "\(audit.stdoutText)\(audit.stderr)")
    }
}
