import Foundation

/// A list of providers and storage classes to price the archive at (`msgarchive report --compare`), as in
/// `pipelines/prices.example.yaml`.
package struct PriceList: Sendable, Codable, Equatable {
    /// One provider's storage class and what it charges.
    package struct Offer: Sendable, Codable, Equatable {
        /// Provider and class, as printed (`AWS S3 Standard-IA`).
        package var name: String
        /// ISO 4217 code of the figures.
        package var currency: String
        /// Storage per GiB-month.
        package var storage: Double
        /// PUT, COPY, POST and LIST requests per 1,000.
        package var putPer1000: Double
        /// GET and HEAD requests per 1,000.
        package var getPer1000: Double
        /// Reading bytes back, per GiB.
        package var retrievalPerGiB: Double
        /// Days an object is billed for at least, however soon it is deleted or overwritten (0: none).
        package var minStorageDays: Int
        /// The day the figures were read and the public page they come from.
        package var asOf: String
        package var url: String

        enum CodingKeys: String, CodingKey {
            case name, currency, storage, url
            case putPer1000 = "put_per_1000"
            case getPer1000 = "get_per_1000"
            case retrievalPerGiB = "retrieval_per_gib"
            case minStorageDays = "min_storage_days"
            case asOf = "as_of"
        }
    }

    /// The offers, in file order.
    package var offers: [Offer]

    enum CodingKeys: String, CodingKey {
        case offers = "providers"
    }
}

/// What the archive as its last ledger entry describes would cost a month with its cold tier at each offer.
///
/// Per offer: the cold tier's stored bytes at the offer's storage price; the requests and retrieval of the last
/// 30 days (`savings.requests_month`) at its prices; and the minimum-duration effect: the ledger's copy in the cold
/// store is overwritten by every run, and each copy overwritten before `min_storage_days` is billed for the days
/// it did not stay, `runs × ledger bytes × max(0, min_storage_days - 30 / runs) / 30` at the storage price. The
/// hot and warm tiers and the overhead stay on local disk at the entry's recorded prices.
package struct PriceComparison: Sendable {
    /// One offer's monthly figures.
    package struct Row: Sendable, Equatable {
        package var name: String
        package var currency: String
        package var storage: Money
        package var requests: Money
        package var retrieval: Money
        package var minimumDuration: Money
        /// Hot, warm and overhead at the entry's own prices, the same for every offer.
        package var local: Money
        package var asOf: String
        package var url: String

        /// All of it.
        package var total: Money { storage + requests + retrieval + minimumDuration + local }
    }

    /// Cheapest first; ties keep file order.
    package let rows: [Row]

    /// Prices `list` for `entries`' last entry; `ledgerBytes` is the ledger's size (its cold copy's).
    /// - Throws: `LedgerError.noSavings` when the last entry has no `savings` (a ledger of before 0.3).
    package init(list: PriceList, entries: [LedgerEntry], ledgerBytes: Int64) throws {
        guard let last = entries.last, let savings = last.savings else {
            throw LedgerError.noSavings(seq: entries.last?.seq)
        }
        let runs = entries.reversed().prefix { last.now.timeIntervalSince($0.now) < CostModel.monthSeconds }.count
        let p = savings.prices
        let local =
            CostModel.monthly(bytes: savings.storedBytes.hot, pricePerGiBMonth: p.hot)
            + CostModel.monthly(bytes: savings.storedBytes.warm, pricePerGiBMonth: p.warm)
            + CostModel.monthly(bytes: savings.overheadBytes, pricePerGiBMonth: p.overhead)
        let month = savings.requestsMonth
        let rows = list.offers.map { offer in
            let interval = 30 / Double(max(runs, 1))
            let shortfall = max(0, Double(offer.minStorageDays) - interval) / 30
            return Row(
                name: offer.name, currency: offer.currency,
                storage: CostModel.monthly(bytes: savings.storedBytes.cold, pricePerGiBMonth: offer.storage),
                requests: Money(
                    rounding: Double(month.put) / 1000 * offer.putPer1000 + Double(month.get) / 1000
                        * offer.getPer1000),
                retrieval: CostModel.monthly(bytes: month.retrievedBytes, pricePerGiBMonth: offer.retrievalPerGiB),
                minimumDuration: Money(
                    rounding: Double(runs) * Double(ledgerBytes) / CostModel.gibibyte * shortfall * offer.storage),
                local: local, asOf: offer.asOf, url: offer.url)
        }
        self.rows = rows.enumerated().sorted { ($0.element.total, $0.offset) < ($1.element.total, $1.offset) }
            .map(\.element)
    }

    /// Aligned text, cheapest first, money to six decimals (small archives cost fractions of a cent).
    package func table() -> String {
        let header = ["provider / class", "total/mo", "storage", "requests", "retrieval", "min. duration", "local"]
        let grid =
            [header]
            + rows.map { row in
                let money = [row.total, row.storage, row.requests, row.retrieval, row.minimumDuration, row.local]
                return [row.name] + money.map { "\($0) \(row.currency)" }
            }
        let widths = header.indices.map { column in grid.map { $0[column].count }.max() ?? 0 }
        let lines = grid.map { cells in
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        let sources = rows.map { "  \($0.name): \($0.url) (as of \($0.asOf))" }
        return (lines + ["", "Illustrative prices, from:"] + sources).joined(separator: "\n") + "\n"
    }
}
