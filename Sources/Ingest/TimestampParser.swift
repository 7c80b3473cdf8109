/// Reads a record's timestamp into microseconds since the Unix epoch, never through `Double`.
///
/// Accepted forms:
/// - RFC 3339 strings: `2024-05-01T12:00:00Z`, `2024-05-01t12:00:00.123456+02:00`; `T`, `t` or a space between
///   date and time; `Z`, `z` or `±HH:MM`; no offset means UTC; fraction digits past microseconds are truncated;
///   second 60 (a leap second) rolls into the next minute.
/// - JSON numbers and numeric strings (`"1730000000"`) as epochs, fractions and exponents allowed, truncated to
///   the microsecond. `auto` tells units apart by the magnitude of the integer part: below 1e11 seconds, below
///   1e14 milliseconds, below 1e17 microseconds, else nanoseconds. `epoch_seconds`, `epoch_millis`,
///   `epoch_micros` and `epoch_nanos` force a unit.
/// - `rfc3339` accepts only strings in that form; the epoch formats accept only numbers and numeric strings.
/// - An EJSON object (`{"$date": ...}`, `{"$numberLong": "..."}`, as `mongoexport` writes) stands for its value.
/// Instants outside 1970-01-01T00:00:00Z ... 9999-12-31T23:59:59.999999Z are `bad_timestamp`.
enum TimestampParser {
    /// The last microsecond of year 9999.
    static let maxMicros: Int64 = 253_402_300_799_999_999

    static func micros(
        _ line: UnsafeRawBufferPointer, _ value: JSONValue, format: TimestampFormat, field: String
    ) throws(QuarantineDetail) -> Int64 {
        let raw = UnsafeRawBufferPointer(rebasing: line[value.range])
        var shown: String { String(decoding: raw.prefix(80), as: UTF8.self) }
        var result: Int64?
        switch value.kind {
        case .number:
            if format != .rfc3339 { result = epoch(raw, format: format) }
        case .container:
            // EJSON (mongoexport): relaxed {"$date": ...}, canonical {"$date": {"$numberLong": "..."}}.
            let walker = JSONWalker(bytes: line)
            if let inner = walker.child(of: value, Array("$date".utf8))
                ?? walker.child(of: value, Array("$numberLong".utf8))
            {
                return try micros(line, inner, format: format, field: field)
            }
        case .string(let content, let escaped):
            let text = UnsafeRawBufferPointer(rebasing: line[content])
            let unescaped: [UInt8]? = escaped ? JSONUnescape.bytes(text) : nil
            result = withTextBytes(text, unescaped) { bytes in
                if format == .auto || format == .rfc3339, let t = rfc3339(bytes) { return t }
                return format == .rfc3339 ? nil : epoch(bytes, format: format)
            }
        default:
            break
        }
        guard let micros = result else {
            throw QuarantineDetail(
                .badTimestamp, "The '\(field)' value \(shown) is not a timestamp in the '\(format.rawValue)' format.")
        }
        guard (0...maxMicros).contains(micros) else {
            throw QuarantineDetail(
                .badTimestamp, "The '\(field)' value \(shown) lies outside the years 1970 to 9999.")
        }
        return micros
    }

    private static func withTextBytes(
        _ text: UnsafeRawBufferPointer, _ unescaped: [UInt8]?, _ body: (UnsafeRawBufferPointer) -> Int64?
    ) -> Int64? {
        guard let unescaped else { return body(text) }
        return unescaped.withUnsafeBytes(body)
    }

    /// An epoch number in microseconds, or nil when the text is no number or overflows.
    static func epoch(_ bytes: UnsafeRawBufferPointer, format: TimestampFormat) -> Int64? {
        let shift: Int
        switch format {
        case .epochSeconds: shift = 6
        case .epochMillis: shift = 3
        case .epochMicros: shift = 0
        case .epochNanos: shift = -3
        default:
            guard let whole = decimal(bytes, scale: 0)?.magnitude else { return nil }
            switch whole {
            case ..<100_000_000_000: shift = 6
            case ..<100_000_000_000_000: shift = 3
            case ..<100_000_000_000_000_000: shift = 0
            default: shift = -3
            }
        }
        return decimal(bytes, scale: shift)
    }

    /// The decimal number in `bytes` times 10^`scale`, truncated toward zero; nil on bad syntax or overflow.
    static func decimal(_ bytes: UnsafeRawBufferPointer, scale: Int) -> Int64? {
        var i = 0
        let n = bytes.count
        let negative = n > 0 && bytes[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        let digitsStart = i
        while i < n, isDigit(bytes[i]) { i += 1 }
        let intEnd = i
        var fracStart = i
        var fracEnd = i
        if i < n, bytes[i] == UInt8(ascii: ".") {
            fracStart = i + 1
            i += 1
            while i < n, isDigit(bytes[i]) { i += 1 }
            fracEnd = i
            guard fracEnd > fracStart else { return nil }
        }
        guard intEnd > digitsStart else { return nil }
        var exponent = 0
        if i < n, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < n, isDigit(bytes[i]) else { return nil }
            while i < n, isDigit(bytes[i]) {
                // Clamped: any exponent past 400 overflows or truncates to zero all the same.
                exponent = min(exponent * 10 + Int(bytes[i] - UInt8(ascii: "0")), 400)
                i += 1
            }
            if expNegative { exponent = -exponent }
        }
        guard i == n else { return nil }
        // value = D * 10^(exponent - fractionDigits + scale), D being all digits read as one integer.
        let fractionDigits = fracEnd - fracStart
        let power = exponent - fractionDigits + scale
        let totalDigits = (intEnd - digitsStart) + fractionDigits
        let keep = totalDigits + min(power, 0)
        var value: Int64 = 0
        var taken = 0
        func digit(at k: Int) -> Int64 {
            let pos = k < intEnd - digitsStart ? digitsStart + k : fracStart + (k - (intEnd - digitsStart))
            return Int64(bytes[pos] - UInt8(ascii: "0"))
        }
        while taken < keep {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit(at: taken))
            if o1 || o2 { return nil }
            value = sum
            taken += 1
        }
        if value != 0 {
            for _ in 0..<max(power, 0) {
                let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                value = times10
            }
        }
        return negative ? -value : value
    }

    /// An RFC 3339 date-time in microseconds, or nil.
    static func rfc3339(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard b.count >= 19,
            b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] | 0x20 == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let year = digits(b, 0, 4), let month = digits(b, 5, 2), let day = digits(b, 8, 2),
            let hour = digits(b, 11, 2), let minute = digits(b, 14, 2), let second = digits(b, 17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var i = 19
        var fraction: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, isDigit(b[i]) {
                if i - start < 6 { fraction = fraction * 10 + Int64(b[i] - UInt8(ascii: "0")) }
                i += 1
            }
            guard i > start else { return nil }
            for _ in min(i - start, 6)..<6 { fraction *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if i < b.count {
            if b[i] | 0x20 == UInt8(ascii: "z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                guard i + 6 == b.count, b[i + 3] == UInt8(ascii: ":"),
                    let oh = digits(b, i + 1, 2), let om = digits(b, i + 4, 2), oh < 24, om < 60
                else { return nil }
                offsetSeconds = Int64(oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
                i += 6
            }
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - offsetSeconds
        return seconds * 1_000_000 + fraction
    }

    private static func digits(_ b: UnsafeRawBufferPointer, _ at: Int, _ count: Int) -> Int? {
        var value = 0
        for k in at..<at + count {
            guard isDigit(b[k]) else { return nil }
            value = value * 10 + Int(b[k] - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146_097 + dayOfEra - 719_468)
    }
}
