import Foundation

/// Parses and prints the durations and sizes that pipeline files are written in.
///
/// Durations are a whole number followed by a unit, with optional space: `250ms`, `2s`, `5m`, `36h`, `7d`.
/// Sizes are a whole number of bytes (`1000000`) or a number with a binary (`KiB`, `MiB`, `GiB`, `TiB`)
/// or decimal (`KB`, `MB`, `GB`, `TB`) unit: `64MiB`, `1 MiB`, `1.5GiB`. A lone `B` means bytes.
package enum Units {
    /// Microseconds in one unit of each duration suffix.
    private static let durationUnits: [String: Int64] = [
        "ms": 1_000,
        "s": 1_000_000,
        "m": 60_000_000,
        "h": 3_600_000_000,
        "d": 86_400_000_000,
    ]

    /// Bytes in one unit of each size suffix; matched case-sensitively so `Mb` (megabits) is not taken for `MB`.
    private static let sizeUnits: [String: Double] = [
        "": 1, "B": 1,
        "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824, "TiB": 1_099_511_627_776,
        "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
    ]

    /// The duration `text` in microseconds, or nil when it is not a whole number with a unit in `allowed`.
    package static func microseconds(_ text: String, allowed: Set<String> = ["ms", "s", "m", "h", "d"]) -> Int64? {
        guard let (number, unit) = split(text), allowed.contains(unit), let scale = durationUnits[unit],
            let value = Int64(number)
        else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }

    /// The whole number of days in `text` (`7d`), or nil for any other form.
    ///
    /// Tier ages, the dedup horizon and retention act on whole UTC-day partitions, so `36h` is refused
    /// rather than rounded.
    package static func days(_ text: String) -> Int? {
        guard let (number, unit) = split(text), unit == "d" else { return nil }
        return Int(number)
    }

    /// The size `text` in bytes, or nil when it is malformed, negative or not a whole number of bytes.
    package static func bytes(_ text: String) -> Int? {
        guard let (number, unit) = split(text), let scale = sizeUnits[unit] else { return nil }
        if unit.isEmpty || unit == "B" { return Int(number) }
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        let product = value * scale
        guard product < Double(Int.max), product.rounded() == product else { return nil }
        return Int(product)
    }

    /// `bytes` with the largest binary unit that keeps it readable: `64 MiB`, `1.5 GiB`, `512 B`.
    package static func formatBytes(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var index = 0
        while value >= 1024, index < units.count - 1 {
            value /= 1024
            index += 1
        }
        if index == 0 || value.rounded() == value { return "\(Int(value)) \(units[index])" }
        return "\((value * 100).rounded() / 100) \(units[index])"
    }

    /// `microseconds` with the largest unit that divides it exactly: `2s`, `1500ms`, `7d`.
    package static func formatDuration(microseconds: Int64) -> String {
        for unit in ["d", "h", "m", "s", "ms"] {
            let scale = durationUnits[unit] ?? 1
            if microseconds != 0, microseconds % scale == 0 { return "\(microseconds / scale)\(unit)" }
        }
        return microseconds == 0 ? "0s" : "\(microseconds)us"
    }

    /// Splits `64 MiB` into (`64`, `MiB`); the number keeps digits and one dot, the unit is the rest.
    private static func split(_ text: String) -> (String, String)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !number.isEmpty, number.first != "." else { return nil }
        let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        return (String(number), unit)
    }
}
