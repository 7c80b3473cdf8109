/// Storage tiers by partition age.
package enum Tier: String, Sendable, Codable, CaseIterable, Comparable {
    /// Recent partitions: lz4, fast to read.
    case hot
    /// Older partitions: merged and recompressed with zlib at a high level.
    case warm
    /// The oldest partitions, kept in the object store.
    case cold

    package static func < (lhs: Tier, rhs: Tier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
