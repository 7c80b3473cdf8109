import Foundation
import Ledger

/// Ledger figures aggregated per day, ISO week or month, for `msgarchive report`.
///
/// Per period: run counts and the sums of lines read, records archived, duplicates, quarantined and input bytes
/// over the period's entries; the storage per tier, monthly costs, saving and cumulative saving as the period's
/// last entry left them; the dedup ratio (duplicates / lines read in the period) and the compression ratio (input
/// bytes ever ingested up to the period's end / stored bytes at its end). Entries fall into periods by their `now`
/// (UTC). The renderers (`table`, `csv`, `json`, `html`) all show the figures of `Row.fields`, which end with
/// the last entry's attribution (`savings`: bytes, the four monthly costs and the three savings between them).
package struct Report: Sendable {
    /// How long one row of the report spans.
    package enum Period: String, Sendable, CaseIterable {
        /// A UTC day, labelled `2026-05-01`.
        case day
        /// An ISO 8601 week (Monday to Sunday, UTC), labelled `2026-W18`.
        case week
        /// A calendar month (UTC), labelled `2026-05`.
        case month
    }

    /// One period's figures.
    package struct Row: Sendable, Equatable {
        /// The period's label (`2026-05-01`, `2026-W18`, `2026-05`).
        package var period: String
        /// The period's first instant.
        package var start: Date
        /// Ledger entries (runs) in the period.
        package var runs: Int
        /// Lines read by the period's runs.
        package var linesRead: Int
        /// Records archived by the period's runs.
        package var recordsArchived: Int
        /// Duplicates (id and content) dropped by the period's runs.
        package var duplicates: Int
        /// Lines quarantined by the period's runs.
        package var quarantined: Int
        /// Input bytes read by the period's runs.
        package var inputBytes: Int64
        /// Input bytes read by every run up to the period's end, including runs before `since`.
        package var cumulativeInputBytes: Int64
        /// Storage per tier as the period's last run left it.
        package var tiers: StorageSnapshot
        /// Currency of the money figures.
        package var currency: String
        /// Monthly cost of the raw logs, at the period's end.
        package var costBefore: Money
        /// Monthly cost of the archive, at the period's end.
        package var costAfter: Money
        /// Monthly saving at the period's end.
        package var savingPerMonth: Money
        /// Saving accrued up to the period's last run.
        package var cumulativeSaving: Money
        /// The attribution of the period's last entry; nil when that entry predates `savings` (version 0.3).
        package var savings: Savings? = nil

        /// Duplicates / lines read in the period, to 4 decimals ("0.0000" when nothing was read).
        package var dedupRatio: String { Report.ratio(Int64(duplicates), Int64(linesRead)) }
        /// Cumulative input bytes / stored bytes at the period's end, to 4 decimals ("0.0000" when nothing is
        /// stored).
        package var compressionRatio: String { Report.ratio(cumulativeInputBytes, tiers.storedBytes) }

        /// The figures every format shows, in column order: name and text, and whether the text is a number.
        package var fields: [(name: String, text: String, isNumber: Bool)] {
            [
                ("period", period, false), ("start", RFC3339.string(from: start), false),
                ("runs", String(runs), true), ("lines_read", String(linesRead), true),
                ("records_archived", String(recordsArchived), true), ("duplicates", String(duplicates), true),
                ("quarantined", String(quarantined), true), ("input_bytes", String(inputBytes), true),
                ("hot_stored_bytes", String(tiers.hot.storedBytes), true),
                ("warm_stored_bytes", String(tiers.warm.storedBytes), true),
                ("cold_stored_bytes", String(tiers.cold.storedBytes), true),
                ("stored_bytes", String(tiers.storedBytes), true), ("currency", currency, false),
                ("cost_before", costBefore.description, true), ("cost_after", costAfter.description, true),
                ("saving_per_month", savingPerMonth.description, true),
                ("cumulative_saving", cumulativeSaving.description, true),
                ("dedup_ratio", dedupRatio, true), ("compression_ratio", compressionRatio, true),
            ] + savingsFields
        }

        /// The attribution columns; empty text when the period's last entry has no `savings`.
        private var savingsFields: [(name: String, text: String, isNumber: Bool)] {
            let figures: [(String, String?)] = [
                ("raw_bytes_read", savings.map { String($0.rawBytesRead) }),
                ("duplicate_bytes", savings.map { String($0.duplicateBytes) }),
                ("quarantined_bytes", savings.map { String($0.quarantinedBytes) }),
                ("archived_raw_bytes", savings.map { String($0.archivedRawBytes) }),
                ("overhead_bytes", savings.map { String($0.overheadBytes) }),
                ("cost_raw", savings?.costRaw.description), ("cost_deduped", savings?.costDeduped.description),
                ("cost_compressed", savings?.costCompressed.description),
                ("cost_actual", savings?.costActual.description),
                ("dedup_saving", savings?.dedupSaving.description),
                ("compression_saving", savings?.compressionSaving.description),
                ("tiering_saving", savings?.tieringSaving.description),
            ]
            return figures.map { ($0.0, $0.1 ?? "", true) }
        }
    }

    /// The report's rows, oldest first; periods with no entry are left out.
    package let rows: [Row]
    /// The period each row spans.
    package let period: Period

    /// Aggregates `entries` (in ledger order) whose `now` lies in `since...until` (either end open when nil).
    package init(entries: [LedgerEntry], since: Date? = nil, until: Date? = nil, by period: Period = .day) {
        self.period = period
        var rows: [Row] = []
        var cumulativeInput: Int64 = 0
        for entry in entries {
            cumulativeInput += entry.inputBytes
            if let since, entry.now < since { continue }
            if let until, entry.now > until { continue }
            let (label, start) = Self.period(of: entry.now, by: period)
            if rows.last?.period != label {
                rows.append(
                    Row(
                        period: label, start: start, runs: 0, linesRead: 0, recordsArchived: 0, duplicates: 0,
                        quarantined: 0, inputBytes: 0, cumulativeInputBytes: 0, tiers: StorageSnapshot(),
                        currency: entry.costPerMonth.currency, costBefore: .zero, costAfter: .zero,
                        savingPerMonth: .zero, cumulativeSaving: .zero))
            }
            rows[rows.count - 1].add(entry, cumulativeInputBytes: cumulativeInput)
        }
        self.rows = rows
    }

    /// `numerator / denominator` rounded half up to 4 decimals, "0.0000" when the denominator is not positive.
    static func ratio(_ numerator: Int64, _ denominator: Int64) -> String {
        guard denominator > 0, numerator >= 0 else { return "0.0000" }
        let scaled = (numerator * 20_000 + denominator) / (2 * denominator)
        let fraction = String(scaled % 10_000)
        return "\(scaled / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
    }

    /// The label and first instant of the period holding `date`.
    static func period(of date: Date, by period: Period) -> (String, Date) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        func instant(_ day: Int64) -> Date { Date(timeIntervalSince1970: Double(day * 86_400)) }
        switch period {
        case .day:
            let (year, month, dayOfMonth) = RFC3339.civil(fromDays: day)
            return ("\(year)-\(pad(month))-\(pad(dayOfMonth))", instant(day))
        case .week:
            // 1970-01-01 was a Thursday; an ISO week belongs to the year that holds its Thursday.
            let monday = day - ((day + 3) % 7 + 7) % 7
            let thursday = monday + 3
            let year = RFC3339.civil(fromDays: thursday).year
            let week = (thursday - RFC3339.days(fromYear: year, month: 1, day: 1)) / 7 + 1
            return ("\(year)-W\(pad(week))", instant(monday))
        case .month:
            let (year, month, _) = RFC3339.civil(fromDays: day)
            return ("\(year)-\(pad(month))", instant(RFC3339.days(fromYear: year, month: month, day: 1)))
        }
    }
}

extension Report.Row {
    fileprivate mutating func add(_ entry: LedgerEntry, cumulativeInputBytes: Int64) {
        runs += 1
        linesRead += entry.linesRead
        recordsArchived += entry.recordsArchived
        duplicates += entry.duplicates.total
        quarantined += entry.quarantined
        inputBytes += entry.inputBytes
        self.cumulativeInputBytes = cumulativeInputBytes
        tiers = entry.tiers
        currency = entry.costPerMonth.currency
        costBefore = entry.costPerMonth.before
        costAfter = entry.costPerMonth.after
        savingPerMonth = entry.savingPerMonth
        cumulativeSaving = entry.cumulativeSaving
        savings = entry.savings
    }
}
