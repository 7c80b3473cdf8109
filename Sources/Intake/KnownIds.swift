import Catalog
import Dedup
import Segments

/// The ids already archived in one partition, as a run checks new records against them.
///
/// Segments inside the dedup horizon keep exact digests; older ones keep only a Bloom filter. A "maybe" from a
/// filter is confirmed by reading that partition's ids from its segments, once per run, which is rare: nearly
/// all redeliveries land within days (DESIGN.md, "Dedup state must stay small").
package final class KnownIds {
    private var exact: DigestSet
    private var filters: [BloomFilter]
    private let confirm: () async throws -> [IdDigest]

    /// - Parameter confirm: reads the ids of the segments that only have a filter.
    package init(blobs: [Catalog.IdBlob], confirm: @escaping () async throws -> [IdDigest]) throws {
        exact = DigestSet(blobs.filter { $0.kind == .exact }.flatMap { IdDigest.digests(inBlob: $0.bytes) })
        filters = try blobs.filter { $0.kind == .bloom }.map { try BloomFilter(serialized: $0.bytes) }
        self.confirm = confirm
    }

    /// An empty set: nothing archived yet (a one-off compaction).
    package init() {
        exact = DigestSet()
        filters = []
        confirm = { [] }
    }

    /// False when `digest` is surely not archived, which nearly every record is: known without the async call
    /// of `contains` (a task frame a record).
    package func mayContain(_ digest: IdDigest) -> Bool {
        exact.contains(digest) || filters.contains { $0.mightContain(digest) }
    }

    /// True when `digest` is archived in the partition.
    package nonisolated(nonsending) func contains(_ digest: IdDigest) async throws -> Bool {
        if exact.contains(digest) { return true }
        guard filters.contains(where: { $0.mightContain(digest) }) else { return false }
        for d in try await confirm() { exact.insert(d) }
        filters = []
        return exact.contains(digest)
    }
}
