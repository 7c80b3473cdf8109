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

@Suite struct CompactFieldMappingTests {
    /// The corpus with its `timestamp` key renamed `ts`.
    static func renamed(_ corpus: LogCorpus, into dir: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var distinct: [String] = []
        for (n, file) in corpus.files.enumerated() {
            let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(
                of: #""timestamp":"#, with: #""ts":"#)
            try text.write(to: dir.appendingPathComponent("\(n).jsonl"), atomically: true, encoding: .utf8)
        }
        for line in corpus.distinctLines {
            distinct.append(line.replacingOccurrences(of: #""timestamp":"#, with: #""ts":"#))
        }
        return distinct
    }

    @Test func aRenamedTimestampIsNamedWithFieldAndWithoutItTheRunSaysHow() throws {
        let tmp = try TemporaryDirectory("msgarchive-e2e")
        defer { tmp.remove() }
        let corpus = try LogCorpus.write(
            to: tmp.path("orig"), firstDay: 20_400, days: 3, messagesPerDay: 200, conversations: 20, seed: 8)
        let distinct = try Self.renamed(corpus, into: tmp.path("logs"))
        let pattern = tmp.path("logs").path + "/*.jsonl"

        let unmapped = try Msgarchive.run(["compact", pattern, "--out", tmp.path("bad").path])
        #expect(unmapped.status == 2, "\(unmapped.stderr)")
        #expect(
            unmapped.stdoutText.contains("lines lack 'timestamp'; they have 'ts' (RFC 3339): use --field timestamp=ts"))

        let mapped = try Msgarchive.run(
            ["compact", pattern, "--out", tmp.path("out").path, "--field", "timestamp=ts", "--json"])
        #expect(mapped.status == 0, "\(mapped.stderr)")
        let export = try Msgarchive.run(["export", tmp.path("out").path])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdoutText.split(separator: "\n").map(String.init).sorted() == distinct.sorted())

        let badFlag = try Msgarchive.run(["compact", pattern, "--out", tmp.path("x").path, "--field", "time=ts"])
        #expect(badFlag.status == 2)
        #expect(badFlag.stderr.contains("--field 'time=ts' is not NAME=KEY"))
    }
}

@Suite struct CompactChatStoreFormatTests {
    /// Matrix room events (ids with `$`, `!` and `:`) and Rocket.Chat messages with relaxed and canonical
    /// EJSON dates, a few redelivered.
    static func lines(_ format: String, count: Int) -> [String] {
        (0..<count).map { n in
            let ms = 1_736_478_514_000 + Int64(n) * 61_000
            switch format {
            case "matrix":
                return #"{"event_id":"$ev\#(n):example.org","room_id":"!room\#(n % 3):example.org","#
                    + #""sender":"@u\#(n % 5):example.org","origin_server_ts":\#(ms),"type":"m.room.message","#
                    + #""content":{"msgtype":"m.text","body":"hello \#(n)"}}"#
            default:
                let date = n % 2 == 0 ? #"{"$date":{"$numberLong":"\#(ms)"}}"# : #"{"$date":\#(ms)}"#
                return #"{"_id":"rc\#(n)","rid":"GENERAL","msg":"hi \#(n)","ts":\#(date),"#
                    + #""u":{"_id":"uid\#(n % 4)","username":"user\#(n % 4)"},"_updatedAt":\#(date)}"#
            }
        }
    }

    @Test(arguments: ["matrix", "rocketchat"])
    func aChatStoreExportRoundTripsThroughItsFormat(format: String) throws {
        let tmp = try TemporaryDirectory("msgarchive-e2e")
        defer { tmp.remove() }
        let lines = Self.lines(format, count: 300)
        let written = lines + lines.prefix(20)
        try Data(written.map { $0 + "\n" }.joined().utf8).write(to: tmp.path("export.json"))
        let compact = try Msgarchive.run(
            ["compact", tmp.path("export.json").path, "--out", tmp.path("out").path, "--format", format, "--json"])
        #expect(compact.status == 0, "\(compact.stderr)")
        let counts = (try JSONSerialization.jsonObject(with: compact.stdout) as? [String: Any])?["counts"]
        #expect((counts as? [String: Any])?["records_archived"] as? Int == 300)
        #expect((counts as? [String: Any])?["duplicates_id"] as? Int == 20)
        let export = try Msgarchive.run(["export", tmp.path("out").path])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdoutText.split(separator: "\n").map(String.init).sorted() == lines.sorted())
        let oneRoom = try Msgarchive.run(
            [
                "export", tmp.path("out").path, "--format", format, "--conversation",
                format == "matrix" ? "!room1:example.org" : "GENERAL",
            ])
        #expect(oneRoom.status == 0, "\(oneRoom.stderr)")
        #expect(oneRoom.stdoutText.split(separator: "\n").count == (format == "matrix" ? 100 : 300))
    }
}
