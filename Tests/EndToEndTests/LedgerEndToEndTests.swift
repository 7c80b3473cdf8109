import Foundation
import TestSupport
import Testing

/// Issue 5's "Done when", through the built binary: three batches of logs archived by three runs, then the ledger
/// checked against the inputs and the storage, tampered with, and reported in every format.
@Suite struct LedgerEndToEndTests {
    /// One archive built by three runs, with what its inputs hold.
    struct Fixture {
        let tmp: TemporaryDirectory
        let pipeline: URL
        /// Lines written to the logs in all, and what the runs should make of them.
        var lines = 0
        var distinct = 0
        var duplicates = 0
        var torn = 0

        var archive: URL { tmp.path("archive") }
        var ledger: URL { archive.appendingPathComponent("ledger.jsonl") }
        var arguments: [String] { ["--pipeline", pipeline.path] }

        init() throws {
            tmp = try TemporaryDirectory("msgarchive-ledger")
            pipeline = tmp.path("pipeline.yaml")
            // Against 2 KiB cold blocks no day is small, so each turns cold at its own age, not its month's.
            try """
            version: 1
            archive: \(archive.path)
            sources:
              - paths: ["\(tmp.path("logs").path)/*.jsonl*"]
            dedup: {mode: id, horizon: 7d}
            tiers:
              hot: {codec: lz4, level: 1}
              warm: {after: 7d, codec: zlib, level: 6}
              cold: {after: 30d, codec: zlib, level: 9, pack_target: 16KiB, block_size: 2KiB}
            block_size: 8KiB
            prices: {currency: USD, source: 80, hot: 80, warm: 45, cold: 4}
            """.write(to: pipeline, atomically: true, encoding: .utf8)
        }

        /// Writes a batch of daily logs, plus a log that redelivers `redelivered` lines from earlier batches and
        /// holds one torn line; returns the batch's distinct lines.
        mutating func writeBatch(
            _ batch: Int, firstDay: Int, days: Int, seed: UInt64, redelivered: [String]
        ) throws -> [String] {
            let corpus = try LogCorpus.write(
                to: tmp.path("logs"), firstDay: firstDay, days: days, messagesPerDay: 40, conversations: 25,
                seed: seed, compressEvery: 4)
            lines += corpus.totalLines
            distinct += corpus.distinctLines.count
            duplicates += corpus.redeliveries
            torn += corpus.tornLines
            if !redelivered.isEmpty {
                let cut = String(redelivered[0].prefix(30))
                try Data((redelivered + [cut]).joined(separator: "\n").utf8 + [0x0A])
                    .write(to: tmp.path("logs/redelivered-\(batch).jsonl"))
                lines += redelivered.count + 1
                duplicates += redelivered.count
                torn += 1
            }
            return corpus.distinctLines
        }

        func run(now: String) throws {
            let result = try Msgarchive.run(["run"] + arguments + ["--now", now, "--json"])
            #expect(result.status == 0, "run at \(now): \(result.stderr)")
        }

        func audit(_ extra: [String] = []) throws -> ProcessResult {
            try Msgarchive.run(["audit"] + arguments + extra)
        }

        func entries() throws -> [[String: Any]] {
            try Data(contentsOf: ledger).split(separator: 0x0A).map {
                try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
            }
        }

        /// Sizes of the regular files under `directory`, grouped by the first path component below it.
        func sizes(under directory: URL) throws -> [String: (files: Int, bytes: Int64)] {
            var sizes: [String: (files: Int, bytes: Int64)] = [:]
            let base = directory.standardizedFileURL.path + "/"
            guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
                return sizes
            }
            for case let url as URL in walker {
                let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
                guard values.isRegularFile == true else { continue }
                let relative = url.standardizedFileURL.path.dropFirst(base.count)
                let group = String(relative.split(separator: "/").first ?? "")
                sizes[group, default: (0, 0)].files += 1
                sizes[group, default: (0, 0)].bytes += Int64(values.fileSize ?? 0)
            }
            return sizes
        }
    }

    // Days since the epoch: 2026-01-01 is 20454, 2026-01-25 is 20478, 2026-02-12 is 20496.
    static let runs = ["2026-01-12T03:00:00Z", "2026-02-12T03:00:00Z", "2026-02-27T03:00:00Z"]

    /// Three batches, three runs: by 2026-02-27 the first batch is cold, the second spans cold and warm, the
    /// third warm and hot. Later batches redeliver earlier messages, some already warm or cold.
    static func threeRuns() throws -> Fixture {
        var fixture = try Fixture()
        let first = try fixture.writeBatch(1, firstDay: 20_454, days: 10, seed: 51, redelivered: [])
        try fixture.run(now: runs[0])
        let second = try fixture.writeBatch(
            2, firstDay: 20_478, days: 18, seed: 52, redelivered: Array(first.prefix(12)) + [first[200], first[200]])
        try fixture.run(now: runs[1])
        _ = try fixture.writeBatch(
            3, firstDay: 20_496, days: 14, seed: 53, redelivered: Array(first.suffix(5)) + Array(second.prefix(9)))
        try fixture.run(now: runs[2])
        return fixture
    }

    @Test func ledgerSumsMatchTheInputsAndItsLastEntryTheStorage() throws {
        let fx = try Self.threeRuns()
        defer { fx.tmp.remove() }
        let entries = try fx.entries()
        #expect(entries.count == 3)
        #expect(entries.map { $0["now"] as? String } == Self.runs)
        func sum(_ key: String) -> Int { entries.reduce(0) { $0 + ($1[key] as? Int ?? -1_000_000) } }
        let idDuplicates = entries.reduce(0) { $0 + (($1["duplicates"] as? [String: Int])?["id"] ?? -1_000_000) }
        #expect(sum("lines_read") == fx.lines)
        #expect(sum("records_archived") == fx.distinct)
        #expect(idDuplicates == fx.duplicates)
        #expect(sum("quarantined") == fx.torn)
        #expect(fx.lines == fx.distinct + fx.duplicates + fx.torn)
        let logs = try fx.sizes(under: fx.tmp.path("logs")).values.reduce(Int64(0)) { $0 + $1.bytes }
        #expect(Int64(sum("input_bytes")) == logs, "input bytes are the logs' sizes as stored")
        try Self.expectMoneyAsDocumented(entries, prices: Self.prices)
        let middle = try #require(entries[1]["tiers"] as? [String: [String: Int]])
        #expect(["hot", "warm", "cold"].allSatisfy { (middle[$0]?["stored_bytes"] ?? 0) > 0 }, "\(middle)")
        #expect(entries.allSatisfy { ($0["lines_read"] as? Int ?? 0) > 0 }, "every run read its batch")

        // The last entry against the files and the cold store's objects, to the byte.
        let tiers = try #require(entries.last?["tiers"] as? [String: [String: Int]])
        let local = try fx.sizes(under: fx.archive.appendingPathComponent("segments"))
        let cold = try fx.sizes(under: fx.archive.appendingPathComponent("cold/data/segments"))
        #expect(Set(local.keys) == ["hot", "warm"])
        for tier in ["hot", "warm"] {
            #expect(tiers[tier]?["stored_bytes"] == Int(local[tier]?.bytes ?? -1), "\(tier) stored bytes")
            #expect(tiers[tier]?["segments"] == local[tier]?.files, "\(tier) segments")
            #expect((tiers[tier]?["stored_bytes"] ?? 0) > 0)
        }
        let coldBytes = cold.values.reduce(Int64(0)) { $0 + $1.bytes }
        #expect(tiers["cold"]?["stored_bytes"] == Int(coldBytes), "cold stored bytes")
        #expect(coldBytes > 0)
        // Cold segments are packed several to an object.
        let objects = cold.values.reduce(0) { $0 + $1.files }
        #expect((tiers["cold"]?["segments"] ?? 0) >= objects && objects > 0)
        let records = entries.last?["records_total"] as? Int
        #expect(records == fx.distinct)

        let audit = try fx.audit()
        #expect(audit.status == 0, "\(audit.stdoutText)\(audit.stderr)")
        let deep = try fx.audit(["--deep"])
        #expect(deep.status == 0, "\(deep.stdoutText)\(deep.stderr)")
        let sample = try fx.audit(["--sample", "3"])
        #expect(sample.status == 0, "\(sample.stdoutText)\(sample.stderr)")

        // A run with nothing new still writes an entry, and the archive still agrees with it.
        try fx.run(now: "2026-02-27T09:00:00Z")
        let after = try fx.entries()
        #expect(after.count == 4)
        #expect(after.last?["lines_read"] as? Int == 0)
        #expect(after.last?["status"] as? String == "nothing_new")
        #expect(try fx.audit().status == 0)

        // One byte more in a warm segment or a cold object, and the storage no longer matches the last entry.
        for (directory, tier) in [("segments/warm", "warm"), ("cold/data/segments", "cold")] {
            let root = fx.archive.appendingPathComponent(directory)
            let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
            let file = try #require(walker?.compactMap { $0 as? URL }.first { $0.pathExtension == "gz" })
            let bytes = try Data(contentsOf: file)
            try (bytes + [0]).write(to: file)
            let result = try fx.audit()
            #expect(result.status == 1)
            #expect(result.stdoutText.contains("tiers.\(tier).stored_bytes"), "\(result.stdoutText)")
            try bytes.write(to: file)
        }
        #expect(try fx.audit().status == 0)
    }

    @Test func auditNamesEveryTamperedEntry() throws {
        let fx = try Self.threeRuns()
        defer { fx.tmp.remove() }
        let original = try Data(contentsOf: fx.ledger)
        let lines = original.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        #expect(lines.count == 3)
        #expect(try fx.audit().status == 0)

        func expectFailure(_ tampered: [String], naming names: [String], _ comment: String) throws {
            try Data((tampered.joined(separator: "\n") + "\n").utf8).write(to: fx.ledger)
            defer { try? original.write(to: fx.ledger) }
            let result = try fx.audit()
            #expect(result.status == 1, "\(comment): \(result.stdoutText)\(result.stderr)")
            for name in names {
                #expect(result.stdoutText.contains(name), "\(comment) should name '\(name)': \(result.stdoutText)")
            }
        }

        for (index, line) in lines.enumerated() {
            let seq = "seq \(index + 1)"
            // A digit of a figure nothing else checks: only the chain (or, for the last line, the mirror) can tell.
            for key in ["\"input_bytes\":", "\"uploaded_bytes\":", "\"started\":\"2"] {
                var edited = lines
                edited[index] = try Self.changingDigit(after: key, in: line)
                try expectFailure(edited, naming: [seq], "entry \(index + 1) \(key) edited")
            }
            var conservation = lines
            conservation[index] = try Self.changingDigit(after: "\"lines_read\":", in: line)
            try expectFailure(conservation, naming: [seq], "entry \(index + 1) lines_read edited")

            var unreadable = lines
            unreadable[index] = "[" + line.dropFirst()
            let notJSON = "Line \(index + 1) of the ledger is not a ledger entry"
            try expectFailure(unreadable, naming: [notJSON], "line \(index + 1) not JSON")

            var deleted = lines
            deleted.remove(at: index)
            try expectFailure(deleted, naming: [seq], "line \(index + 1) deleted")
        }
        for (a, b) in [(0, 1), (1, 2), (0, 2)] {
            var swapped = lines
            swapped.swapAt(a, b)
            try expectFailure(swapped, naming: ["seq \(b + 1)"], "lines \(a + 1) and \(b + 1) swapped")
        }
        #expect(try Data(contentsOf: fx.ledger) == original)
        #expect(try fx.audit().status == 0, "restored")
    }

    /// The test pipeline's prices per GiB-month, a thousand times a cloud's, so that a small archive's money
    /// figures have digits to compare.
    static let prices = ["source": 80.0, "hot": 80, "warm": 45, "cold": 4]

    /// Every entry's money figures recomputed as `docs/ledger.md` defines them: `before` from the input bytes of
    /// all entries so far, `after` from its tiers, `saving_per_month` their difference, `cumulative_saving` the
    /// previous one plus the previous saving accrued over the time between the two `now`s.
    static func expectMoneyAsDocumented(_ entries: [[String: Any]], prices: [String: Double]) throws {
        func micros(_ bytes: Int, _ price: Double) -> Int64 {
            Int64((Double(bytes) / 1_073_741_824 * price * 1_000_000).rounded(.toNearestOrAwayFromZero))
        }
        func money(_ value: Any?) throws -> Int64 {
            Int64((try #require(value as? Double) * 1_000_000).rounded(.toNearestOrAwayFromZero))
        }
        var input = 0
        var previous: (saving: Int64, cumulative: Int64, now: Date)?
        for entry in entries {
            input += try #require(entry["input_bytes"] as? Int)
            let tiers = try #require(entry["tiers"] as? [String: [String: Int]])
            let cost = try #require(entry["cost_per_month"] as? [String: Any])
            let before = micros(input, prices["source", default: 0])
            let after = ["hot", "warm", "cold"].reduce(Int64(0)) {
                $0 + micros(tiers[$1]?["stored_bytes"] ?? -1, prices[$1, default: 0])
            }
            #expect(try money(cost["before"]) == before, "before of \(entry["seq"] ?? "?")")
            #expect(try money(cost["after"]) == after, "after of \(entry["seq"] ?? "?")")
            #expect(try money(entry["saving_per_month"]) == before - after)
            #expect(before > after, "archiving saves")
            let nowText = try #require(entry["now"] as? String)
            let now = try #require(ISO8601DateFormatter().date(from: nowText))
            var cumulative: Int64 = 0
            if let previous {
                let accrued = Double(previous.saving) * now.timeIntervalSince(previous.now) / 2_592_000
                cumulative = previous.cumulative + Int64(accrued.rounded(.toNearestOrAwayFromZero))
            }
            #expect(try money(entry["cumulative_saving"]) == cumulative, "cumulative of \(entry["seq"] ?? "?")")
            previous = (before - after, cumulative, now)
        }
    }

    /// `line` with the first digit after `key` changed (9 becomes 1, others go up by one).
    static func changingDigit(after key: String, in line: String) throws -> String {
        var bytes = Array(line.utf8)
        let start = try #require(line.range(of: key)).upperBound.utf16Offset(in: line)
        let digit = try #require(bytes[start...].firstIndex { (0x30...0x39).contains($0) })
        bytes[digit] = bytes[digit] == 0x39 ? 0x31 : bytes[digit] + 1
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func reportFormatsAgreeOnEveryFigure() throws {
        let fx = try Self.threeRuns()
        defer { fx.tmp.remove() }
        let entries = try fx.entries()
        for period in ["day", "week", "month"] {
            func report(_ format: String) throws -> String {
                let result = try Msgarchive.run(["report"] + fx.arguments + ["--format", format, "--by", period])
                #expect(result.status == 0, "\(format) by \(period): \(result.stderr)")
                return result.stdoutText
            }
            // RFC 4180: every record, the last too, ends in CRLF, and nothing follows it.
            var csvLines = try report("csv").components(separatedBy: "\r\n")
            #expect(csvLines.last == "", "csv by \(period) ends in one CRLF")
            csvLines.removeLast()
            #expect(csvLines.allSatisfy { !$0.isEmpty && !$0.contains("\n") }, "csv by \(period): \(csvLines)")
            let header = csvLines[0].split(separator: ",").map(String.init)
            let rows = csvLines.dropFirst().map { line in
                Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",").map(String.init)))
            }
            let expected = Self.periods(entries, by: period)
            #expect(rows.map { $0["period"] } == expected.map(\.label), "periods by \(period)")

            // Every figure against the ledger: sums over the period, storage and money from its last entry.
            for (row, group) in zip(rows, expected) {
                let last = try #require(group.entries.last)
                let tiers = try #require(last["tiers"] as? [String: [String: Int]])
                let cost = try #require(last["cost_per_month"] as? [String: Any])
                func total(_ key: String) -> Int { group.entries.reduce(0) { $0 + ($1[key] as? Int ?? 0) } }
                let duplicates = group.entries.compactMap { $0["duplicates"] as? [String: Int] }
                    .reduce(0) { $0 + $1["id", default: 0] + $1["content", default: 0] }
                let figures: [String: String] = [
                    "runs": "\(group.entries.count)", "lines_read": "\(total("lines_read"))",
                    "records_archived": "\(total("records_archived"))", "duplicates": "\(duplicates)",
                    "quarantined": "\(total("quarantined"))", "input_bytes": "\(total("input_bytes"))",
                    "hot_stored_bytes": "\(tiers["hot"]?["stored_bytes"] ?? -1)",
                    "warm_stored_bytes": "\(tiers["warm"]?["stored_bytes"] ?? -1)",
                    "cold_stored_bytes": "\(tiers["cold"]?["stored_bytes"] ?? -1)",
                    "stored_bytes": "\(tiers.values.reduce(0) { $0 + ($1["stored_bytes"] ?? 0) })",
                    "currency": "USD",
                ]
                for (key, value) in figures {
                    #expect(row[key] == value, "\(key) of \(group.label) by \(period)")
                }
                let money: [String: Double] = [
                    "cost_before": cost["before"] as? Double ?? -1, "cost_after": cost["after"] as? Double ?? -1,
                    "saving_per_month": last["saving_per_month"] as? Double ?? -1,
                    "cumulative_saving": last["cumulative_saving"] as? Double ?? -1,
                ]
                for (key, value) in money {
                    #expect(Self.micros(row[key]) == Int64((value * 1_000_000).rounded()), "\(key) of \(group.label)")
                }
            }

            // JSON: one object a line with the CSV's figures, digit for digit.
            let json = try report("json")
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            #expect(parsed.count == rows.count)
            let objects = json.split(separator: "\n").filter { $0.hasPrefix("{") }
            #expect(objects.count == rows.count)
            for (object, row) in zip(objects, rows) {
                for name in header {
                    let value = try #require(row[name])
                    let numeric = !["period", "start", "currency"].contains(name)
                    let pair = "\"\(name)\":" + (numeric ? value : "\"\(value)\"")
                    #expect(object.contains(pair + ",") || object.contains(pair + "}"), "json \(pair) by \(period)")
                }
            }
            for (object, row) in zip(parsed, rows) {
                #expect(object["lines_read"] as? Int == Int(row["lines_read"] ?? ""))
                #expect(object["period"] as? String == row["period"])
            }

            // HTML: every figure in a cell, and a chart with a bar per tier.
            let html = try report("html")
            #expect(html.contains("<svg"))
            for row in rows {
                for name in header {
                    let value = try #require(row[name])
                    #expect(html.contains(">\(value)</td>"), "html lacks \(name) \(value) by \(period)")
                }
                for tier in ["hot", "warm", "cold"] where row["\(tier)_stored_bytes"] != "0" {
                    let bar = "\(row["period"] ?? "") \(tier): \(row["\(tier)_stored_bytes"] ?? "") bytes"
                    #expect(html.contains(bar), "html chart lacks \(bar)")
                }
            }

            // Table: the counts as printed, per period.
            let table = try report("table").split(separator: "\n").dropFirst()
            #expect(table.count == rows.count)
            for (line, row) in zip(table, rows) {
                let cells = Array(line.split(separator: " ").map(String.init).prefix(6))
                let figures = ["period", "runs", "lines_read", "records_archived", "duplicates", "quarantined"]
                #expect(cells == figures.map { row[$0] ?? "" }, "table by \(period)")
            }
        }
    }

    @Test func reportKeepsTheEntriesInsideSinceAndUntil() throws {
        var fx = try Fixture()
        defer { fx.tmp.remove() }
        for (batch, now) in Self.runs.enumerated() {
            _ = try fx.writeBatch(
                batch + 1, firstDay: 20_454 + 20 * batch, days: 2, seed: UInt64(60 + batch), redelivered: [])
            try fx.run(now: now)
        }
        func periods(_ range: [String]) throws -> [String] {
            let result = try Msgarchive.run(["report"] + fx.arguments + range + ["--format", "csv"])
            #expect(result.status == 0, "\(range): \(result.stderr)")
            return result.stdoutText.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
                .map { String($0.prefix(10)) }
        }
        #expect(try periods([]) == ["2026-01-12", "2026-02-12", "2026-02-27"])
        // A day includes all of it; an instant is the last one included.
        #expect(try periods(["--since", "2026-02-12", "--until", "2026-02-12"]) == ["2026-02-12"])
        #expect(try periods(["--until", "2026-02-12T02:59:59Z"]) == ["2026-01-12"])
        #expect(try periods(["--since", "2026-01-13"]) == ["2026-02-12", "2026-02-27"])
    }

    /// Ledger entries grouped by the UTC day, ISO week or month of their `now` (the runs are all in 2026).
    static func periods(_ entries: [[String: Any]], by period: String) -> [(label: String, entries: [[String: Any]])] {
        var groups: [(label: String, entries: [[String: Any]])] = []
        for entry in entries {
            let now = entry["now"] as? String ?? ""
            let label: String
            switch period {
            case "day": label = String(now.prefix(10))
            case "month": label = String(now.prefix(7))
            default:
                var calendar = Calendar(identifier: .iso8601)
                calendar.timeZone = TimeZone(identifier: "UTC").unsafelyUnwrapped
                let date = ISO8601DateFormatter().date(from: now) ?? Date(timeIntervalSince1970: 0)
                let week = calendar.component(.weekOfYear, from: date)
                label = "\(calendar.component(.yearForWeekOfYear, from: date))-W\(week < 10 ? "0" : "")\(week)"
            }
            if groups.last?.label == label {
                groups[groups.count - 1].entries.append(entry)
            } else {
                groups.append((label, [entry]))
            }
        }
        return groups
    }

    /// A six-decimal figure as millionths, nil when it is not one.
    static func micros(_ text: String?) -> Int64? {
        guard let text, let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) == 7 else {
            return nil
        }
        return Int64(text.replacingOccurrences(of: ".", with: ""))
    }
}
