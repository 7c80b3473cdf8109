import ArchiveAccess
import Catalog
import Dedup
import Intake
import Segments

extension ArchiveRun {
    /// What the catalog knows of the ids archived in `partition`.
    func knownIds(_ partition: String) throws -> KnownIds {
        if let archivedDays, !archivedDays.contains(partition) { return KnownIds() }
        let blobs = try catalog.idBlobs(partition: partition)
        let filtered = Set(blobs.filter { $0.kind == .bloom }.map(\.segment))
        return try KnownIds(blobs: blobs) { [self] in
            var ids: [IdDigest] = []
            for row in try catalog.segments(covering: partition) where filtered.contains(row.name) {
                logger.debug("confirming a possible duplicate from a segment", metadata: ["segment.id": "\(row.name)"])
                let cursor = SegmentCursor(
                    reader: try await SegmentReader.open(archive.byteSource(of: row)),
                    scanners: recordScanners(for: config))
                try await cursor.advance()
                // A segment of several days also holds other days' records, whose ids do not count here.
                let day = row.lastPartition == nil ? nil : Day.number(partition: partition)
                while let (_, record) = cursor.current {
                    if day == nil || Day.number(micros: record.timestamp) == day { ids.append(IdDigest(id: record.id)) }
                    try await cursor.advance()
                }
            }
            return ids
        }
    }

    /// The days some segment holds records of, read once before ingest so that a partition no segment holds
    /// costs no catalog read: a backfill of a quiet service's history touches thousands of new days, and a read
    /// for each was about a quarter of its user time. Nil, so that every partition is looked up, when a segment's
    /// days do not read as days or span more than a year.
    func readArchivedDays() throws -> Set<String>? {
        var days: Set<String> = []
        for (first, last) in try catalog.segmentSpans() {
            guard first != last else {
                days.insert(first)
                continue
            }
            guard let a = Day.number(partition: first), let b = Day.number(partition: last), a <= b, b - a <= 366
            else { return nil }
            for day in a...b { days.insert(Day.name(day)) }
        }
        return days
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
