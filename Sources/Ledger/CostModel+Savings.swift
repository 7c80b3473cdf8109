import Foundation

extension CostModel {
    /// Seconds in the 30-day month over which requests are summed into the monthly rate.
    package static let monthSeconds: TimeInterval = 2_592_000

    /// Completes a run's draft attribution for an entry at `now` after `previous` entries: adds the run figures to
    /// the previous entry's cumulative ones (zero when it has no `savings`), sums the month's requests, records
    /// `prices` and computes the four costs.
    ///
    /// The draft holds the `_run` figures, `archived_raw_bytes`, `stored_bytes`, `overhead_bytes` and
    /// `requests_run`; `Ledger.append` adds the ledger's own size to the overhead and prices the entry again.
    package func completing(_ draft: Savings, now: Date, after previous: [LedgerEntry]) -> Savings {
        var savings = Self.accumulated(draft, after: previous.last?.savings)
        savings.requestsMonth = Self.requestsMonth(run: draft.requestsRun, now: now, previous: previous)
        savings.prices = prices
        return Self.priced(savings)
    }

    /// `draft` with its cumulative byte figures: `before`'s (or zero) plus the draft's `_run` figures.
    package static func accumulated(_ draft: Savings, after before: Savings?) -> Savings {
        var savings = draft
        let base = before ?? Savings()
        savings.rawBytesRead = base.rawBytesRead + draft.rawBytesReadRun
        savings.duplicateBytes = base.duplicateBytes + draft.duplicateBytesRun
        savings.rereadBytes = base.rereadBytes + draft.rereadBytesRun
        savings.quarantinedBytes = base.quarantinedBytes + draft.quarantinedBytesRun
        return savings
    }

    /// The run's requests plus those of earlier entries whose `now` is less than 30 days before `now`.
    package static func requestsMonth(run: RequestFigures, now: Date, previous: [LedgerEntry]) -> RequestFigures {
        previous.reversed()
            .prefix { now.timeIntervalSince($0.now) < monthSeconds }
            .reduce(run) { $0 + ($1.savings?.requestsRun ?? RequestFigures()) }
    }

    /// `savings` with its four costs computed at its own `prices` (the formulas of `docs/ledger.md`, "Savings").
    package static func priced(_ savings: Savings) -> Savings {
        var priced = savings
        let prices = savings.prices
        let source = prices.source
        priced.costRaw = monthly(bytes: savings.rawBytesRead, pricePerGiBMonth: source)
        priced.costDeduped = monthly(
            bytes: savings.rawBytesRead - savings.duplicateBytes - savings.rereadBytes, pricePerGiBMonth: source)
        priced.costCompressed = monthly(bytes: savings.storedBytes.total, pricePerGiBMonth: source)
        let storage = LedgerTier.allCases.reduce(Money.zero) { sum, tier in
            sum + monthly(bytes: savings.storedBytes[tier], pricePerGiBMonth: prices.perGiBMonth(tier))
        }
        priced.costActual =
            storage + monthly(bytes: savings.overheadBytes, pricePerGiBMonth: prices.overhead)
            + requestCost(savings.requestsMonth, prices: prices)
        return priced
    }

    /// The month's requests at the per-1,000 prices plus the bytes retrieved at the per-GiB price, rounded once.
    package static func requestCost(_ requests: RequestFigures, prices: Prices) -> Money {
        Money(
            rounding: Double(requests.put) / 1000 * prices.putPer1000 + Double(requests.get) / 1000
                * prices.getPer1000 + Double(requests.retrievedBytes) / gibibyte * prices.retrievalPerGiB)
    }
}
