import ArchiveAccess
import Catalog
import Foundation
import Segments

extension ArchiveRun {
    /// Brings the files back in line with the catalog after an interrupted run.
    ///
    /// The catalog is the truth: a segment file it does not list as local was written by a run that died
    /// before its commit (its records were not committed either, and are read again), or was merged or
    /// uploaded by a run that died before deleting it. Either way it is removed. A segment the catalog lists
    /// as local but whose file is gone is data loss, and stops the run.
    /// - Throws: `ArchiveError.missingSegment`.
    func recover() throws {
        let fm = FileManager.default
        for url in SegmentLocator.temporaryFiles(under: layout.root) {
            try fm.removeItem(at: url)
            summary.removedLeftovers += 1
        }
        if fm.fileExists(atPath: layout.scratch.path) {
            try fm.removeItem(at: layout.scratch)
        }
        let rows = try catalog.segments()
        var expected: Set<String> = []
        for row in rows where row.state == .local {
            let url = layout.file(name: row.name, tier: row.tier, partition: row.partition)
            guard fm.fileExists(atPath: url.path) else {
                throw ArchiveError.missingSegment(name: row.name, path: url.path)
            }
            expected.insert(url.standardizedFileURL.path)
        }
        for url in SegmentLocator.segmentFiles(under: layout.segments)
        where !expected.contains(url.standardizedFileURL.path) {
            logger.notice("removing a segment an interrupted run left behind", metadata: ["segment.id": "\(url.path)"])
            try fm.removeItem(at: url)
            summary.removedLeftovers += 1
        }
        removeEmptyDirectories(under: layout.segments)
    }

    /// Removes partition directories left empty by compaction, pushes and recovery.
    func removeEmptyDirectories(under root: URL) {
        let fm = FileManager.default
        for tier in (try? fm.contentsOfDirectory(at: root, includingPropertiesForKeys: nil)) ?? [] {
            for dir in (try? fm.contentsOfDirectory(at: tier, includingPropertiesForKeys: nil)) ?? []
            where ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? ["?"]).isEmpty {
                try? fm.removeItem(at: dir)
            }
        }
    }
}
