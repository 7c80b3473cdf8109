/// Storage prices, per GiB-month (GiB = 2^30 bytes), and optional request prices, per 1,000 requests.
///
/// Decoded from the pipeline file's `prices` section; `CostModel` turns them into the ledger's money figures.
package struct Prices: Sendable, Codable, Equatable {
    /// ISO 4217 code the prices are in.
    package var currency: String = "USD"
    /// What the raw source logs cost where they are kept today.
    package var source: Double = 0
    /// Hot tier storage (local disk holding lz4 segments).
    package var hot: Double = 0
    /// Warm tier storage (local disk holding zlib segments).
    package var warm: Double = 0
    /// Cold tier storage (the object store's storage class).
    package var cold: Double = 0
    /// Object-store PUT (and LIST) requests, per 1,000.
    package var putPer1000: Double = 0
    /// Object-store GET (and HEAD) requests, per 1,000.
    package var getPer1000: Double = 0
    /// All prices zero, in USD.
    package init() {}

    /// The storage price per GiB-month of `tier`.
    package func perGiBMonth(_ tier: LedgerTier) -> Double {
        switch tier {
        case .hot: hot
        case .warm: warm
        case .cold: cold
        }
    }
}
