/// An amount of money held exactly, in millionths of the currency unit (micro-dollars for USD).
///
/// Ledger money is computed and summed as integers so that `audit` can recompute every figure to the last
/// digit; in JSON it is a number with at most six decimals (`12.5`, `0.000123`).
package struct Money: Sendable, Codable, Equatable, Hashable, Comparable, CustomStringConvertible {
    /// Millionths of the currency unit.
    package var micros: Int64

    /// Zero.
    package static let zero = Money(micros: 0)

    /// An amount of `micros` millionths of the currency unit.
    package init(micros: Int64) {
        self.micros = micros
    }

    /// `value` rounded half away from zero to six decimal places.
    package init(rounding value: Double) {
        micros = Int64((value * 1_000_000).rounded(.toNearestOrAwayFromZero))
    }

    /// The amount as a `Double`, for charts and ratios only: never for sums.
    package var doubleValue: Double { Double(micros) / 1_000_000 }

    /// Fixed six-decimal text, `-1.250000`: the form reports use so that every format shows the same digits.
    package var description: String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let fraction = String(magnitude % 1_000_000)
        return "\(sign)\(magnitude / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }

    /// `self` accrued over `seconds` at `self` per month (30 days = 2,592,000 s), rounded half away from zero.
    ///
    /// Integer arithmetic throughout (128-bit intermediate), so it is the same on every machine.
    package func accrued(overSeconds seconds: Int64) -> Money {
        let month: Int64 = 2_592_000
        let elapsed = max(0, seconds)
        let product = micros.magnitude.multipliedFullWidth(by: UInt64(elapsed))
        var (quotient, remainder) = UInt64(month).dividingFullWidth(product)
        if remainder * 2 >= UInt64(month) { quotient += 1 }
        return Money(micros: micros < 0 ? -Int64(quotient) : Int64(quotient))
    }

    /// Exact sum.
    package static func + (lhs: Money, rhs: Money) -> Money { Money(micros: lhs.micros + rhs.micros) }
    /// Exact difference.
    package static func - (lhs: Money, rhs: Money) -> Money { Money(micros: lhs.micros - rhs.micros) }
    /// Orders amounts by value.
    package static func < (lhs: Money, rhs: Money) -> Bool { lhs.micros < rhs.micros }

    /// Decodes a JSON number, rounded to the micro.
    package init(from decoder: any Decoder) throws {
        self.init(rounding: try decoder.singleValueContainer().decode(Double.self))
    }

    /// Encodes a JSON number: the shortest decimal that reads back as the same `Double`, hence the same micros.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(doubleValue)
    }
}
