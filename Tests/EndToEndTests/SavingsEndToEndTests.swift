import Foundation
import TestSupport
import Testing

/// Issue 15's "Done when", through the built binary: after runs at several `--now` dates over a multi-month
/// corpus, the last entry's `savings` against the logs, the files and the cold store, and its costs against the
/// formulas of `docs/ledger.md`.
@Suite struct SavingsEndToEndTests {
    typealias Fixture = LedgerEndToEndTests.Fixture

    /// Every line of every log, decompressed with the stock tools.
    static func logLines(_ fx: Fixture) throws -> [String] {
        let logs = fx.tmp.path("logs")
        var lines: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: logs.path).sorted() {
            let url = logs.appendingPathComponent(name)
            let tool = ["gz": "/usr/bin/gzip", "lz4": "/usr/bin/lz4", "zst": "/usr/bin/zstd"][url.pathExtension]
            let data = try tool.map { try run($0, ["-dc", url.path]) } ?? Data(contentsOf: url)
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.hasSuffix("\n"), "\(name) ends with a newline")
            lines += text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
        return lines
    }

    /// Bytes of `lines`, each with its newline.
    static func bytes(_ lines: [String]) -> Int { lines.reduce(0) { $0 + $1.utf8.count + 1 } }

    @Test func lastEntryMatchesTheLogsTheDiskAndTheFormulas() throws {
        let fx = try LedgerEndToEndTests.threeRuns()
        defer { fx.tmp.remove() }
        let entries = try fx.entries()
        let last = try #require(entries.last)
        let savings = try #require(last["savings"] as? [String: Any])
        func figure(_ key: String) -> Int { savings[key] as? Int ?? -1 }
        #expect(entries.allSatisfy { $0["savings"] != nil && $0["version"] as? String == "0.3.0" })

        // The logs, read independently: a line whose id was seen before is a dropped duplicate; a line that
        // is not JSON (a torn write) is quarantined.
        var seen = Set<String>()
        var kept: [String] = []
        var dropped: [String] = []
        var torn: [String] = []
        let lines = try Self.logLines(fx)
        for line in lines {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let id = object["id"] as? String
            else {
                torn.append(line)
                continue
            }
            if seen.insert(id).inserted { kept.append(line) } else { dropped.append(line) }
        }
        #expect(dropped.count == fx.duplicates && torn.count == fx.torn && kept.count == fx.distinct)
        #expect(figure("raw_bytes_read") == Self.bytes(lines))
        #expect(figure("duplicate_bytes") == Self.bytes(dropped))
        #expect(figure("quarantined_bytes") == Self.bytes(torn))
        #expect(figure("reread_bytes") == 0)
        #expect(figure("archived_raw_bytes") == Self.bytes(kept))
        let run = entries.map { ($0["savings"] as? [String: Any])?["duplicate_bytes_run"] as? Int ?? -1 }
        #expect(run.reduce(0, +) == Self.bytes(dropped), "the runs' shares add up")

        // Stored bytes per tier from the disk and the embedded cold store; overhead is every other file.
        let stored = try #require(savings["stored_bytes"] as? [String: Int])
        let local = try fx.sizes(under: fx.archive.appendingPathComponent("segments"))
        let cold = try fx.sizes(under: fx.archive.appendingPathComponent("cold/data/segments"))
        #expect(stored["hot"] == Int(local["hot"]?.bytes ?? -1))
        #expect(stored["warm"] == Int(local["warm"]?.bytes ?? -1))
        #expect(stored["cold"] == Int(cold.values.reduce(Int64(0)) { $0 + $1.bytes }))
        let root = try fx.sizes(under: fx.archive)
        let overhead = root.filter { !["segments", "cold", ".lock"].contains($0.key) }
        #expect(overhead["catalog.sqlite"] != nil && overhead["ledger.jsonl"] != nil && overhead["quarantine"] != nil)
        #expect(figure("overhead_bytes") == Int(overhead.values.reduce(Int64(0)) { $0 + $1.bytes }), "\(overhead)")

        // The four costs by hand, at the pipeline's prices (overhead at the hot price; a directory store sends no
        // request).
        let p = LedgerEndToEndTests.prices
        func m(_ bytes: Int, _ price: Double) -> Int {
            Int((Double(bytes) / 1_073_741_824 * price * 1_000_000).rounded(.toNearestOrAwayFromZero))
        }
        func micros(_ key: String) throws -> Int {
            let value = try #require(savings[key] as? Double, "\(key)")
            return Int((value * 1_000_000).rounded())
        }
        let total = (stored["hot"] ?? 0) + (stored["warm"] ?? 0) + (stored["cold"] ?? 0)
        #expect(try micros("cost_raw") == m(figure("raw_bytes_read"), p["source"]!))
        #expect(try micros("cost_deduped") == m(figure("raw_bytes_read") - figure("duplicate_bytes"), p["source"]!))
        #expect(try micros("cost_compressed") == m(total, p["source"]!))
        let actual =
            m(stored["hot"] ?? 0, p["hot"]!) + m(stored["warm"] ?? 0, p["warm"]!) + m(stored["cold"] ?? 0, p["cold"]!)
            + m(figure("overhead_bytes"), p["hot"]!)
        #expect(try micros("cost_actual") == actual)
        #expect(savings["requests_run"] as? [String: Int] == ["put": 0, "get": 0, "delete": 0, "retrieved_bytes": 0])

        #expect(try fx.audit().status == 0)
        // A file left under the root is overhead the last entry does not know of.
        let stray = fx.archive.appendingPathComponent("stray.bin")
        try Data(count: 10).write(to: stray)
        let audit = try fx.audit()
        #expect(audit.status == 1 && audit.stdoutText.contains("savings.overhead_bytes"), "\(audit.stdoutText)")
        try FileManager.default.removeItem(at: stray)
    }

    @Test func auditNamesAnEditedPriceOrCount() throws {
        let fx = try LedgerEndToEndTests.threeRuns()
        defer { fx.tmp.remove() }
        let original = try Data(contentsOf: fx.ledger)
        var lines = original.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        // The middle entry's source price, without re-hashing: the chain breaks, and the figures name the cost.
        lines[1] = lines[1].replacingOccurrences(of: "\"source\":80,", with: "\"source\":81,")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: fx.ledger)
        let result = try fx.audit()
        #expect(result.status == 1)
        #expect(result.stdoutText.contains("seq 2) records savings.cost_raw ="), "\(result.stdoutText)")
        #expect(result.stdoutText.contains("was changed after it was written"), "\(result.stdoutText)")
        try original.write(to: fx.ledger)
        #expect(try fx.audit().status == 0)
    }

    @Test func compareListsEveryProviderCheapestFirst() throws {
        let fx = try LedgerEndToEndTests.threeRuns()
        defer { fx.tmp.remove() }
        let prices = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("pipelines/prices.example.yaml")
        let result = try Msgarchive.run(["report"] + fx.arguments + ["--compare", prices.path])
        #expect(result.status == 0, "\(result.stderr)")
        let yaml = try String(contentsOf: prices, encoding: .utf8)
        let names = yaml.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "  - name: ") else { return nil }
            return String(line[range.upperBound...])
        }
        #expect(names.count >= 8)
        let rows = result.stdoutText.split(separator: "\n").filter { row in names.contains { row.hasPrefix($0 + " ") } }
        #expect(rows.count == names.count, "\(result.stdoutText)")
        let totals = try rows.map { row in
            let fields = row.split(separator: " ", omittingEmptySubsequences: true)
            let index = try #require(fields.firstIndex { Double($0) != nil })
            return try #require(Double(fields[index]))
        }
        #expect(totals == totals.sorted(), "cheapest first: \(result.stdoutText)")
        #expect(totals.first! < totals.last!)
        #expect(result.stdoutText.contains("https://aws.amazon.com/s3/pricing/"))
        #expect(result.stdoutText.contains("Illustrative"))
    }

    @Test func reportShowsTheAttributionInEveryFormat() throws {
        let fx = try LedgerEndToEndTests.threeRuns()
        defer { fx.tmp.remove() }
        let json = try Msgarchive.run(["report"] + fx.arguments + ["--format", "json", "--by", "month"])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        let last = try #require(rows.last)
        let savings = try #require(try fx.entries().last?["savings"] as? [String: Any])
        for key in ["cost_raw", "cost_deduped", "cost_compressed", "cost_actual", "duplicate_bytes", "overhead_bytes"] {
            #expect((last[key] as? NSNumber)?.doubleValue == (savings[key] as? NSNumber)?.doubleValue, "\(key)")
        }
        let raw = try #require(last["cost_raw"] as? Double)
        let deduped = try #require(last["cost_deduped"] as? Double)
        #expect(abs((last["dedup_saving"] as? Double ?? -1) - (raw - deduped)) < 1e-9)
        let csv = try Msgarchive.run(["report"] + fx.arguments + ["--format", "csv", "--by", "month"])
        let header = String(decoding: csv.stdout, as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
        #expect(header.hasSuffix(",cost_actual,dedup_saving,compression_saving,tiering_saving"), "\(header)")
        let table = try Msgarchive.run(["report"] + fx.arguments + ["--by", "month"])
        #expect(table.stdoutText.contains("dedup/mo") && table.stdoutText.contains("tiers/mo"))
    }
}
