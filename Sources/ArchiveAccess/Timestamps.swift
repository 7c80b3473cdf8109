import Foundation
import Ingest
import Ledger

/// RFC 3339 text of dates, as the summary and ledger print them.
package enum Timestamps {
    /// RFC 3339 text of a timestamp in µs.
    package static func micros(_ value: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(value) / 1e6))
    }

    /// Reads RFC 3339 (with or without fraction) or a bare `YYYY-MM-DD` (midnight UTC).
    /// - Throws: `ArchiveError.badTime`.
    package static func parse(_ text: String) throws -> Date {
        if let date = RFC3339.date(from: text) { return date }
        if let day = Day.number(partition: text) { return Date(timeIntervalSince1970: Double(day) * 86_400) }
        throw ArchiveError.badTime(text)
    }
}
