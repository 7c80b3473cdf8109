import Foundation
import Testing

@testable import Ledger

@Suite struct LedgerTests {
    @Test func appendsChainsAndReadsBack() throws {
        let directory = try TemporaryDirectory()
        let ledger = Ledger(url: directory.url.appendingPathComponent("ledger.jsonl"))
        let model = CostModel(prices: Fixture.prices)
        var written: [LedgerEntry] = []
        for index in 0..<3 {
            written.append(try ledger.append(model.priced(Fixture.draft(index), after: written)))
        }
        #expect(try ledger.entries() == written)
        let lines = try ledger.rawLines()
        #expect(lines.count == 3)
        #expect(written.map(\.seq) == [1, 2, 3])
        #expect(written[0].prev == "")
        #expect(written[1].prev == Ledger.hash(lines[0]))
        #expect(written[2].prev == Ledger.hash(lines[1]))
        // The file's bytes end in a newline and the chain hashes the line without it.
        let data = try Data(contentsOf: ledger.url)
        #expect(data.last == 0x0A)
        #expect(LedgerAudit.verifyChain(lines: lines).isEmpty)
    }

    @Test func writesSortedSnakeCaseKeysAndRFC3339Dates() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Fixture.ledger(in: directory.url, count: 1)
        let line = try #require(try ledger.rawLines().first)
        let text = try #require(String(data: line, encoding: .utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        let expected = [
            "cost_per_month", "cumulative_saving", "duplicates", "finished", "input_bytes", "lines_read", "now",
            "pipeline", "prev", "quarantined", "records_archived", "records_total", "retention_deleted_records",
            "run_id", "saving_per_month", "seq", "sources_deleted", "started", "status", "tiers", "uploaded_bytes",
            "version", "freed_bytes",
        ]
        #expect(Set(object.keys) == Set(expected))
        #expect(text.hasPrefix("{\"cost_per_month\":{\"after\":"))
        #expect(text.contains("\"now\":\"2026-05-01T02:00:00Z\""))
        #expect(text.contains("\"started\":\"2026-05-01T02:00:00Z\""))
        #expect(text.contains("\"finished\":\"2026-05-01T02:00:42Z\""))
        #expect(text.contains("\"tiers\":{\"cold\":{\"raw_bytes\":0,\"segments\":0,\"stored_bytes\":0}"))
        #expect(text.contains("\"duplicates\":{\"content\":0,\"id\":40}"))
    }

    @Test func computesMoneyExactlyAndAccruesCumulativeSaving() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Fixture.ledger(in: directory.url, count: 3)
        let entries = try ledger.entries()
        // Run 0: 2 GiB of input at 0.023 = 0.046; a quarter GiB hot at 0.08 = 0.02.
        #expect(entries[0].costPerMonth.before == Money(micros: 46_000))
        #expect(entries[0].costPerMonth.after == Money(micros: 20_000))
        #expect(entries[0].savingPerMonth == Money(micros: 26_000))
        #expect(entries[0].cumulativeSaving == .zero)
        // Three days later the first entry's 0.026 a month has accrued for 3/30 of a month.
        #expect(entries[1].cumulativeSaving == Money(micros: 2_600))
        let accrued = entries[1].savingPerMonth.accrued(overSeconds: 259_200)
        #expect(entries[2].cumulativeSaving == Money(micros: 2_600) + accrued)
        for entry in entries {
            #expect(entry.savingPerMonth == entry.costPerMonth.before - entry.costPerMonth.after)
        }
    }

    @Test func moneyEncodesAndDecodesToTheMicro() throws {
        for micros: Int64 in [0, 1, 999_999, 1_000_000, 123_456_789, -42, 9_876_543_210_123] {
            let data = try JSONEncoder().encode([Money(micros: micros)])
            #expect(try JSONDecoder().decode([Money].self, from: data) == [Money(micros: micros)])
        }
        #expect(Money(micros: -1_250_000).description == "-1.250000")
        #expect(Money(micros: 7).description == "0.000007")
        #expect(Money(micros: 2_592_000).accrued(overSeconds: 1) == Money(micros: 1))
        #expect(Money(micros: 1).accrued(overSeconds: 1_296_000) == Money(micros: 1))
        #expect(Money(micros: 1).accrued(overSeconds: 1_295_999) == .zero)
        #expect(Money(micros: 100).accrued(overSeconds: -5) == .zero)
    }

    @Test func refusesToChainOntoATornLineAndDiscardsItOnRequest() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Fixture.ledger(in: directory.url, count: 2)
        let complete = try Data(contentsOf: ledger.url)
        let fragment = Data("{\"cost_per_month\":{\"aft".utf8)
        try (complete + fragment).write(to: ledger.url)
        #expect(try ledger.tornTail() == fragment)
        #expect(try ledger.rawLines().count == 2)
        #expect(throws: LedgerError.self) { try ledger.append(Fixture.draft(2)) }
        #expect(try Data(contentsOf: ledger.url) == complete + fragment)
        let findings = try LedgerAudit.verify(ledger)
        #expect(findings.map(\.kind) == [.torn])
        #expect(findings.first?.line == 3)

        #expect(try ledger.discardTornTail() == fragment)
        #expect(try Data(contentsOf: ledger.url) == complete)
        #expect(try Data(contentsOf: ledger.url.appendingPathExtension("torn")) == fragment + Data([0x0A]))
        let third = try ledger.append(Fixture.draft(2))
        #expect(third.seq == 3)
        #expect(try LedgerAudit.verify(ledger).isEmpty)
        #expect(try ledger.discardTornTail() == nil)
    }

    @Test func tornTailErrorNamesTheFileAndLine() throws {
        let error = LedgerError.tornTail(path: "/a/ledger.jsonl", line: 4, bytes: 17)
        #expect(error.description.contains("'/a/ledger.jsonl'"))
        #expect(error.description.contains("line 4"))
    }

    @Test func refusesToChainOntoAnUnreadableLastLine() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Fixture.ledger(in: directory.url, count: 1)
        var lines = try ledger.rawLines()
        lines.append(Data("not json".utf8))
        try Fixture.write(lines, to: ledger)
        #expect(throws: LedgerError.self) { try ledger.append(Fixture.draft(1)) }
        #expect(throws: LedgerError.self) { try ledger.entries() }
    }

    @Test func parsesAndFormatsRFC3339() throws {
        let date = try #require(RFC3339.date(from: "2024-02-29T23:59:58Z"))
        #expect(RFC3339.string(from: date) == "2024-02-29T23:59:58Z")
        let offset = RFC3339.date(from: "2024-02-29T23:59:58.5+01:00")
        #expect(offset?.timeIntervalSince1970 == date.timeIntervalSince1970 - 3600 + 0.5)
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(RFC3339.date(from: "2024-02-29 23:59:58") == nil)
        #expect(RFC3339.date(from: "2024-13-01T00:00:00Z") == nil)
    }
}
