import Foundation
import TestSupport
import Testing

@Suite struct CompactCommandTests {
    @Test(arguments: [("lz4", nil), ("zlib", nil), ("zstd", nil), ("zstd", "19")])
    func compactThenExportRoundTripsThroughTheBinary(codec: String, level: String?) throws {
        let tmp = try TemporaryDirectory("msgarchive-e2e")
        defer { tmp.remove() }
        let corpus = try LogCorpus.write(
            to: tmp.path("logs"), firstDay: 20_400, days: 5, messagesPerDay: 300, conversations: 100, seed: 21,
            compressEvery: 4)
        let compact = try Msgarchive.run(
            ["compact", tmp.path("logs").path + "/*", "--out", tmp.path("out").path, "--codec", codec, "--json"]
                + (level.map { ["--level", $0] } ?? []))
        #expect(compact.status == 0, "\(compact.stderr)")
        let summary = try JSONSerialization.jsonObject(with: compact.stdout) as? [String: Any]
        let counts = summary?["counts"] as? [String: Any]
        #expect(counts?["lines_read"] as? Int == corpus.totalLines)
        #expect(counts?["records_archived"] as? Int == corpus.distinctLines.count)
        #expect(counts?["quarantined"] as? Int == corpus.tornLines)

        let export = try Msgarchive.run(["export", tmp.path("out").path])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdoutText.split(separator: "\n").map(String.init).sorted() == corpus.sortedDistinctLines)

        // Every segment verifies, and is a plain stream for the stock tool too.
        let tool = ["lz4": "lz4", "zlib": "gzip", "zstd": "zstd"][codec] ?? codec
        let segments = try FileManager.default.subpathsOfDirectory(atPath: tmp.path("out").path)
            .filter { $0.hasSuffix(codec == "zstd" ? ".jsonl.zst" : codec == "lz4" ? ".jsonl.lz4" : ".jsonl.gz") }
        #expect(!segments.isEmpty)
        var stockLines: [String] = []
        for segment in segments {
            let path = tmp.path("out").appendingPathComponent(segment).path
            let inspect = try Msgarchive.run(["inspect", path, "--verify"])
            #expect(inspect.status == 0, "\(inspect.stderr)")
            let stock = try runProcess("/usr/bin/" + tool, ["-dc", path])
            #expect(stock.status == 0)
            stockLines += String(decoding: stock.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        #expect(stockLines.sorted() == corpus.sortedDistinctLines)
    }

    @Test func missingInputIsAnErrorNamingIt() throws {
        let tmp = try TemporaryDirectory("msgarchive-e2e")
        defer { tmp.remove() }
        let result = try Msgarchive.run(["compact", tmp.path("nope/*.jsonl").path, "--out", tmp.path("out").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("nope/*.jsonl"))
    }

    @Test(arguments: [("zlib", "12"), ("zstd", "20"), ("zstd", "0")])
    func badLevelIsAUsageError(codec: String, level: String) throws {
        let result = try Msgarchive.run(["compact", "x", "--out", "/tmp/x", "--codec", codec, "--level", level])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--level \(level)"))
    }
}
