import Foundation
import Testing

@testable import Ledger

/// The `savings` key: cumulative figures, the month's requests, the four costs at the recorded prices, the ledger
/// counting its own line in the overhead, and `audit` naming any figure that no longer follows.
@Suite struct SavingsTests {
    static let gib: Int64 = 1 << 30

    static let prices: Prices = {
        var prices = Fixture.prices
        prices.overhead = 0.1
        prices.putPer1000 = 0.005
        prices.getPer1000 = 0.0004
        prices.retrievalPerGiB = 0.01
        return prices
    }()

    /// Run `index`'s draft with attribution figures that conserve: read = archived + duplicates + quarantined.
    static func draft(_ index: Int, now: Date? = nil) -> LedgerEntry {
        var entry = Fixture.draft(index, now: now)
        var savings = Savings()
        savings.duplicateBytesRun = 7_000_000 + Int64(index) * 1000
        savings.quarantinedBytesRun = 3_000 + Int64(index)
        savings.rereadBytesRun = Int64(index) * 11
        savings.rawBytesReadRun = gib + savings.duplicateBytesRun + savings.quarantinedBytesRun + savings.rereadBytesRun
        savings.archivedRawBytes = entry.tiers.rawBytes
        savings.storedBytes = TierBytes(entry.tiers)
        savings.overheadBytes = 17_500_000
        savings.requestsRun = RequestFigures(put: 120 + index, get: 40, delete: 3, retrievedBytes: gib / 8)
        entry.savings = savings
        entry.version = "0.3.0"
        return entry
    }

    /// A ledger of `count` entries with `savings`, appended as the pipeline does.
    static func ledger(in directory: URL, count: Int, days: [Int]? = nil) throws -> Ledger {
        let ledger = Ledger(url: directory.appendingPathComponent("ledger.jsonl"))
        let model = CostModel(prices: prices)
        for index in 0..<count {
            let previous = try ledger.entries()
            var entry = model.priced(draft(index, now: days.map { Fixture.day($0[index]) }), after: previous)
            entry.savings = model.completing(try #require(entry.savings), now: entry.now, after: previous)
            _ = try ledger.append(entry)
        }
        return ledger
    }

    /// `m(bytes, price)` of docs/ledger.md, computed here independently of `CostModel`.
    static func m(_ bytes: Int64, _ price: Double) -> Int64 {
        Int64((Double(bytes) / 1_073_741_824 * price * 1_000_000).rounded(.toNearestOrAwayFromZero))
    }

    @Test func costsFollowTheDocumentedFormulas() throws {
        let directory = try TemporaryDirectory()
        let entries = try Self.ledger(in: directory.url, count: 3).entries()
        let p = Self.prices
        var read: Int64 = 0
        var duplicates: Int64 = 0
        var reread: Int64 = 0
        for (index, entry) in entries.enumerated() {
            let s = try #require(entry.savings)
            let run = try #require(Self.draft(index).savings)
            read += run.rawBytesReadRun
            duplicates += run.duplicateBytesRun
            reread += run.rereadBytesRun
            #expect(s.rawBytesRead == read)
            #expect(s.duplicateBytes == duplicates)
            #expect(s.prices == p)
            // Three days apart: every earlier run is inside the month.
            let puts = (0...index).reduce(0) { $0 + 120 + $1 }
            let runs = index + 1
            let retrieved = Self.gib / 8 * Int64(runs)
            let month = RequestFigures(put: puts, get: 40 * runs, delete: 3 * runs, retrievedBytes: retrieved)
            #expect(s.requestsMonth == month)
            #expect(s.costRaw.micros == Self.m(read, p.source))
            #expect(s.costDeduped.micros == Self.m(read - duplicates - reread, p.source))
            #expect(s.costCompressed.micros == Self.m(entry.tiers.storedBytes, p.source))
            let requests = Int64(
                ((Double(puts) / 1000 * p.putPer1000 + Double(40 * (index + 1)) / 1000 * p.getPer1000
                    + Double(index + 1) / 8 * p.retrievalPerGiB) * 1_000_000).rounded(.toNearestOrAwayFromZero))
            let actual =
                Self.m(entry.tiers.hot.storedBytes, p.hot) + Self.m(entry.tiers.warm.storedBytes, p.warm)
                + Self.m(entry.tiers.cold.storedBytes, p.cold) + Self.m(s.overheadBytes, p.overhead) + requests
            #expect(s.costActual.micros == actual)
            #expect(s.dedupSaving + s.compressionSaving + s.tieringSaving == s.costRaw - s.costActual)
            #expect(s.dedupSaving > .zero && s.compressionSaving > .zero)
        }
    }

    @Test func overheadCountsTheLedgerWithItsOwnLine() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Self.ledger(in: directory.url, count: 4)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: ledger.url.path)[.size] as? Int)
        let last = try #require(try ledger.entries().last?.savings)
        #expect(last.overheadBytes == 17_500_000 + Int64(size))
        #expect(LedgerAudit.verifyChain(lines: try ledger.rawLines()).isEmpty)
    }

    @Test func requestsOfRunsOlderThanAMonthLeaveTheMonthlyRate() throws {
        let directory = try TemporaryDirectory()
        let entries = try Self.ledger(in: directory.url, count: 3, days: [0, 20, 45]).entries()
        // Day 45: day 20 is 25 days back (inside), day 0 is 45 days back (outside).
        #expect(entries[2].savings?.requestsMonth.put == 121 + 122)
        #expect(entries[1].savings?.requestsMonth.put == 120 + 121)
    }

    @Test func entriesWithoutSavingsStillVerifyAndTheFirstWithSavingsCountsFromZero() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Fixture.ledger(in: directory.url, count: 2)
        let model = CostModel(prices: Self.prices)
        let previous = try ledger.entries()
        var entry = model.priced(Self.draft(2), after: previous)
        entry.savings = model.completing(try #require(entry.savings), now: entry.now, after: previous)
        let written = try ledger.append(entry)
        #expect(written.savings?.rawBytesRead == Self.draft(2).savings?.rawBytesReadRun)
        #expect(previous.allSatisfy { $0.savings == nil })
        #expect(LedgerAudit.verifyChain(lines: try ledger.rawLines()).isEmpty)
    }

    /// `line` with `old` replaced by `new` once, where `old` must occur exactly once.
    static func replacing(_ old: String, with new: String, in line: Data) throws -> Data {
        let text = String(decoding: line, as: UTF8.self)
        try #require(text.components(separatedBy: old).count == 2, "'\(old)' once in \(text)")
        return Data(text.replacingOccurrences(of: old, with: new).utf8)
    }

    /// Lines with line `index` replaced and every later `prev` re-hashed, so the chain itself is intact.
    static func rehashed(_ lines: [Data], replacing index: Int, with line: Data) throws -> [Data] {
        var lines = lines
        lines[index] = line
        for later in (index + 1)..<lines.count {
            var entry = try Ledger.decode(lines[later])
            entry.prev = Ledger.hash(lines[later - 1])
            lines[later] = try Ledger.encode(entry)
        }
        return lines
    }

    @Test(arguments: [
        ("\"source\":0.023", "\"source\":0.025", "cost_raw"),
        ("\"hot\":0.08,\"overhead\"", "\"hot\":0.09,\"overhead\"", "cost_actual"),
        ("\"duplicate_bytes_run\":7001000", "\"duplicate_bytes_run\":7001001", "duplicate_bytes"),
        ("\"put\":121,", "\"put\":129,", "requests_month"),
    ])
    func auditNamesAnEditedPriceOrCountInARehashedChain(old: String, new: String, figure: String) throws {
        let directory = try TemporaryDirectory()
        let lines = try Self.ledger(in: directory.url, count: 3).rawLines()
        let tampered = try Self.rehashed(lines, replacing: 1, with: try Self.replacing(old, with: new, in: lines[1]))
        let findings = LedgerAudit.verifyChain(lines: tampered)
        #expect(!findings.isEmpty)
        #expect(findings.allSatisfy { $0.kind == .savings }, "the chain is intact: \(findings)")
        #expect(
            findings.contains { $0.seq == 2 && $0.line == 2 && $0.message.contains("savings.\(figure) = ") },
            "\(findings)")
    }

    @Test func auditNamesAnEditedCountWithoutRehashingTwice() throws {
        let directory = try TemporaryDirectory()
        var lines = try Self.ledger(in: directory.url, count: 3).rawLines()
        lines[1] = try Self.replacing("\"source\":0.023", with: "\"source\":0.03", in: lines[1])
        let findings = LedgerAudit.verifyChain(lines: lines)
        #expect(findings.contains { $0.kind == .edited && $0.seq == 2 })
        #expect(findings.contains { $0.kind == .savings && $0.seq == 2 && $0.message.contains("savings.cost_raw") })
    }

    @Test func auditComparesTheLastOverheadWithTheDisk() throws {
        let directory = try TemporaryDirectory()
        let last = try #require(try Self.ledger(in: directory.url, count: 1).entries().last)
        let recorded = try #require(last.savings?.overheadBytes)
        #expect(LedgerAudit.compareOverhead(last: last, measured: recorded).isEmpty)
        let findings = LedgerAudit.compareOverhead(last: last, measured: recorded + 1)
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("savings.overhead_bytes = \(recorded)") == true)
    }

    static func offer(_ name: String, storage: Double, put: Double, minDays: Int) -> PriceList.Offer {
        PriceList.Offer(
            name: name, currency: "USD", storage: storage, putPer1000: put, getPer1000: 0, retrievalPerGiB: 0,
            minStorageDays: minDays, asOf: "2025-06-01", url: "https://example.com/\(name)")
    }

    @Test func comparisonPricesTheColdTierAtEachOfferCheapestFirst() throws {
        let directory = try TemporaryDirectory()
        let entries = try Self.ledger(in: directory.url, count: 3).entries()
        let list = PriceList(offers: [
            Self.offer("dear", storage: 0.05, put: 0, minDays: 0),
            Self.offer("archive", storage: 0.001, put: 0.05, minDays: 180),
            Self.offer("cheap", storage: 0.004, put: 0, minDays: 0),
        ])
        let comparison = try PriceComparison(list: list, entries: entries, ledgerBytes: Self.gib)
        // The archive class stores for less but its requests and minimum duration outweigh that here.
        #expect(comparison.rows.map(\.name) == ["cheap", "dear", "archive"])
        let last = try #require(entries.last?.savings)
        let cheap = comparison.rows[0]
        #expect(cheap.storage.micros == Self.m(last.storedBytes.cold, 0.004))
        #expect(cheap.minimumDuration == .zero)
        // Three runs in the month: each ledger copy lives 10 days of the 180 it is billed for.
        let archive = comparison.rows[2]
        #expect(archive.minimumDuration.micros == Self.m(3 * Self.gib, 0.001 * 170 / 30))
        #expect(archive.requests.micros == Int64((Double(last.requestsMonth.put) / 1000 * 0.05 * 1e6).rounded()))
        #expect(comparison.rows.allSatisfy { $0.local == comparison.rows[0].local && $0.local > .zero })
        #expect(comparison.table().contains("https://example.com/cheap (as of 2025-06-01)"))
    }

    @Test func comparisonNeedsAnEntryWithSavings() throws {
        let directory = try TemporaryDirectory()
        let entries = try Fixture.ledger(in: directory.url, count: 1).entries()
        #expect(throws: LedgerError.self) {
            try PriceComparison(list: PriceList(offers: []), entries: entries, ledgerBytes: 0)
        }
    }
}
