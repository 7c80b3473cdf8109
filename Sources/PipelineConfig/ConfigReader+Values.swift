/// Typed readings of single values, each recording a problem instead of failing.
///
/// Numbers are read from the scalar's text with Swift's own parsers, not Yams' YAML 1.1 ones, so `0x10`, `1_000`
/// and `1:30` stay errors as they always were.
extension ConfigReader {
    func string(_ value: Located) -> String? {
        if let text = value.text { return text }
        wrongType(value, "text, not a list or mapping")
        return nil
    }

    func int(_ value: Located) -> Int? {
        if let number = value.text.flatMap({ Int($0) }) { return number }
        wrongType(value, "a whole number")
        return nil
    }

    func number(_ value: Located) -> Double? {
        if let number = value.text.flatMap({ Double($0) }), number.isFinite { return number }
        wrongType(value, "a number such as 0.023")
        return nil
    }

    /// A size in bytes; one outside `range` is recorded as invalid with `reason` and gives nil.
    func size(_ value: Located, in range: ClosedRange<Int> = 0...Int.max, _ reason: String = "") -> Int? {
        guard let text = value.text else {
            wrongType(value, "a size such as '64MiB'")
            return nil
        }
        if let bytes = Units.bytes(text) {
            if range.contains(bytes) { return bytes }
            invalid(value, text, reason)
            return nil
        }
        invalid(
            value, text,
            "a size is a whole number of bytes or a number with KiB, MiB, GiB, KB, MB or GB (for example '64MiB')")
        return nil
    }

    /// A block size: 1 KiB to 64 MiB.
    func blockSize(_ value: Located) -> Int? {
        size(value, in: 1 << 10...64 << 20, "a block must hold 1 KiB to 64 MiB")
    }

    func days(_ value: Located) -> Int? {
        guard let text = value.text else {
            wrongType(value, "a number of days such as '7d'")
            return nil
        }
        if let days = Units.days(text) { return days }
        invalid(value, text, "partitions are whole UTC days, so write a number of days such as '7d'")
        return nil
    }

    func choice<Value: RawRepresentable & CaseIterable>(_ value: Located, _ type: Value.Type) -> Value?
    where Value.RawValue == String {
        guard let text = string(value) else { return nil }
        if let choice = Value(rawValue: text) { return choice }
        let options = Value.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let hint = Self.suggestion(for: text, in: Value.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" }
        invalid(value, text, "it must be one of \(options)\(hint ?? "")")
        return nil
    }
}
