import ArchiveAccess
import Catalog
import Crypto
import Dedup
import Foundation
import Ingest
import Logging
import ObjectStore
import Segments

/// `msgarchive catalog rebuild`: recreates the catalog's segments from the local segment files and the cold
/// store's listing, which works because segments describe themselves (DESIGN.md).
///
/// Inputs seen are not recoverable from segments: after a rebuild, the next run reads every source log again
/// and drops all of it as duplicates of what is archived.
package struct CatalogRebuilder {
    let archive: Archive
    let logger: Logger

    package init(archive: Archive, logger: Logger) {
        self.archive = archive
        self.logger = logger
    }

    /// Rebuilds and returns how many local and remote segments were found.
    /// - Throws: segment errors for a damaged segment (fix or remove it first), store and catalog errors.
    package func rebuild() async throws -> (local: Int, remote: Int) {
        var found: [Catalog.NewSegment] = []
        for url in SegmentLocator.segmentFiles(under: archive.layout.segments) {
            let reader = try await SegmentReader.open(FileByteSource(url: url))
            found.append(
                try await entry(
                    reader, name: url.lastPathComponent, storedSHA256: try sha256Hex(of: url), objectKey: nil,
                    offset: nil))
        }
        let local = found.count
        for object in try await archive.store.list(prefix: "segments/") {
            // A cold object holds one or more whole segments back to back; walk them from the end.
            var end = object.size
            var members: [Catalog.NewSegment] = []
            while end > 0 {
                let tail = ObjectByteSource(
                    store: archive.store, key: object.key, base: 0, length: end, segmentName: object.key)
                let length = try await SegmentReader.segmentLength(endingAt: tail)
                let source = ObjectByteSource(
                    store: archive.store, key: object.key, base: end - length, length: length,
                    segmentName: object.key)
                let reader = try await SegmentReader.open(source)
                let bytes = try await source.read(offset: 0, length: Int(length))
                let name =
                    "\(reader.index.partition).\(String(object.key.split(separator: "/").last ?? "")).\(members.count + 1)"
                members.append(
                    try await entry(
                        reader, name: name, storedSHA256: hex(SHA256.hash(data: bytes)), objectKey: object.key,
                        offset: Int64(end - length)))
                end -= length
            }
            found.append(contentsOf: members.reversed())
        }
        try archive.catalog.replaceAll(segments: found)
        logger.notice("catalog rebuilt", metadata: ["local": "\(local)", "remote": "\(found.count - local)"])
        return (local, found.count - local)
    }

    private func entry(
        _ reader: SegmentReader, name: String, storedSHA256: String, objectKey: String?, offset: Int64?
    ) async throws -> Catalog.NewSegment {
        let index = reader.index
        var digests: [IdDigest] = []
        let cursor = SegmentCursor(reader: reader, scanners: recordScanners(for: archive.config))
        try await cursor.advance()
        while let (_, record) = cursor.current {
            digests.append(IdDigest(id: record.id))
            try await cursor.advance()
        }
        let row = SegmentRow(
            name: name, partition: index.partition, tier: index.tier, codec: index.codec, level: index.level,
            records: Int64(index.recordCount), rawBytes: Int64(index.rawBytes),
            storedBytes: Int64(reader.storedBytes), rawSHA256: hex(index.rawSHA256), storedSHA256: storedSHA256,
            minTimestamp: index.minTimestamp, maxTimestamp: index.maxTimestamp,
            state: objectKey == nil ? .local : .remote, objectKey: objectKey, objectOffset: offset,
            lastPartition: index.lastPartition == index.partition ? nil : index.lastPartition)
        let severalDays = row.lastPartition != nil
        return .init(
            row: row, digests: IdDigest.segmentBlob(digests, severalDays: severalDays),
            kind: severalDays ? .bloom : .exact)
    }
}
