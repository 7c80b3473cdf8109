/// Turns byte counts into the ledger's monthly money figures at the pipeline's prices.
///
/// `before` is every raw log byte ever ingested (the sum of `input_bytes` over the ledger) at the `source` price:
/// what keeping the logs as they came would cost. `after` is each tier's stored bytes at that tier's price. Both
/// are per month; GiB = 2^30 bytes; each product is rounded half away from zero to 6 decimals (`Money`) and the
/// tiers are summed as exact integers. Request prices are not part of the monthly figures: a run's requests are
/// a one-off charge, given by `requestCost(puts:gets:)` for the run summary.
package struct CostModel: Sendable, Equatable {
    /// The prices the figures use.
    package let prices: Prices

    /// A model at `prices`.
    package init(prices: Prices) {
        self.prices = prices
    }

    /// Bytes in a GiB.
    package static let gibibyte: Double = 1_073_741_824

    /// `bytes` kept for a month at `pricePerGiBMonth`.
    package static func monthly(bytes: Int64, pricePerGiBMonth: Double) -> Money {
        Money(rounding: Double(bytes) / gibibyte * pricePerGiBMonth)
    }

    /// Monthly cost of the raw logs (`cumulativeInputBytes` at the source price) against `tiers` at their prices.
    package func costPerMonth(cumulativeInputBytes: Int64, tiers: StorageSnapshot) -> CostPerMonth {
        CostPerMonth(
            currency: prices.currency,
            before: Self.monthly(bytes: cumulativeInputBytes, pricePerGiBMonth: prices.source),
            after: LedgerTier.allCases.reduce(Money.zero) { sum, tier in
                sum + tierCost(tier, storedBytes: tiers[tier].storedBytes)
            })
    }

    /// Monthly cost of `storedBytes` in `tier`.
    package func tierCost(_ tier: LedgerTier, storedBytes: Int64) -> Money {
        Self.monthly(bytes: storedBytes, pricePerGiBMonth: prices.perGiBMonth(tier))
    }

    /// The one-off cost of `puts` PUT/LIST and `gets` GET/HEAD requests.
    package func requestCost(puts: Int, gets: Int) -> Money {
        Money(rounding: Double(puts) / 1000 * prices.putPer1000 + Double(gets) / 1000 * prices.getPer1000)
    }

    /// Fills `draft.cost_per_month` for appending after `previous` entries: `before` counts the input bytes of
    /// every earlier entry plus the draft's.
    package func priced(_ draft: LedgerEntry, after previous: [LedgerEntry]) -> LedgerEntry {
        var entry = draft
        let cumulative = previous.reduce(draft.inputBytes) { $0 + $1.inputBytes }
        entry.costPerMonth = costPerMonth(cumulativeInputBytes: cumulative, tiers: draft.tiers)
        return entry
    }
}
