import Foundation

extension LedgerAudit {
    /// Checks one entry's `savings` against the entry before it in the chain and against itself: cumulative
    /// bytes = the previous entry's + this run's, `stored_bytes` and `archived_raw_bytes` = `tiers`,
    /// `requests_month` = the requests of the 30 days up to its `now`, and the four costs recomputed at its own
    /// recorded prices. An entry without `savings` (before version 0.3) has nothing to check.
    static func savingsFindings(
        _ entry: LedgerEntry, after previous: [LedgerEntry], subject: String, line: Int
    ) -> [LedgerFinding] {
        guard let recorded = entry.savings else { return [] }
        var findings: [LedgerFinding] = []
        func differs(_ figure: String, _ written: String, _ expected: String, _ why: String) {
            findings.append(
                LedgerFinding(
                    kind: .savings, line: line, seq: entry.seq,
                    message: "The ledger's \(subject) records savings.\(figure) = \(written), but \(why) gives "
                        + "\(expected): the entry, or a count or price it was computed from, was edited: restore "
                        + "the ledger from the cold store's copy 'ledger/ledger.jsonl' and run 'msgarchive audit' "
                        + "again."))
        }
        let accumulated = CostModel.accumulated(recorded, after: previous.last?.savings)
        let cumulative: [(String, KeyPath<Savings, Int64>)] = [
            ("raw_bytes_read", \.rawBytesRead), ("duplicate_bytes", \.duplicateBytes),
            ("reread_bytes", \.rereadBytes), ("quarantined_bytes", \.quarantinedBytes),
        ]
        for (name, path) in cumulative where recorded[keyPath: path] != accumulated[keyPath: path] {
            differs(
                name, "\(recorded[keyPath: path])", "\(accumulated[keyPath: path])",
                "the previous entry's figure plus this run's \(name)_run")
        }
        for tier in LedgerTier.allCases where recorded.storedBytes[tier] != entry.tiers[tier].storedBytes {
            differs(
                "stored_bytes.\(tier.rawValue)", "\(recorded.storedBytes[tier])", "\(entry.tiers[tier].storedBytes)",
                "tiers.\(tier.rawValue).stored_bytes")
        }
        if recorded.archivedRawBytes != entry.tiers.rawBytes {
            differs("archived_raw_bytes", "\(recorded.archivedRawBytes)", "\(entry.tiers.rawBytes)", "tiers' raw_bytes")
        }
        let month = CostModel.requestsMonth(run: recorded.requestsRun, now: entry.now, previous: previous)
        if recorded.requestsMonth != month {
            differs(
                "requests_month", describe(recorded.requestsMonth), describe(month),
                "the requests_run of the entries of the 30 days up to this one")
        }
        var expected = recorded
        expected.requestsMonth = month
        expected = CostModel.priced(expected)
        let costs: [(String, KeyPath<Savings, Money>)] = [
            ("cost_raw", \.costRaw), ("cost_deduped", \.costDeduped), ("cost_compressed", \.costCompressed),
            ("cost_actual", \.costActual),
        ]
        for (name, path) in costs where recorded[keyPath: path] != expected[keyPath: path] {
            differs(
                name, "\(recorded[keyPath: path])", "\(expected[keyPath: path])",
                "the formula of docs/ledger.md at the entry's recorded prices")
        }
        return findings
    }

    /// Compares the last entry's `savings.overhead_bytes` with the archive's other files as measured now.
    package static func compareOverhead(last: LedgerEntry, measured: Int64) -> [LedgerFinding] {
        guard let recorded = last.savings?.overheadBytes, recorded != measured else { return [] }
        return [
            LedgerFinding(
                kind: .storage, line: nil, seq: last.seq,
                message: "Ledger entry \(last.seq) (the last) records savings.overhead_bytes = \(recorded), but the "
                    + "catalog, ledger, quarantine and other files under the archive root take \(measured) bytes now; "
                    + "something wrote or removed files there outside msgarchive, or a run was lost: look for "
                    + "files that are not msgarchive's, then run 'msgarchive run'.")
        ]
    }

    private static func describe(_ requests: RequestFigures) -> String {
        "{put \(requests.put), get \(requests.get), delete \(requests.delete), retrieved_bytes "
            + "\(requests.retrievedBytes)}"
    }
}
