import ArchiveAccess
import Catalog
import Foundation
import Intake
import Ledger
import Logging
import ObjectStore
import Segments

/// `msgarchive audit`: the ledger's hash chain and figures, its cold-store copy, and its last entry against the
/// storage as it really is (local files, the cold store's listing, the catalog).
package struct ArchiveAuditor {
    let archive: Archive
    let logger: Logger

    package init(archive: Archive, logger: Logger) {
        self.archive = archive
        self.logger = logger
    }

    /// How many segments to decompress and check: none, a sample, or all.
    package enum Depth: Sendable {
        case figures
        case sample(Int)
        case deep
    }

    /// Every disagreement found, as sentences; empty when everything agrees.
    package func audit(depth: Depth) async throws -> [String] {
        let ledger = Ledger(url: archive.layout.ledger)
        var problems = try LedgerAudit.verify(ledger).map(\.description)
        let lines = try ledger.rawLines()
        do {
            let mirror = try await archive.store.get(key: ArchiveLayout.ledgerKey, range: nil)
            let mirrorLines = Data(mirror).split(separator: 0x0A).map { Data($0) }
            problems += LedgerAudit.compareMirror(local: lines, mirror: mirrorLines).map(\.description)
        } catch ObjectStoreError.notFound {
            if !lines.isEmpty {
                problems.append(
                    "The cold store has no copy of the ledger at '\(ArchiveLayout.ledgerKey)'; the next run writes it.")
            }
        } catch {
            // A store that cannot answer is not a store without the copy: say which, so nobody rewrites it blindly.
            problems.append(
                "The cold store's copy of the ledger at '\(ArchiveLayout.ledgerKey)' could not be read (\(error)); "
                    + "check the store's settings and reachability, then run 'msgarchive audit' again.")
        }
        let (actual, storageProblems) = try await measureStorage()
        problems += storageProblems
        if let line = lines.last {
            // An unreadable last line is already named by the chain check; it has no figures to compare, and
            // throwing here would hide every other disagreement.
            if let last = try? Ledger.decode(line) {
                problems += LedgerAudit.compare(last: last, actual: actual).map(\.description)
            }
        } else {
            problems.append("The ledger '\(archive.layout.ledger.path)' has no entry yet; run 'msgarchive run' first.")
        }
        let rows = try archive.catalog.segments()
        let checked: [SegmentRow]
        switch depth {
        case .figures: checked = []
        case .sample(let n):
            var generator = SystemRandomNumberGenerator()
            checked = Array(rows.shuffled(using: &generator).prefix(n))
        case .deep: checked = rows
        }
        if !checked.isEmpty {
            problems += try await ArchiveVerifier(archive: archive, logger: logger).verify(checked).map(\.description)
        }
        return problems
    }

    /// What each tier holds, measured from the files and the cold store rather than taken from the catalog,
    /// and every place where the catalog and the storage disagree.
    func measureStorage() async throws -> (StorageSnapshot, [String]) {
        var snapshot = StorageSnapshot()
        var problems: [String] = []
        let rows = try archive.catalog.segments()
        var cataloged: [String: SegmentRow] = [:]
        for row in rows where row.state == .local {
            let url = archive.layout.file(name: row.name, tier: row.tier, partition: row.partition)
            cataloged[url.standardizedFileURL.path] = row
            guard let size = try? fileSize(url) else {
                problems.append("Segment '\(row.name)' is in the catalog but its file '\(url.path)' is missing.")
                continue
            }
            if Int64(size) != row.storedBytes {
                problems.append(
                    "Segment '\(url.path)' is \(size) bytes on disk but \(row.storedBytes) in the catalog.")
            }
        }
        for url in SegmentLocator.segmentFiles(under: archive.layout.segments) {
            if cataloged[url.standardizedFileURL.path] == nil {
                problems.append("Segment file '\(url.path)' is not in the catalog; the next run removes it.")
            }
            let reader: SegmentReader
            do {
                reader = try await SegmentReader.open(FileByteSource(url: url))
            } catch {
                // A damaged file still takes its bytes on disk: count them under the tier its folder names
                // (segments/<tier>/<partition>/), its raw bytes as the catalog has them, and go on, so one bad
                // file does not hide every other finding.
                problems.append("\(error)")
                let folder = url.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
                if let tier = LedgerTier(rawValue: folder) {
                    snapshot[tier].segments += 1
                    snapshot[tier].rawBytes += cataloged[url.standardizedFileURL.path]?.rawBytes ?? 0
                    snapshot[tier].storedBytes += Int64((try? fileSize(url)) ?? 0)
                }
                continue
            }
            let tier = LedgerTier(reader.index.tier)
            snapshot[tier].segments += 1
            snapshot[tier].rawBytes += Int64(reader.index.rawBytes)
            snapshot[tier].storedBytes += Int64(reader.storedBytes)
        }
        let listing = try await archive.store.list(prefix: "segments/")
        let objects = Dictionary(listing.map { ($0.key, $0.size) }, uniquingKeysWith: { a, _ in a })
        var referenced: [String: Int64] = [:]
        for row in rows where row.state == .remote {
            guard let key = row.objectKey, let size = objects[key] else {
                problems.append(
                    "Segment '\(row.name)' is marked cold in '\(row.objectKey ?? "?")', which the cold store does "
                        + "not list. If its day is past retention, a run stopped between deleting the object and "
                        + "dropping the row, and the next run drops it; otherwise restore the object to the store, "
                        + "or run 'msgarchive catalog rebuild' to make the catalog match what the store holds.")
                continue
            }
            referenced[key, default: 0] += row.storedBytes
            if (row.objectOffset ?? 0) + row.storedBytes > Int64(size) {
                problems.append("Segment '\(row.name)' lies past the end of its object '\(key)'.")
            }
            snapshot.cold.segments += 1
            snapshot.cold.rawBytes += row.rawBytes
        }
        for (key, size) in objects {
            snapshot.cold.storedBytes += Int64(size)
            if referenced[key] == nil {
                problems.append(
                    "The cold store holds '\(key)', which no segment in the catalog refers to. If it held days past "
                        + "retention or its segments are archived elsewhere, delete it: \(removal(of: key)). If "
                        + "its records should still be archived (the catalog was lost or replaced), run 'msgarchive "
                        + "catalog rebuild' instead, which lists it back into the catalog.")
            }
        }
        return (snapshot, problems)
    }

    /// How to delete a cold object by hand, for the store the pipeline names.
    func removal(of key: String) -> String {
        switch archive.config.coldStore {
        case .directory(let path):
            return directoryRemoval(of: key, root: path)
        case .s3(let s3):
            let prefix = s3.prefix.isEmpty || s3.prefix.hasSuffix("/") ? s3.prefix : s3.prefix + "/"
            let endpoint = s3.endpoint.map { " --endpoint-url \($0)" } ?? ""
            return "'aws s3 rm s3://\(s3.bucket)/\(prefix)\(key)\(endpoint)' with the pipeline's credentials"
        }
    }

    /// A directory store keeps an object's bytes under `data/` and its metadata under `meta/` (`DirectoryStore`).
    private func directoryRemoval(of key: String, root: URL) -> String {
        let data = root.appendingPathComponent("data").appendingPathComponent(key).path
        let meta = root.appendingPathComponent("meta").appendingPathComponent(key).path
        return "'rm -f \(data) \(meta)'"
    }
}
