/// Storage tiers by partition age.
package enum Tier: String, Sendable, Codable, CaseIterable, Comparable {
    /// Recent partitions: lz4, fast to read.
    case hot
    /// Older partitions: merged and recompressed with zlib at a high level.
    case warm
    /// The oldest partitions, kept in the object store.
    case cold

    /// Tiers order by age: hot < warm < cold.
    package static func < (lhs: Tier, rhs: Tier) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .hot: 0
        case .warm: 1
        case .cold: 2
        }
    }
}
