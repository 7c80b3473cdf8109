import Foundation
import Segments

/// Where things live under an archive root.
///
/// Every path is built from parts msgarchive makes itself (tier names, `YYYY-MM-DD` partitions, generated
/// segment names), never from message content, so nothing can point outside the root (DESIGN.md invariant 9).
package struct ArchiveLayout: Sendable {
    package let root: URL

    package init(root: URL) { self.root = root.standardizedFileURL }

    package var catalog: URL { root.appendingPathComponent("catalog.sqlite") }
    package var ledger: URL { root.appendingPathComponent("ledger.jsonl") }
    package var segments: URL { root.appendingPathComponent("segments", isDirectory: true) }
    package var quarantine: URL { root.appendingPathComponent("quarantine", isDirectory: true) }
    /// Scratch space for cold packs being uploaded.
    package var scratch: URL { root.appendingPathComponent("tmp", isDirectory: true) }
    /// The embedded cold store, used when the pipeline names none.
    package var defaultColdStore: URL { root.appendingPathComponent("cold", isDirectory: true) }

    /// The directory of a partition's local segments in a tier.
    package func directory(tier: Tier, partition: String) -> URL {
        segments.appendingPathComponent(tier.rawValue, isDirectory: true)
            .appendingPathComponent(partition, isDirectory: true)
    }

    /// The local file of a segment.
    package func file(name: String, tier: Tier, partition: String) -> URL {
        directory(tier: tier, partition: partition).appendingPathComponent(name)
    }

    /// The object key of a cold object holding segments of `partition`.
    package static func objectKey(partition: String, name: String) -> String { "segments/\(partition)/\(name)" }

    /// The object key of the ledger's mirror in the cold store.
    package static let ledgerKey = "ledger/ledger.jsonl"
}
