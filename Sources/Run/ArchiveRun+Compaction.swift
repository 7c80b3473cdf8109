import ArchiveAccess
import Catalog
import Dedup
import Foundation
import Ingest
import Intake
import Segments

extension ArchiveRun {
    /// Merges each warm or cold partition whose local segments are not all of its tier, or are more than its
    /// size needs, into one (or, past the warm tier's size cap, a few) segments of that tier.
    func compactPartitions() async throws {
        for (partition, segments, target) in try partitionsToCompact() {
            try await compact(partition: partition, segments: segments, into: target)
        }
    }

    /// The partitions `compactPartitions` merges, with their local segments and target tier.
    func partitionsToCompact() throws -> [(String, [SegmentRow], Tier)] {
        let byPartition = Dictionary(grouping: try catalog.segments(), by: \.partition)
        return byPartition.keys.sorted().compactMap { partition in
            let target = tier(of: partition)
            guard target != .hot else { return nil }
            let local = (byPartition[partition] ?? []).filter { $0.state == .local }
            // Stable once merged: a compaction leaves exactly ceil(raw / cap) segments of the target tier.
            let raw = local.reduce(Int64(0)) { $0 + $1.rawBytes }
            let cap = Int64(max(1, config.tiers.warm.maxSegmentBytes))
            let needed = Int((raw + cap - 1) / cap)
            guard local.count > needed || local.contains(where: { $0.tier != target }) else { return nil }
            return (partition, local, target)
        }
    }

    /// Merges `segments` of one partition into `target`'s codec: sorted, deduplicated by id, read back and
    /// verified, committed in place of the old ones, which are deleted only then.
    func compact(partition: String, segments: [SegmentRow], into target: Tier) async throws {
        logger.info(
            "compacting partition",
            metadata: ["partition": "\(partition)", "segments": "\(segments.count)", "tier": "\(target)"])
        var cursors: [SegmentCursor] = []
        for row in segments {
            let cursor = SegmentCursor(
                reader: try await SegmentReader.open(archive.byteSource(of: row)),
                scanners: recordScanners(for: config))
            try await cursor.advance()
            cursors.append(cursor)
        }
        let options = segmentOptions(partition: partition, tier: target)
        var seen = DigestSet()
        var written: [WrittenSegment] = []
        while cursors.contains(where: { $0.current != nil }) {
            let url = try newSegmentURL(partition: partition, tier: target, codec: options.codec)
            var digests: [IdDigest] = []
            let (_, index, stored, storedSHA256) = try await withSegmentWriter(at: url, options: options) { writer in
                var raw = 0
                while raw < config.tiers.warm.maxSegmentBytes, let next = Self.smallest(cursors) {
                    let cursor = cursors[next]
                    guard let (line, record) = cursor.current else { break }
                    let digest = IdDigest(id: record.id)
                    if seen.insert(digest) {
                        try await writer.append(line, conversation: record.conversation, timestamp: record.timestamp)
                        digests.append(digest)
                        raw += line.count + 1
                    } else {
                        summary.compactionDuplicates += 1
                    }
                    try await cursor.advance()
                }
            }
            let reader = try await SegmentReader.open(FileByteSource(url: url))
            try await reader.verify()
            written.append(
                WrittenSegment(
                    url: url, index: index, storedBytes: stored, storedSHA256: storedSHA256,
                    digests: IdDigest.blob(digests.sorted())))
        }
        CrashPoint.compactionWritten.reach()
        try catalog.commit(added: written.map(\.catalogEntry), retired: segments.map(\.name))
        CrashPoint.compactionCommitted.reach()
        var directories: Set<URL> = []
        for row in segments {
            let file = layout.file(name: row.name, tier: row.tier, partition: row.partition)
            try FileManager.default.removeItem(at: file)
            directories.insert(file.deletingLastPathComponent())
        }
        // Only the directories this merge emptied: walking the whole tree for each partition made a run over
        // many small days quadratic in their number.
        for directory in directories {
            let left = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? ["?"]
            if left.isEmpty { try? FileManager.default.removeItem(at: directory) }
        }
        summary.compactions += 1
    }

    /// The cursor whose current record sorts first by (conversation, timestamp, id).
    static func smallest(_ cursors: [SegmentCursor]) -> Int? {
        var best: Int?
        for (i, cursor) in cursors.enumerated() {
            guard let (_, record) = cursor.current else { continue }
            guard let b = best, let (_, current) = cursors[b].current else {
                best = i
                continue
            }
            if precedes(record, current) { best = i }
        }
        return best
    }

    static func precedes(_ a: ScannedRecord, _ b: ScannedRecord) -> Bool {
        if a.conversation != b.conversation {
            return a.conversation.utf8.lexicographicallyPrecedes(b.conversation.utf8)
        }
        if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
        return a.id.utf8.lexicographicallyPrecedes(b.id.utf8)
    }
}
