import Foundation

/// UTC calendar days, the archive's partitions (`YYYY-MM-DD`), computed without Foundation's calendars
/// because ingest needs one per record.
package enum Day {
    static let microsPerDay: Int64 = 86_400_000_000

    /// Days since 1970-01-01 of a timestamp in µs.
    package static func number(micros: Int64) -> Int64 {
        micros >= 0 ? micros / microsPerDay : (micros - microsPerDay + 1) / microsPerDay
    }

    /// The partition name of a day number.
    // See: Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms", civil_from_days.
    package static func name(_ day: Int64) -> String {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return String(format: "%04lld-%02lld-%02lld", y, m, d)
    }

    /// The partition name of a timestamp in µs.
    package static func partition(micros: Int64) -> String { name(number(micros: micros)) }

    /// The day number of a partition name, or nil when it is not `YYYY-MM-DD`.
    // See: Howard Hinnant, days_from_civil.
    package static func number(partition: String) -> Int64? {
        let parts = partition.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y0 = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Microseconds since the epoch of a `Date`.
    package static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
}
