import Ledger
import Segments

extension LedgerTier {
    /// The ledger's name for a segment tier.
    package init(_ tier: Tier) {
        switch tier {
        case .hot: self = .hot
        case .warm: self = .warm
        case .cold: self = .cold
        }
    }
}
