import Catalog
import Dedup
import Segments

/// The ids already archived in one partition, as a run checks new records against them.
///
/// Segments inside the dedup horizon keep exact digests; older ones keep only a Bloom filter. A "maybe" from a
/// filter is confirmed by reading that partition's ids from its segments, once per run, which is rare: nearly
/// all redeliveries land within days (DESIGN.md, "Dedup state must stay small").
final class KnownIds {
    private var exact: DigestSet
    private var filters: [BloomFilter]
    private let confirm: () async throws -> [IdDigest]

    /// - Parameter confirm: reads the ids of the segments that only have a filter.
    init(blobs: [Catalog.IdBlob], confirm: @escaping () async throws -> [IdDigest]) throws {
        exact = DigestSet(blobs.filter { $0.kind == .exact }.flatMap { IdDigest.digests(inBlob: $0.bytes) })
        filters = try blobs.filter { $0.kind == .bloom }.map { try BloomFilter(serialized: $0.bytes) }
        self.confirm = confirm
    }

    /// An empty set: nothing archived yet (a one-off compaction).
    init() {
        exact = DigestSet()
        filters = []
        confirm = { [] }
    }

    /// True when `digest` is archived in the partition.
    func contains(_ digest: IdDigest) async throws -> Bool {
        if exact.contains(digest) { return true }
        guard filters.contains(where: { $0.mightContain(digest) }) else { return false }
        for d in try await confirm() { exact.insert(d) }
        filters = []
        return exact.contains(digest)
    }
}

extension ArchiveRun {
    /// What the catalog knows of the ids archived in `partition`.
    func knownIds(_ partition: String) throws -> KnownIds {
        let blobs = try catalog.idBlobs(partition: partition)
        let filtered = Set(blobs.filter { $0.kind == .bloom }.map(\.segment))
        return try KnownIds(blobs: blobs) { [self] in
            var ids: [IdDigest] = []
            for row in try catalog.segments(partition: partition) where filtered.contains(row.name) {
                logger.debug("confirming a possible duplicate from a segment", metadata: ["segment.id": "\(row.name)"])
                let cursor = SegmentCursor(
                    reader: try await SegmentReader.open(archive.byteSource(of: row)),
                    scanners: recordScanners(for: config))
                try await cursor.advance()
                while let (_, record) = cursor.current {
                    ids.append(IdDigest(id: record.id))
                    try await cursor.advance()
                }
            }
            return ids
        }
    }

    /// Replaces exact id digests with Bloom filters for partitions past the dedup horizon.
    func shrinkIdDigests() throws {
        let cutoff = Day.name(Day.number(micros: Day.micros(now)) - Int64(config.dedup.horizonDays))
        let changed = try catalog.shrinkIdBlobs(before: cutoff) { blob in
            BloomFilter(IdDigest.digests(inBlob: blob)).serialized()
        }
        if changed > 0 {
            logger.debug(
                "id digests past the dedup horizon kept as Bloom filters", metadata: ["segments": "\(changed)"])
        }
    }
}
