import Foundation
import Testing

@testable import Ledger
@testable import SavingsReport

@Suite struct ReportTests {
    /// Eight runs, three days apart from 2026-05-01, priced.
    private func entries() throws -> [LedgerEntry] {
        let directory = try TemporaryDirectory()
        return try Fixture.ledger(in: directory.url, count: 8).entries()
    }

    @Test func aggregatesPerPeriodFromTheEntries() throws {
        let entries = try entries()
        for period in Report.Period.allCases {
            let report = Report(entries: entries, by: period)
            #expect(report.rows.map(\.runs).reduce(0, +) == entries.count)
            #expect(report.rows.map(\.linesRead).reduce(0, +) == entries.map(\.linesRead).reduce(0, +))
            #expect(report.rows.map(\.duplicates).reduce(0, +) == entries.map(\.duplicates.total).reduce(0, +))
            #expect(report.rows.map(\.inputBytes).reduce(0, +) == entries.map(\.inputBytes).reduce(0, +))
            #expect(report.rows.last?.tiers == entries.last?.tiers)
            #expect(report.rows.last?.cumulativeSaving == entries.last?.cumulativeSaving)
        }
        let days = Report(entries: entries, by: .day).rows.map(\.period)
        #expect(days.prefix(3) == ["2026-05-01", "2026-05-04", "2026-05-07"])
        // 2026-05-01 is a Friday: ISO week 18 runs from Monday 2026-04-27.
        let weeks = Report(entries: entries, by: .week).rows
        #expect(weeks.map(\.period) == ["2026-W18", "2026-W19", "2026-W20", "2026-W21"])
        #expect(weeks.first.map { RFC3339.string(from: $0.start) } == "2026-04-27T00:00:00Z")
        #expect(Report(entries: entries, by: .month).rows.map(\.period) == ["2026-05"])
    }

    @Test func filtersBySinceAndUntilButKeepsCumulativeInput() throws {
        let entries = try entries()
        let report = Report(entries: entries, since: Fixture.day(6), until: Fixture.day(12), by: .day)
        #expect(report.rows.map(\.period) == ["2026-05-07", "2026-05-10", "2026-05-13"])
        #expect(report.rows.first?.cumulativeInputBytes == entries.prefix(3).map(\.inputBytes).reduce(0, +))
    }

    @Test func ratiosAreFixedToFourDecimals() {
        #expect(Report.ratio(1, 3) == "0.3333")
        #expect(Report.ratio(2, 3) == "0.6667")
        #expect(Report.ratio(7, 0) == "0.0000")
        #expect(Report.ratio(1_000_000_000_000, 3) == "333333333333.3333")
    }

    @Test(arguments: Report.Period.allCases)
    func allFormatsCarryTheSameFigures(period: Report.Period) throws {
        let report = Report(entries: try entries(), by: period)
        let csvLines = report.csv().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let header = try #require(csvLines.first).components(separatedBy: ",")
        let csvRows = csvLines.dropFirst().map { $0.components(separatedBy: ",") }
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [[String: Any]])
        let html = report.html()
        let table = report.table()
        #expect(csvRows.count == report.rows.count)
        #expect(json.count == report.rows.count)
        for (index, (row, csvRow)) in zip(report.rows, csvRows).enumerated() {
            #expect(csvRow.count == header.count)
            #expect(table.contains(row.period))
            for (column, field) in row.fields.enumerated() {
                #expect(header[column] == field.name)
                #expect(csvRow[column] == field.text)
                let value = try #require(json[index][field.name], "json lacks \(field.name)")
                if field.isNumber && field.text.isEmpty {
                    // A figure the period's entry lacks (a ledger of before 0.3 has no savings).
                    #expect(value is NSNull, "\(field.name) in row \(index)")
                } else if field.isNumber {
                    let number = try #require(value as? NSNumber)
                    #expect(number.doubleValue == Double(csvRow[column]), "\(field.name) in row \(index)")
                } else {
                    #expect(value as? String == csvRow[column])
                }
                #expect(html.contains(">\(field.text)</td>"), "html lacks \(field.name) \(field.text)")
            }
        }
    }

    @Test func htmlIsSelfContainedWithAChartOfThreeTiers() throws {
        let html = Report(entries: try entries(), by: .day).html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        // The SVG namespace is a name, not a fetch; nothing else may point outside the page.
        let outside = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!outside.contains("http") && !outside.contains("src=") && !outside.contains("url("))
        #expect(html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        for colour in ["#d7263d", "#f49d37", "#1b4f9c"] {
            #expect(html.contains("fill=\"\(colour)\""))
        }
        for tier in ["hot", "warm", "cold"] {
            #expect(html.contains("\(tier) stored bytes"))
        }
        #expect(html.contains("<polyline"))
        if let path = ProcessInfo.processInfo.environment["LEDGER_REPORT_HTML"] {
            // Set to keep the page for a look in a browser (the suite never needs one).
            try html.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    @Test func emptyRangeRendersEverywhere() throws {
        let report = Report(entries: try entries(), since: Fixture.day(100), by: .day)
        #expect(report.rows.isEmpty)
        #expect(report.json() == "[]\n")
        #expect(report.csv().hasPrefix("period,start,runs,"))
        #expect(report.table().contains("No ledger entries"))
        #expect(report.html().contains("No ledger entries"))
    }
}
