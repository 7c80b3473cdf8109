import Foundation
import Ledger

/// UTC calendar days, the archive's partitions (`YYYY-MM-DD`), computed without Foundation's calendars
/// because ingest needs one per record.
package enum Day {
    package static let microsPerDay: Int64 = 86_400_000_000

    /// Days since 1970-01-01 of a timestamp in µs.
    package static func number(micros: Int64) -> Int64 {
        micros >= 0 ? micros / microsPerDay : (micros - microsPerDay + 1) / microsPerDay
    }

    /// The partition name of a day number.
    package static func name(_ day: Int64) -> String {
        let (y, m, d) = RFC3339.civil(fromDays: day)
        // Interpolation, not `String(format:)`, for the years partitions have: a name is made per partition.
        guard (1000...9999).contains(y) else { return String(format: "%04lld-%02lld-%02lld", y, m, d) }
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }

    /// The partition name of a timestamp in µs.
    package static func partition(micros: Int64) -> String { name(number(micros: micros)) }

    /// The day number of a partition name, or nil when it is not `YYYY-MM-DD`.
    package static func number(partition: String) -> Int64? {
        let parts = partition.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        return RFC3339.days(fromYear: y, month: m, day: d)
    }

    /// The last day of the month of a partition, or nil when it is not `YYYY-MM-DD`.
    package static func lastOfMonth(_ partition: String) -> String? {
        guard let day = number(partition: partition) else { return nil }
        let (y, m, _) = RFC3339.civil(fromDays: day)
        return name(RFC3339.days(fromYear: m == 12 ? y + 1 : y, month: m == 12 ? 1 : m + 1, day: 1) - 1)
    }

    /// Microseconds since the epoch of a `Date`.
    package static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
}
