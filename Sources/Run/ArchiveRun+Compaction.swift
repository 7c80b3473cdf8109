import ArchiveAccess
import Catalog
import Dedup
import Foundation
import Ingest
import Intake
import Segments

/// One merge of compaction: the local segments of one partition into its tier, those of several small cold
/// days of one month into one segment (segment format version 2), whose days then share compression, or one
/// segment of several days whole into the tier of its last day.
struct Merge {
    /// The days in order, each with its local segments (a segment of several days under its first).
    var days: [(partition: String, segments: [SegmentRow])]
    var target: Tier
    var segments: [SegmentRow] { days.flatMap { $0.segments } }
    /// The last day of the merged segment.
    var lastDay: String { segments.map(\.lastDay).max() ?? days[0].partition }
}

extension ArchiveRun {
    /// Merges each warm or cold partition whose local segments are not all of its tier, or are more than its
    /// size needs, into one (or, past the warm tier's size cap, a few) segments of that tier; small cold days
    /// of one month go into one segment together.
    func compactPartitions() async throws {
        for merge in try merges() {
            try await compact(merge)
        }
    }

    /// The merges `compactPartitions` makes, in order of their first day.
    ///
    /// A cold day smaller than one cold block is small: alone it would be a frame too short to compress well,
    /// with an index of its own. A small day waits in the warm tier until every day of its UTC month that the
    /// archive holds is of cold age, so that a month whose days turn cold one run at a time (a daily cron)
    /// still goes cold as one; then the small days of the month whose segments need merging (two or more
    /// segments, or segments not yet cold) become one segment up to the warm tier's size cap. The month bounds
    /// how long retention waits for a segment's last day. A segment of several days is merged with no other:
    /// later records of its days go to segments of their own, and it moves whole, its days kept, once its last
    /// day is of an older tier than its own (small hot days that a backfill wrote together).
    func merges() throws -> [Merge] {
        let rows = try catalog.segments()
        let byPartition = Dictionary(grouping: rows.filter { $0.lastPartition == nil }, by: \.partition)
        var merges = rows.filter { $0.lastPartition != nil && $0.state == .local && $0.tier < tier(of: $0.lastDay) }
            .map { Merge(days: [($0.partition, [$0])], target: tier(of: $0.lastDay)) }
        var youngest: [Substring: String] = [:]
        for row in rows {
            youngest[row.lastDay.prefix(7)] = max(youngest[row.lastDay.prefix(7)] ?? "", row.lastDay)
        }
        let cap = Int64(max(1, config.tiers.warm.maxSegmentBytes))
        let small = Int64(smallDayBytes)
        var group = Merge(days: [], target: .cold)
        var groupBytes: Int64 = 0
        func closeGroup() {
            if group.segments.count > 1 || group.segments.contains(where: { $0.tier != .cold }) { merges.append(group) }
            group.days = []
            groupBytes = 0
        }
        for partition in byPartition.keys.sorted() {
            var target = tier(of: partition)
            var local = (byPartition[partition] ?? []).filter { $0.state == .local }
            guard target != .hot, !local.isEmpty else { continue }
            let raw = local.reduce(Int64(0)) { $0 + $1.rawBytes }
            if target == .cold && raw < small && tier(of: youngest[partition.prefix(7)] ?? partition) != .cold {
                // Waits for its month in the warm tier; a segment already cold stays so.
                target = .warm
                local = local.filter { $0.tier != .cold }
                guard !local.isEmpty else { continue }
            } else if target == .cold && raw < small {
                if let first = group.days.first?.partition,
                    first.prefix(7) != partition.prefix(7) || groupBytes + raw > cap
                {
                    closeGroup()
                }
                group.days.append((partition, local))
                groupBytes += raw
                continue
            }
            // Stable once merged: a compaction leaves exactly ceil(raw / cap) segments of the target tier.
            let needed = Int((raw + cap - 1) / cap)
            guard local.count > needed || local.contains(where: { $0.tier != target }) else { continue }
            merges.append(Merge(days: [(partition, local)], target: target))
        }
        closeGroup()
        return merges.sorted { $0.days[0].partition < $1.days[0].partition }
    }

    /// Merges a partition's segments into `target`'s codec, several small days' into one segment, or moves a
    /// segment of several days whole into `target`: sorted (by day, then as each day's records are),
    /// deduplicated by id within each day, read back and verified, committed in place of the old ones, which are
    /// deleted only then.
    func compact(_ merge: Merge) async throws {
        let first = merge.days[0].partition
        let last = merge.lastDay
        logger.info(
            "compacting partition",
            metadata: [
                "partition": "\(first == last ? first : "\(first)..\(last)")",
                "segments": "\(merge.segments.count)", "tier": "\(merge.target)",
            ])
        var options = segmentOptions(partition: first, tier: merge.target)
        if first != last { options.lastPartition = last }
        var group = 0
        var cursors = try await openCursors(merge.days[0].segments)
        // The ids of the day being written: ids are unique per day, and records come by day first.
        var seen = DigestSet()
        var seenDay: Int64?
        var written: [WrittenSegment] = []
        // The next record, moving to the next day's segments when this one's are all read.
        func next() async throws -> Int? {
            while true {
                if let i = Self.smallest(cursors) { return i }
                guard group + 1 < merge.days.count else { return nil }
                group += 1
                cursors = try await openCursors(merge.days[group].segments)
            }
        }
        while try await next() != nil {
            let url = newSegmentURL(partition: first, tier: merge.target, codec: options.codec)
            var digests: [IdDigest] = []
            let (_, index, stored, storedSHA256) = try await withSegmentWriter(at: url, options: options) { writer in
                var raw = 0
                // Only a merge of one day is cut at the cap; one of several days was grouped to fit under it.
                while first != last || raw < config.tiers.warm.maxSegmentBytes, let i = try await next() {
                    let cursor = cursors[i]
                    guard let (line, record) = cursor.current else { break }
                    if Day.number(micros: record.timestamp) != seenDay {
                        seen = DigestSet()
                        seenDay = Day.number(micros: record.timestamp)
                    }
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
            let blob = IdDigest.segmentBlob(digests, severalDays: first != last)
            written.append(
                WrittenSegment(url: url, index: index, storedBytes: stored, storedSHA256: storedSHA256, digests: blob))
        }
        CrashPoint.compactionWritten.reach()
        try catalog.commit(
            added: written.map { .init(row: $0.row, digests: $0.digests, kind: $0.idKind) },
            retired: merge.segments.map(\.name))
        CrashPoint.compactionCommitted.reach()
        var directories: Set<URL> = []
        for row in merge.segments {
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
        summary.compactions += merge.days.count
    }

    private func openCursors(_ segments: [SegmentRow]) async throws -> [SegmentCursor] {
        var cursors: [SegmentCursor] = []
        for row in segments {
            let cursor = SegmentCursor(
                reader: try await SegmentReader.open(archive.byteSource(of: row)),
                scanners: recordScanners(for: config))
            try await cursor.advance()
            cursors.append(cursor)
        }
        return cursors
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
