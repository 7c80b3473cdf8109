/// Storage prices, per GiB-month (GiB = 2^30 bytes), request prices, per 1,000 requests, and the retrieval price
/// of the cold store, per GiB read.
///
/// Decoded from the pipeline file's `prices` section; `CostModel` turns them into the ledger's money figures, and
/// every entry's `savings.prices` records them as used, so a later edit of the pipeline rewrites no history.
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
    /// The local disk holding the catalog, ledger and quarantine (the pipeline file defaults it to `hot`).
    package var overhead: Double = 0
    /// Object-store PUT, COPY, POST and LIST requests, per 1,000.
    package var putPer1000: Double = 0
    /// Object-store GET and HEAD requests, per 1,000.
    package var getPer1000: Double = 0
    /// Bytes read back from the cold store's class, per GiB.
    package var retrievalPerGiB: Double = 0
    /// All prices zero, in USD.
    package init() {}

    enum CodingKeys: String, CodingKey {
        case currency, source, hot, warm, cold, overhead
        case putPer1000 = "put_per_1000"
        case getPer1000 = "get_per_1000"
        case retrievalPerGiB = "retrieval_per_gib"
    }

    /// The storage price per GiB-month of `tier`.
    package func perGiBMonth(_ tier: LedgerTier) -> Double {
        switch tier {
        case .hot: hot
        case .warm: warm
        case .cold: cold
        }
    }
}
