import Foundation

@testable import Ledger

/// A unique scratch directory, removed when the test ends.
struct TemporaryDirectory: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("LedgerTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

enum Fixture {
    static let prices: Prices = {
        var prices = Prices()
        prices.source = 0.023
        prices.hot = 0.08
        prices.warm = 0.045
        prices.cold = 0.004
        return prices
    }()

    /// 2026-05-01T00:00:00Z plus `days`.
    static func day(_ days: Int, hour: Int = 2) -> Date {
        Date(timeIntervalSince1970: 1_777_593_600 + Double(days * 86_400 + hour * 3600))
    }

    /// A draft for run `index` (0, 1, 2...) with figures that grow from run to run and conserve.
    static func draft(_ index: Int, now: Date? = nil) -> LedgerEntry {
        let when = now ?? day(index * 3)
        let archived = 1000 + 137 * index
        let duplicates = Duplicates(id: 40 + index, content: 3 * index)
        let quarantined = 2 + index
        let gib: Int64 = 1 << 30
        let tiers = StorageSnapshot(
            hot: TierFigures(segments: 2 + index, rawBytes: 9 * gib / 10, storedBytes: gib / 4 + Int64(index) * 77),
            warm: TierFigures(segments: index, rawBytes: Int64(index) * gib, storedBytes: Int64(index) * gib / 6),
            cold: TierFigures(
                segments: index > 1 ? 1 : 0, rawBytes: index > 1 ? 3 * gib : 0, storedBytes: index > 1 ? gib / 3 : 0))
        return LedgerEntry(
            runID: "run-\(index)", pipeline: "default.yaml", started: when.addingTimeInterval(0.75),
            finished: when.addingTimeInterval(42.5), now: when, version: "0.1.0",
            linesRead: archived + duplicates.total + quarantined, recordsArchived: archived, duplicates: duplicates,
            quarantined: quarantined, inputBytes: 2 * gib + Int64(index) * 1_234_567, tiers: tiers,
            uploadedBytes: index > 1 ? gib / 3 : 0, freedBytes: Int64(index) * 4096, sourcesDeleted: 0,
            retentionDeletedRecords: 0, recordsTotal: 1000 * (index + 1), status: .ok)
    }

    /// Appends `count` priced drafts to a ledger in `directory` and returns it.
    static func ledger(in directory: URL, count: Int) throws -> Ledger {
        let ledger = Ledger(url: directory.appendingPathComponent("ledger.jsonl"))
        let model = CostModel(prices: prices)
        for index in 0..<count {
            _ = try ledger.append(model.priced(draft(index), after: try ledger.entries()))
        }
        return ledger
    }

    /// Writes `lines` as the whole ledger file (each with a newline).
    static func write(_ lines: [Data], to ledger: Ledger) throws {
        var data = Data()
        for line in lines {
            data.append(line)
            data.append(0x0A)
        }
        try data.write(to: ledger.url)
    }
}
