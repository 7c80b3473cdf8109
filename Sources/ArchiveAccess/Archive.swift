import Catalog
import Foundation
import Logging
import ObjectStore
import PipelineConfig
import Segments

/// Opens the parts of an archive a command needs: its catalog and its cold store.
package struct Archive {
    package let config: PipelineConfig
    package let layout: ArchiveLayout
    package let catalog: Catalog
    package let store: any ObjectStore

    /// Opens the archive of `config`; `readOnly` for dry runs and reads (no file is created or changed);
    /// `rebuilding` to create a new catalog beside existing segments.
    /// - Throws: `CatalogError` when the catalog is missing while segments exist, or cannot be opened;
    ///   `ArchiveError.badArchive` when the root cannot be created; store configuration errors.
    package init(
        config: PipelineConfig, readOnly: Bool, rebuilding: Bool = false, environment: [String: String],
        logger: Logger
    ) throws {
        self.config = config
        let layout = ArchiveLayout(root: config.archive)
        self.layout = layout
        let fm = FileManager.default
        let hasCatalog = fm.fileExists(atPath: layout.catalog.path)
        if !hasCatalog && !rebuilding && !SegmentLocator.segmentFiles(under: layout.segments).isEmpty {
            throw CatalogError.missingButArchiveHasSegments(path: layout.catalog.path)
        }
        if readOnly {
            catalog = hasCatalog ? try Catalog(readOnly: layout.catalog) : try Catalog(inMemoryFor: layout.catalog)
        } else {
            do {
                try fm.createDirectory(at: layout.root, withIntermediateDirectories: true)
            } catch {
                throw ArchiveError.badArchive(path: layout.root.path, underlying: error)
            }
            catalog = try Catalog(url: layout.catalog)
        }
        store = Self.coldStore(config: config, layout: layout, environment: environment, logger: logger)
    }

    /// The cold store the pipeline names, or the embedded directory store under the archive, opened on first use.
    package static func coldStore(
        config: PipelineConfig, layout: ArchiveLayout, environment: [String: String], logger: Logger
    ) -> any ObjectStore {
        guard let name = config.tiers.cold.store, let store = config.stores[name] else {
            let root = layout.defaultColdStore
            return LazyObjectStore(location: root.absoluteString) { try DirectoryStore(root: root) }
        }
        switch store {
        case .directory(let path):
            return LazyObjectStore(location: path.absoluteString) { try DirectoryStore(root: path) }
        case .s3(let s3):
            return LazyObjectStore(location: "s3://\(s3.bucket)/\(s3.prefix)") {
                try Self.makeS3Store(s3, environment: environment, logger: logger)
            }
        }
    }

    /// Where a segment's bytes can be read: its local file or a range of a cold object.
    package func byteSource(of row: SegmentRow) -> any ByteSource {
        if row.state == .remote, let key = row.objectKey {
            return ObjectByteSource(
                store: store, key: key, base: UInt64(row.objectOffset ?? 0), length: UInt64(row.storedBytes),
                segmentName: row.name)
        }
        return FileByteSource(url: layout.file(name: row.name, tier: row.tier, partition: row.partition))
    }
}
