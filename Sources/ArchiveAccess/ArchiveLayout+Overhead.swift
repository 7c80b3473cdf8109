import Foundation

extension ArchiveLayout {
    /// Bytes of the files the archive keeps under its root besides its segments: catalog, quarantine, scratch,
    /// the ledger's `.torn` sidecar and anything else found there.
    ///
    /// Left out: `segments/` (the tiers), the embedded cold store `cold/` (its bytes are the cold tier's), the
    /// lock file (empty between runs) and the ledger itself, which `Ledger.append` adds with the new entry in it.
    /// - Throws: `ArchiveError.badArchive` when the root or a file in it cannot be read.
    package func overheadBytes() throws -> Int64 {
        let skipped = Set([segments, defaultColdStore, ledger, root.appendingPathComponent(".lock")].map(\.path))
        guard
            let walk = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey], options: [])
        else { throw ArchiveError.badArchive(path: root.path, underlying: CocoaError(.fileReadUnknown)) }
        var total: Int64 = 0
        for case let url as URL in walk {
            if skipped.contains(url.standardizedFileURL.path) {
                walk.skipDescendants()
                continue
            }
            let values: URLResourceValues
            do {
                values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            } catch {
                throw ArchiveError.badArchive(path: url.path, underlying: error)
            }
            if values.isRegularFile == true { total += Int64(values.fileSize ?? 0) }
        }
        return total
    }
}
