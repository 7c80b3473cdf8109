import Foundation
import Ledger

extension Report {
    /// Aligned text for a terminal: bytes in binary units (KiB, MiB...), money to 2 decimals, ratios to 2.
    package func table() -> String {
        let header = [
            "period", "runs", "lines", "archived", "dups", "quar.", "hot", "warm", "cold", "before/mo", "after/mo",
            "saving/mo", "cumulative", "dedup", "compr.", "dedup/mo", "compr./mo", "tiers/mo",
        ]
        var grid = [header]
        for row in rows {
            grid.append([
                row.period, String(row.runs), String(row.linesRead), String(row.recordsArchived),
                String(row.duplicates), String(row.quarantined), Self.humanBytes(row.tiers.hot.storedBytes),
                Self.humanBytes(row.tiers.warm.storedBytes), Self.humanBytes(row.tiers.cold.storedBytes),
                Self.humanMoney(row.costBefore, row.currency), Self.humanMoney(row.costAfter, row.currency),
                Self.humanMoney(row.savingPerMonth, row.currency), Self.humanMoney(row.cumulativeSaving, row.currency),
                String(row.dedupRatio.dropLast(2)), String(row.compressionRatio.dropLast(2)) + "x",
                row.savings.map { Self.humanMoney($0.dedupSaving, row.currency) } ?? "-",
                row.savings.map { Self.humanMoney($0.compressionSaving, row.currency) } ?? "-",
                row.savings.map { Self.humanMoney($0.tieringSaving, row.currency) } ?? "-",
            ])
        }
        guard !rows.isEmpty else { return "No ledger entries in this range.\n" }
        let widths = header.indices.map { column in grid.map { $0[column].count }.max() ?? 0 }
        return grid.map { cells in
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 CSV: a header row of `Row.fields` names, then one row per period with raw integers and fixed
    /// decimals (money to 6 places, ratios to 4).
    package func csv() -> String {
        guard let first = rows.first else {
            return Report.Row.fieldNames.joined(separator: ",") + "\r\n"
        }
        var lines = [first.fields.map(\.name).joined(separator: ",")]
        for row in rows {
            lines.append(row.fields.map { $0.isNumber ? $0.text : Self.csvQuoted($0.text) }.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A JSON array with one object per period, keys as in `csv()`, numbers as JSON numbers with the same digits
    /// (`null` for a figure the period's entry lacks).
    package func json() -> String {
        func value(_ field: (name: String, text: String, isNumber: Bool)) -> String {
            guard field.isNumber else { return Self.jsonString(field.text) }
            return field.text.isEmpty ? "null" : field.text
        }
        let objects = rows.map { row in
            "{" + row.fields.map { "\(Self.jsonString($0.name)):\(value($0))" }.joined(separator: ",") + "}"
        }
        return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// `bytes` in the largest binary unit that keeps the number at least 1, to one decimal.
    static func humanBytes(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : "\(fixed(value, decimals: 1)) \(units[unit])"
    }

    /// `money` rounded to cents, with its currency code.
    static func humanMoney(_ money: Money, _ currency: String) -> String {
        "\(fixed(money.doubleValue, decimals: 2)) \(currency)"
    }

    /// `value` with exactly `decimals` decimals (no locale).
    static func fixed(_ value: Double, decimals: Int) -> String {
        var scale: Double = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        let fraction = String(scaled % Int64(scale))
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole)" }
        return "\(sign)\(whole).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
    }

    /// `text` quoted for CSV when it holds a comma, quote or line break (RFC 4180).
    static func csvQuoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension Report.Row {
    /// The names of `fields`, for the header of an empty report.
    static var fieldNames: [String] {
        Report.Row(
            period: "", start: .init(timeIntervalSince1970: 0), runs: 0, linesRead: 0, recordsArchived: 0,
            duplicates: 0, quarantined: 0, inputBytes: 0, cumulativeInputBytes: 0, tiers: StorageSnapshot(),
            currency: "", costBefore: .zero, costAfter: .zero, savingPerMonth: .zero, cumulativeSaving: .zero
        ).fields.map(\.name)
    }
}
