import Foundation
import TestSupport
import Testing

/// The pipeline behind a `FaultProxy` that fails S3 requests: whatever the faults, nothing is lost or doubled,
/// and a run either finishes every upload or exits 3 leaving the rest local for the next run.
@Suite(.enabled(if: MotoServer.shouldRun, "set MSGARCHIVE_TEST_S3_ENDPOINT to a moto_server (scripts/test does)"))
struct S3FaultPipelineTests {
    static let firstDay = S3PipelineTests.firstDay

    /// Checks a run's outcome under faults: exit 0 with nothing cold left local, or exit 3 with every segment it
    /// names still local.
    func expectUploadedOrLeftLocal(_ run: (result: ProcessResult, summary: [String: Any]?), _ s3: S3Archive) {
        let pending = pendingUploads(run.summary).filter { !$0.hasPrefix("ledger/") }
        let local = Set(s3.localColdSegments.map { String($0.split(separator: "/").last ?? "") })
        switch run.result.status {
        case 0:
            #expect(pending.isEmpty)
            #expect(local.isEmpty, "exit 0 but cold segments left local: \(local)")
        case 3:
            #expect(run.summary?["status"] as? String == "partial")
            #expect(Set(pending).isSubset(of: local), "pending \(pending) but local \(local)")
            #expect(pending.count == local.count, "cold segments local but not listed as pending")
        default:
            Issue.record("run exited \(run.result.status): \(run.result.stderr)")
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func seededFaultsLoseNothingAndACleanRunFinishes(seed: UInt64) async throws {
        let s3 = try await S3Archive.make("faults-\(seed)")
        defer { s3.remove() }
        let corpus = try LogCorpus.write(
            to: s3.logs, firstDay: Self.firstDay, days: 45, messagesPerDay: 30, conversations: 10, seed: seed,
            compressEvery: 5)
        // About one request in four fails, cycling through 500, 503, resets, cut bodies and 500 after a commit.
        let proxy = try await FaultProxy.start(upstream: s3.moto, schedule: FaultProxy.seeded(seed: seed, every: 4))
        let cold = ", pack_target: 8KiB"
        let faulty = try s3.writePipeline("faulty.yaml", endpoint: proxy.endpoint, cold: cold)
        let clean = try s3.writePipeline(cold: cold)

        // Two runs through the faults, the second moving more days to cold, then an export through them too.
        let early = try await s3.run(faulty, now: "\(day(Self.firstDay + 40))T00:00:00Z")
        expectUploadedOrLeftLocal(early, s3)
        let late = "\(day(Self.firstDay + 60))T00:00:00Z"
        let second = try await s3.run(faulty, now: late)
        expectUploadedOrLeftLocal(second, s3)
        let faultyExport = try await s3.export(faulty)
        let injected = proxy.injected
        await proxy.stop()
        #expect(faultyExport.result.status == 0, "\(faultyExport.result.stderr)")
        #expect(faultyExport.lines == corpus.sortedDistinctLines, "export through the faults lost or doubled lines")
        #expect(injected.count >= 3, "too few kinds of fault injected: \(injected)")

        // A clean run finishes whatever is left, and the one after has nothing to do.
        let finish = try await s3.run(clean, now: late)
        #expect(finish.result.status == 0, "\(finish.result.stderr)")
        #expect(s3.localColdSegments.isEmpty)
        let again = try await s3.run(clean, now: late)
        #expect(again.summary?["status"] as? String == "nothing_new", "\(again.result.stdoutText)")
        #expect(tierSegments(again.summary, "cold") > 0)

        try await s3.expectReadsBack(clean, exactly: corpus.sortedDistinctLines)
    }

    @Test func uploadsThatKeepFailingStayLocalUntilACleanRun() async throws {
        let s3 = try await S3Archive.make("keepfailing")
        defer { s3.remove() }
        let corpus = try LogCorpus.write(
            to: s3.logs, firstDay: Self.firstDay, days: 40, messagesPerDay: 30, conversations: 10, seed: 31)
        // Every write of a segment object fails, each attempt with the next kind of fault; some commit first.
        let kinds = Locked(0)
        let proxy = try await FaultProxy.start(upstream: s3.moto) { _, head in
            guard head.method == .PUT && head.uri.contains("/segments/") else { return nil }
            return .fault(
                kinds.withLock { next in
                    next += 1
                    return Fault.allCases[(next - 1) % Fault.allCases.count]
                })
        }
        let cold = ", pack_target: 64MiB"
        let faulty = try s3.writePipeline("faulty.yaml", endpoint: proxy.endpoint, cold: cold)
        let now = "\(day(Self.firstDay + 45))T00:00:00Z"
        let failed = try await s3.run(faulty, now: now)
        let export = try await s3.export(faulty)
        let verify = try await s3.verify(faulty)
        let injected = proxy.injected
        await proxy.stop()

        #expect(failed.result.status == 3, "\(failed.result.stderr)")
        expectUploadedOrLeftLocal(failed, s3)
        #expect(s3.localColdSegments.count == tierSegments(failed.summary, "cold"))
        #expect(injected.values.reduce(0, +) > 1, "the upload should have been retried: \(injected)")
        #expect(export.result.status == 0, "\(export.result.stderr)")
        #expect(export.lines == corpus.sortedDistinctLines)
        #expect(verify.status == 0, "\(verify.stdoutText)\(verify.stderr)")

        let clean = try s3.writePipeline(cold: cold)
        let finish = try await s3.run(clean, now: now)
        #expect(finish.result.status == 0, "\(finish.result.stderr)")
        #expect(s3.localColdSegments.isEmpty)
        try await s3.expectReadsBack(clean, exactly: corpus.sortedDistinctLines)
    }
}
