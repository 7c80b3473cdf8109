import ArchiveAccess
import Foundation
import PipelineConfig
import TestSupport
import Testing

@testable import ArchiveRead
@testable import Run

@Suite struct ArchiveAuditorTests {
    /// An object left by a delete that failed after its rows were dropped (as retention did before it deleted
    /// objects first): audit names it, says how to delete it, and the command it gives does.
    @Test func anObjectNoSegmentRefersToIsNamedWithACommandThatDeletesIt() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        _ = try LogCorpus.write(
            to: fx.logs, firstDay: ArchiveRunTests.firstDay, days: 60, messagesPerDay: 10, conversations: 4, seed: 8)
        _ = try await fx.run(now: ArchiveRunTests.now)
        let archive = try Archive(config: try fx.config(), readOnly: true, environment: [:], logger: fx.logger)
        let auditor = ArchiveAuditor(archive: archive, logger: fx.logger)
        #expect(try await auditor.measureStorage().1 == [])

        let key = "segments/2025-07-01/2025-07-01.left.jsonl.gz"
        _ = try await archive.store.put(key: key, bytes: [1, 2, 3], metadata: ["sha256": "none"])
        let problems = try await auditor.measureStorage().1
        #expect(problems.count == 1)
        let finding = try #require(problems.first)
        #expect(finding.contains("'\(key)'"))
        #expect(finding.contains("run 'msgarchive catalog rebuild' instead"))
        let start = try #require(finding.range(of: "delete it: '"))
        let command = String(finding[start.upperBound...].prefix { $0 != "'" })
        #expect(command.hasPrefix("rm -f "))
        #expect(try runProcess("/bin/sh", ["-c", command]).status == 0)
        #expect(try await auditor.measureStorage().1 == [])
    }

    /// What retention leaves when a run stops between deleting an object and dropping its rows.
    @Test func aSegmentWhoseObjectIsGoneIsNamedWithWhatToDo() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        _ = try LogCorpus.write(
            to: fx.logs, firstDay: ArchiveRunTests.firstDay, days: 60, messagesPerDay: 10, conversations: 4, seed: 8)
        _ = try await fx.run(now: ArchiveRunTests.now)
        let archive = try Archive(config: try fx.config(), readOnly: true, environment: [:], logger: fx.logger)
        let key = try #require(try archive.catalog.segments().compactMap(\.objectKey).min())
        try await archive.store.delete(key: key)
        let problems = try await ArchiveAuditor(archive: archive, logger: fx.logger).measureStorage().1
        #expect(!problems.isEmpty)
        #expect(problems.allSatisfy { $0.contains("'\(key)'") && $0.contains("the next run drops it") })
        #expect(problems.allSatisfy { $0.contains("run 'msgarchive catalog rebuild'") })
    }

    @Test func anS3OrphanIsGivenTheAwsCommandWithTheBucketPrefixAndEndpoint() throws {
        var fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        fx.extraYAML = #"stores: {bucket: {type: s3, endpoint: "http://127.0.0.1:9", bucket: chat, prefix: archive}}"#
        var config = try fx.config()
        config.tiers.cold.store = "bucket"
        let archive = try Archive(config: config, readOnly: true, environment: [:], logger: fx.logger)
        #expect(
            ArchiveAuditor(archive: archive, logger: fx.logger).removal(of: "segments/a/b.jsonl.gz")
                == "'aws s3 rm s3://chat/archive/segments/a/b.jsonl.gz --endpoint-url http://127.0.0.1:9' with the "
                + "pipeline's credentials")
    }
}
