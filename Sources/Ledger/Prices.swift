/// Storage prices, per GiB-month, and optional request prices, per 1,000 requests.
package struct Prices: Sendable, Codable, Equatable {
    /// ISO 4217 code the prices are in.
    package var currency: String = "USD"
    /// What the raw source logs cost where they are kept today.
    package var source: Double = 0
    package var hot: Double = 0
    package var warm: Double = 0
    package var cold: Double = 0
    /// Object-store PUT (and LIST) requests, per 1,000.
    package var putPer1000: Double = 0
    /// Object-store GET (and HEAD) requests, per 1,000.
    package var getPer1000: Double = 0
    package init() {}
}
