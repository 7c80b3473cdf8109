import Foundation
import Ledger

extension Report {
    /// Colours of the chart: one per tier, and the cumulative saving line.
    private static let colours: [(LedgerTier, String)] = [(.hot, "#d7263d"), (.warm, "#f49d37"), (.cold, "#1b4f9c")]
    private static let savingColour = "#2a9d8f"

    /// One self-contained HTML page (inline CSS and SVG, no script, no network): the headline figures, a chart of
    /// the raw logs' monthly cost against the archive's, a chart of stored bytes per tier (stacked bars, left axis)
    /// with cumulative saving as a line (right axis), then every figure of `csv()`, with the same digits, in tables
    /// that fit a laptop screen.
    package func html(title: String = "msgarchive savings") -> String {
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(Self.escape(title))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 20px; }
            p.note { color: #555; font-size: 13px; max-width: 960px; }
            table { border-collapse: collapse; font-size: 12px; margin-top: 16px; }
            th, td { border: 1px solid #ccc; padding: 3px 6px; white-space: nowrap; }
            th { background: #f2f2f2; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            h2 { font-size: 15px; margin: 20px 0 0; }
            dl.headline { display: flex; flex-wrap: wrap; gap: 12px; margin: 0 0 12px; max-width: 960px; }
            dl.headline div { border: 1px solid #ccc; border-radius: 4px; padding: 6px 10px; }
            dl.headline dt { font-size: 12px; color: #555; }
            dl.headline dd { margin: 0; font-size: 18px; font-variant-numeric: tabular-nums; }
            svg text { font-size: 11px; fill: #333; }
            </style>
            </head>
            <body>
            <h1>\(Self.escape(title)) by \(period.rawValue)</h1>
            <p class="note">Bars: bytes stored per tier at the end of each \(period.rawValue). Line: saving accrued so
            far against keeping the raw logs (\(Self.escape(rows.last?.currency ?? "USD"))). Ratios: dedup = duplicates
            / lines read; compression = input bytes ever read / bytes stored. The saving splits into dedup (raw -
            deduplicated), compression (deduplicated - compressed) and tiering (compressed - actual), all monthly
            (docs/ledger.md, "Savings").</p>
            \(headline())
            \(costChart())
            \(chart())
            \(tables())
            </body>
            </html>

            """
    }

    /// The SVG chart, or a sentence when there is nothing to draw.
    private func chart() -> String {
        guard !rows.isEmpty else { return "<p>No ledger entries in this range.</p>" }
        let (width, height) = (960.0, 380.0)
        let (left, right, top, bottom) = (80.0, 90.0, 40.0, 60.0)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let maxBytes = Double(max(1, rows.map { $0.tiers.storedBytes }.max() ?? 1))
        let savings = rows.map { $0.cumulativeSaving.doubleValue }
        let maxSaving = max(savings.max() ?? 0, 0)
        let minSaving = min(savings.min() ?? 0, 0)
        let savingSpan = maxSaving - minSaving > 0 ? maxSaving - minSaving : 1
        // Enough decimals that the five ticks (a quarter of the span apart) read as five different amounts, down to
        // the micro that money is held in; small archives save fractions of a cent a month.
        var savingDecimals = 2
        while savingDecimals < 6, savingSpan / 4 * pow(10, Double(savingDecimals)) < 1 { savingDecimals += 1 }
        let slot = plotWidth / Double(rows.count)
        let barWidth = max(2, slot * 0.6)
        func fmt(_ value: Double) -> String { Report.fixed(value, decimals: 1) }
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" "
                + "viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" role=\"img\" aria-label=\"Stored bytes per tier "
                + "and cumulative saving\">",
            "<rect x=\"0\" y=\"0\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" fill=\"#ffffff\"/>",
        ]
        for step in 0...4 {
            let fraction = Double(step) / 4
            let y = top + plotHeight * (1 - fraction)
            svg.append(
                "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y))\" x2=\"\(fmt(left + plotWidth))\" y2=\"\(fmt(y))\" "
                    + "stroke=\"#e0e0e0\"/>")
            svg.append(
                "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\">"
                    + "\(Self.humanBytes(Int64(maxBytes * fraction)))</text>")
            let saving = minSaving + savingSpan * fraction
            svg.append(
                "<text x=\"\(fmt(left + plotWidth + 6))\" y=\"\(fmt(y + 4))\" fill=\"\(Self.savingColour)\">"
                    + "\(Report.fixed(saving, decimals: savingDecimals))</text>")
        }
        var points: [String] = []
        let labelEvery = max(1, rows.count / 12)
        for (index, row) in rows.enumerated() {
            let x = left + slot * Double(index) + (slot - barWidth) / 2
            var base = top + plotHeight
            for (tier, colour) in Self.colours {
                let bytes = row.tiers[tier].storedBytes
                guard bytes > 0 else { continue }
                let barHeight = plotHeight * Double(bytes) / maxBytes
                base -= barHeight
                svg.append(
                    "<rect x=\"\(fmt(x))\" y=\"\(fmt(base))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(barHeight))\" "
                        + "fill=\"\(colour)\"><title>\(row.period) \(tier.rawValue): \(bytes) bytes</title></rect>")
            }
            let centre = left + slot * (Double(index) + 0.5)
            let savingY = top + plotHeight * (1 - (row.cumulativeSaving.doubleValue - minSaving) / savingSpan)
            points.append("\(fmt(centre)),\(fmt(savingY))")
            if index % labelEvery == 0 {
                svg.append(
                    "<text x=\"\(fmt(centre))\" y=\"\(fmt(top + plotHeight + 16))\" text-anchor=\"middle\">"
                        + "\(Self.escape(row.period))</text>")
            }
        }
        svg.append(
            "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(Self.savingColour)\" "
                + "stroke-width=\"2.5\"/>")
        for point in points {
            let xy = point.split(separator: ",")
            svg.append("<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3.5\" fill=\"\(Self.savingColour)\"/>")
        }
        svg.append(
            "<line x1=\"\(fmt(left))\" y1=\"\(fmt(top + plotHeight))\" x2=\"\(fmt(left + plotWidth))\" "
                + "y2=\"\(fmt(top + plotHeight))\" stroke=\"#444\"/>")
        let legend =
            Self.colours.map { ($0.0.rawValue + " stored bytes", $0.1, false) }
            + [("cumulative saving (\(rows.last?.currency ?? "USD"))", Self.savingColour, true)]
        var legendX = left
        for (label, colour, isLine) in legend {
            svg.append(
                isLine
                    ? "<line x1=\"\(fmt(legendX))\" y1=\"\(fmt(top - 18))\" x2=\"\(fmt(legendX + 14))\" "
                        + "y2=\"\(fmt(top - 18))\" stroke=\"\(colour)\" stroke-width=\"2.5\"/>"
                    : "<rect x=\"\(fmt(legendX))\" y=\"\(fmt(top - 24))\" width=\"14\" height=\"12\" "
                        + "fill=\"\(colour)\"/>")
            svg.append("<text x=\"\(fmt(legendX + 20))\" y=\"\(fmt(top - 14))\">\(Self.escape(label))</text>")
            legendX += 40 + Double(label.count) * 6.5
        }
        svg.append(
            "<text x=\"\(fmt(left + plotWidth / 2))\" y=\"\(fmt(height - 14))\" text-anchor=\"middle\">"
                + "\(period.rawValue) (UTC)</text>")
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    /// `text` with the characters HTML gives meaning to written as entities.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
