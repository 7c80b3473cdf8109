import ArchiveAccess
import Catalog
import Codecs
import Crypto
import Foundation
import Intake
import ObjectStore
import Segments

extension ArchiveRun {
    /// Metadata key of an object's SHA-256 (hex, of the object's bytes), set on upload and checked after it.
    static let checksumMetadata = "sha256"
    /// Objects that may fail in a row before a run leaves the remaining uploads to the next one.
    static let failedObjectsBeforeGivingUp = 2

    /// Pushes local cold segments to the cold store, several partitions packed into one object up to the
    /// pack target; each object is verified (size and SHA-256) before the catalog marks its segments remote and
    /// the local copies are deleted. An object that fails stays local, listed in `pendingUploads`.
    func pushCold() async throws {
        let candidates = try catalog.segments().filter { $0.tier == .cold && $0.state == .local }
        if !candidates.isEmpty { await push(candidates) }
        await removeUncommittedUploads()
    }

    private func push(_ candidates: [SegmentRow]) async {
        await abortLeftoverUploads()
        var failures = 0
        for pack in packs(candidates) {
            // Each failed object has already spent its retries: after two in a row the store is down, and the
            // rest waits for the next run rather than keep cron busy for minutes.
            guard failures < Self.failedObjectsBeforeGivingUp else {
                summary.pendingUploads.append(contentsOf: pack.map(\.name))
                continue
            }
            do {
                try await push(pack: pack)
                failures = 0
            } catch {
                failures += 1
                logger.error(
                    "upload failed; the segments stay local and the next run retries",
                    metadata: ["segments": "\(pack.map(\.name))", "error": "\(error)"])
                summary.pendingUploads.append(contentsOf: pack.map(\.name))
            }
        }
        removeEmptyDirectories(under: layout.segments)
    }

    /// Deletes the objects that a run put but whose segments it never marked remote (killed between the two, or
    /// the upload failed its check): their segments are still local and go up again, perhaps packed otherwise,
    /// so these objects would be counted nowhere. Runs after this run's pushes, so an object a retry finds
    /// already there is adopted, not deleted. A failure is logged and retried next run.
    private func removeUncommittedUploads() async {
        do {
            for key in try catalog.uncommittedUploads() {
                try await store.delete(key: key)
                try catalog.clearUpload(key: key)
                logger.notice("deleted an object an interrupted upload left", metadata: ["s3.key": "\(key)"])
            }
        } catch {
            logger.error("could not delete objects an interrupted upload left", metadata: ["error": "\(error)"])
        }
    }

    /// Aborts multipart uploads that an interrupted run left under `segments/`: their segments are still local
    /// and are uploaded again whole, so the parts would only cost money. A failure here is logged, not fatal.
    private func abortLeftoverUploads() async {
        do {
            let aborted = try await store.abortIncompleteUploads(prefix: "segments/")
            if aborted > 0 {
                logger.notice("aborted multipart uploads an interrupted run left", metadata: ["uploads": "\(aborted)"])
            }
        } catch {
            logger.warning(
                "could not abort multipart uploads an interrupted run left; the next run tries again",
                metadata: ["error": "\(error)"])
        }
    }

    /// Groups segments in partition order into packs of one codec, each up to the pack target.
    func packs(_ segments: [SegmentRow]) -> [[SegmentRow]] {
        var packs: [[SegmentRow]] = []
        var current: [SegmentRow] = []
        var bytes: Int64 = 0
        for row in segments {
            if !current.isEmpty
                && (current[0].codec != row.codec || bytes + row.storedBytes > Int64(config.tiers.cold.packTargetBytes))
            {
                packs.append(current)
                current = []
                bytes = 0
            }
            current.append(row)
            bytes += row.storedBytes
        }
        if !current.isEmpty { packs.append(current) }
        return packs
    }

    private func push(pack: [SegmentRow]) async throws {
        let first = pack[0]
        let files = pack.map { layout.file(name: $0.name, tier: $0.tier, partition: $0.partition) }
        let name: String
        let upload: URL
        if pack.count == 1 {
            name = first.name
            upload = files[0]
        } else {
            // The name follows from the members, so a retry after a crash finds the same object.
            let members = SHA256.hash(data: Data(pack.map(\.storedSHA256).joined(separator: "\n").utf8))
            let tag = String(hex(members).prefix(12))
            name = "\(first.partition)_\(pack[pack.count - 1].partition).\(tag).pack.\(first.codec.segmentExtension)"
            try FileManager.default.createDirectory(at: layout.scratch, withIntermediateDirectories: true)
            upload = layout.scratch.appendingPathComponent(name)
            try concatenate(files, into: upload)
        }
        defer { if pack.count > 1 { try? FileManager.default.removeItem(at: upload) } }
        let key = ArchiveLayout.objectKey(partition: first.partition, name: name)
        let size = UInt64(pack.reduce(Int64(0)) { $0 + $1.storedBytes })
        let checksum = pack.count == 1 ? first.storedSHA256 : try sha256Hex(of: upload)

        try catalog.recordUpload(key: key)
        let existing = try await store.head(key: key)
        if existing?.size == size && existing?.metadata[Self.checksumMetadata] == checksum {
            logger.info("object already in the cold store; not uploading it again", metadata: ["s3.key": "\(key)"])
        } else {
            logger.info("uploading to the cold store", metadata: ["s3.key": "\(key)", "bytes": "\(size)"])
            _ = try await store.put(key: key, file: upload, metadata: [Self.checksumMetadata: checksum])
            summary.uploadedBytes += Int64(size)
            summary.uploadedObjects += 1
        }
        guard let stored = try await store.head(key: key) else {
            throw RunError.uploadMismatch(key: key, detail: "it is missing after the upload")
        }
        guard stored.size == size, stored.metadata[Self.checksumMetadata] == checksum else {
            throw RunError.uploadMismatch(
                key: key,
                detail: "\(stored.size) bytes with SHA-256 '\(stored.metadata[Self.checksumMetadata] ?? "none")', "
                    + "expected \(size) bytes with '\(checksum)'")
        }
        CrashPoint.coldUploaded.reach()
        var offsets: [String: Int64] = [:]
        var offset: Int64 = 0
        for row in pack {
            offsets[row.name] = offset
            offset += row.storedBytes
        }
        try catalog.markRemote(offsets, objectKey: key)
        CrashPoint.coldMarked.reach()
        for file in files {
            try FileManager.default.removeItem(at: file)
        }
        summary.freedBytes += Int64(size)
    }

    private func concatenate(_ files: [URL], into target: URL) throws {
        _ = FileManager.default.createFile(atPath: target.path, contents: nil)
        let out = try FileHandle(forWritingTo: target)
        defer { try? out.close() }
        for file in files {
            let input = try FileHandle(forReadingFrom: file)
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: 4 << 20), !chunk.isEmpty {
                try out.write(contentsOf: chunk)
            }
        }
        try out.synchronize()
    }

    /// True when `partition` is older than the retention period.
    func isPastRetention(_ partition: String) -> Bool {
        guard let retention = config.retention else { return false }
        return age(of: partition) >= Int64(retention.deleteAfterDays)
    }

    /// Segments past the retention period. A segment of several days expires with its last day, and a cold
    /// object is deleted whole, so a day packed with younger days waits until every day in its object has
    /// passed retention: the bytes the store holds and the catalog's
    /// figures stay equal.
    func expiredSegments() throws -> [SegmentRow] {
        guard config.retention != nil else { return [] }
        let rows = try catalog.segments()
        let isExpired = { (row: SegmentRow) in self.isPastRetention(row.lastDay) }
        let objects = Dictionary(grouping: rows.filter { $0.objectKey != nil }, by: { $0.objectKey ?? "" })
        return rows.filter { row in
            guard isExpired(row) else { return false }
            guard let key = row.objectKey else { return true }
            return objects[key, default: []].allSatisfy(isExpired)
        }
    }

    /// Deletes partitions older than the retention period: the cold objects and local files that hold them first,
    /// then their catalog rows. A delete that fails keeps its segments' rows, so the next run finds them expired
    /// again and retries (the run ends `partial`); rows dropped first would leave data that nothing refers to.
    func applyRetention() async throws {
        let expired = try expiredSegments()
        guard !expired.isEmpty else { return }
        var deletedKeys: Set<String> = []
        for key in try catalog.objectKeys(heldOnlyBy: expired.map(\.name)) {
            do {
                try await store.delete(key: key)
                deletedKeys.insert(key)
            } catch {
                logger.error(
                    "could not delete a cold object past retention; its rows stay and the next run retries",
                    metadata: ["s3.key": "\(key)", "error": "\(error)"])
                summary.pendingDeletions.append(key)
            }
        }
        var gone: [SegmentRow] = []
        for row in expired {
            if let key = row.objectKey {
                if deletedKeys.contains(key) { gone.append(row) }
                continue
            }
            let file = layout.file(name: row.name, tier: row.tier, partition: row.partition)
            // A missing file was deleted by an earlier run that stopped before dropping the row.
            if FileManager.default.fileExists(atPath: file.path) {
                do {
                    try FileManager.default.removeItem(at: file)
                } catch {
                    logger.error(
                        "could not delete a segment file past retention; its row stays and the next run retries",
                        metadata: ["path": "\(file.path)", "error": "\(error)"])
                    summary.pendingDeletions.append(file.path)
                    continue
                }
            }
            gone.append(row)
        }
        try catalog.remove(segments: gone.map(\.name))
        guard !gone.isEmpty else { return }
        summary.retentionDeletedRecords += gone.reduce(Int64(0)) { $0 + $1.records }
        // A segment of several days as its range of days.
        let days = gone.map { row in row.lastPartition.map { "\(row.partition)..\($0)" } ?? row.partition }
        summary.retentionDeletedPartitions = Array(Set(days)).sorted()
        logger.notice(
            "deleted partitions past retention",
            metadata: [
                "partitions": "\(summary.retentionDeletedPartitions)", "records": "\(summary.retentionDeletedRecords)",
            ])
        removeEmptyDirectories(under: layout.segments)
    }
}
