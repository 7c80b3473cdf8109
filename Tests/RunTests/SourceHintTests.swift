import ArchiveAccess
import Foundation
import Ingest
import Intake
import Logging
import PipelineConfig
import TestSupport
import Testing

@testable import Run

@Suite struct SourceHintTests {
    @Test func aLogWhoseLinesAllLackTheTimestampExitsTwoAndIsReadOnceTheMappingIsFixed() async throws {
        let tmp = try TemporaryDirectory("msgarchive-hint")
        defer { tmp.remove() }
        try FileManager.default.createDirectory(at: tmp.path("logs"), withIntermediateDirectories: true)
        let lines = (0..<50).map {
            #"{"id":"m-\#($0)","conversation":"c","sender":"u","ts":1736478514\#(String(format: "%03d", $0))}"#
        }
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: tmp.path("logs/app.jsonl"))
        func run(_ fields: FieldNames) async throws -> RunSummary {
            let config = PipelineConfig(
                archive: tmp.path("archive"),
                sources: [SourceConfig(paths: [tmp.path("logs").path + "/*"], fields: fields)])
            return try await RunDriver.run(
                config: config, now: try Timestamps.parse("2025-02-01"), environment: [:], logger: Logger(label: "t"))
        }
        let wrong = try await run(FieldNames())
        #expect(wrong.exitCode == 2)
        #expect(wrong.hints.map(\.candidate) == ["ts"])
        #expect(wrong.hints.first?.candidateFormat == "epoch milliseconds")
        #expect(wrong.counts.quarantined == 50)
        var fixed = FieldNames()
        fixed.timestamp = "ts"
        let right = try await run(fixed)
        #expect(right.exitCode == 0)
        #expect(right.counts.recordsArchived == 50)
        #expect(right.hints.isEmpty)
    }
}
