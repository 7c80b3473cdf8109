import Foundation
import Ledger

extension Report {
    /// Colours of the cost chart: the raw logs at the source price, and what the archive really costs.
    static let costColours = (raw: "#6c757d", actual: "#2a9d8f")

    /// The headline an auditor reads first, from the last period's attribution: saving per month now, cumulative
    /// saving, the ratio of raw to actual cost, and the shares of the saving from dedup, compression and tiering.
    /// Empty when the last period has no `savings`.
    func headline() -> String {
        guard let last = rows.last, let savings = last.savings else { return "" }
        let saving = savings.costRaw - savings.costActual
        func share(_ part: Money) -> String {
            guard saving.micros != 0 else { return "-" }
            return Self.fixed(Double(part.micros) / Double(saving.micros) * 100, decimals: 1) + "%"
        }
        let ratio =
            savings.costActual.micros > 0
            ? Self.fixed(Double(savings.costRaw.micros) / Double(savings.costActual.micros), decimals: 1) + "x" : "-"
        let figures = [
            ("Saving per month now", "\(saving) \(last.currency)"),
            ("Cumulative saving", "\(last.cumulativeSaving) \(last.currency)"),
            ("Raw / actual cost", ratio),
            ("From dedup", share(savings.dedupSaving)),
            ("From compression", share(savings.compressionSaving)),
            ("From tiering", share(savings.tieringSaving)),
        ]
        return "<dl class=\"headline\">"
            + figures.map { "<div><dt>\(Self.escape($0.0))</dt><dd>\(Self.escape($0.1))</dd></div>" }.joined()
            + "</dl>"
    }

    /// An SVG line chart of `cost_raw` and `cost_actual` per period (the periods with `savings`), or nothing.
    func costChart() -> String {
        let points = rows.compactMap { row in row.savings.map { (row.period, $0.costRaw, $0.costActual) } }
        guard !points.isEmpty else { return "" }
        let (width, height, left, right, top, bottom) = (960.0, 260.0, 80.0, 90.0, 36.0, 40.0)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let maximum = max(1, points.map { max($0.1.micros, $0.2.micros) }.max() ?? 1)
        let slot = plotWidth / Double(points.count)
        func fmt(_ value: Double) -> String { Report.fixed(value, decimals: 1) }
        func y(_ money: Money) -> Double { top + plotHeight * (1 - Double(money.micros) / Double(maximum)) }
        var svg = [
            "<svg class=\"cost-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" "
                + "height=\"\(fmt(height))\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" role=\"img\" "
                + "aria-label=\"Monthly cost of the raw logs and of the archive\">",
            "<rect x=\"0\" y=\"0\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" fill=\"#ffffff\"/>",
        ]
        for step in 0...4 {
            let value = Money(micros: maximum * Int64(step) / 4)
            svg.append(
                "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y(value)))\" x2=\"\(fmt(left + plotWidth))\" "
                    + "y2=\"\(fmt(y(value)))\" stroke=\"#e0e0e0\"/>")
            svg.append(
                "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y(value) + 4))\" text-anchor=\"end\">\(value)</text>")
        }
        let series = [
            ("cost-raw", "raw logs at the source price", Self.costColours.raw, points.map(\.1)),
            ("cost-actual", "the archive as it is", Self.costColours.actual, points.map(\.2)),
        ]
        var legendX = left
        for (id, label, colour, values) in series {
            let coordinates = values.enumerated().map { index, value in
                "\(fmt(left + slot * (Double(index) + 0.5))),\(fmt(y(value)))"
            }
            svg.append(
                "<polyline id=\"\(id)\" points=\"\(coordinates.joined(separator: " "))\" fill=\"none\" "
                    + "stroke=\"\(colour)\" stroke-width=\"4\"/>")
            svg.append(
                "<line x1=\"\(fmt(legendX))\" y1=\"\(fmt(top - 18))\" x2=\"\(fmt(legendX + 14))\" "
                    + "y2=\"\(fmt(top - 18))\" stroke=\"\(colour)\" stroke-width=\"4\"/>")
            svg.append("<text x=\"\(fmt(legendX + 20))\" y=\"\(fmt(top - 14))\">\(Self.escape(label))</text>")
            legendX += 60 + Double(label.count) * 6.5
        }
        let labelEvery = max(1, points.count / 12)
        for (index, point) in points.enumerated() where index % labelEvery == 0 {
            svg.append(
                "<text x=\"\(fmt(left + slot * (Double(index) + 0.5)))\" y=\"\(fmt(top + plotHeight + 16))\" "
                    + "text-anchor=\"middle\">\(Self.escape(point.0))</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// The figures of `Row.fields` in four tables narrow enough for a laptop screen, each led by the period:
    /// activity, bytes, monthly cost and ratios, and the attribution of the cost.
    func tables() -> String {
        let names = Report.Row.fieldNames
        func columns(_ wanted: [String]) -> [Int] { [0] + wanted.compactMap { names.firstIndex(of: $0) } }
        let groups = [
            (
                "Activity",
                columns(["start", "runs", "lines_read", "records_archived", "duplicates", "quarantined", "input_bytes"])
            ),
            (
                "Bytes",
                columns([
                    "hot_stored_bytes", "warm_stored_bytes", "cold_stored_bytes", "stored_bytes", "raw_bytes_read",
                    "duplicate_bytes", "quarantined_bytes", "archived_raw_bytes", "overhead_bytes",
                ])
            ),
            (
                "Monthly cost and ratios",
                columns([
                    "currency", "cost_before", "cost_after", "saving_per_month", "cumulative_saving", "dedup_ratio",
                    "compression_ratio",
                ])
            ),
            (
                "Where the saving comes from (savings, per month)",
                columns([
                    "cost_raw", "cost_deduped", "cost_compressed", "cost_actual", "dedup_saving", "compression_saving",
                    "tiering_saving",
                ])
            ),
        ]
        return groups.filter { $0.1.count > 1 }.map { title, columns in
            let head = columns.map { "<th>\(Self.escape(names[$0]))</th>" }.joined()
            let body = rows.map { row in
                let fields = row.fields
                return "<tr>"
                    + columns.map { column in
                        let field = fields[column]
                        return "<td\(field.isNumber ? " class=\"n\"" : "")>\(Self.escape(field.text))</td>"
                    }.joined() + "</tr>"
            }.joined(separator: "\n")
            return "<h2>\(Self.escape(title))</h2>\n<table>\n<thead><tr>\(head)</tr></thead>\n<tbody>\n\(body)\n"
                + "</tbody>\n</table>"
        }.joined(separator: "\n")
    }
}
