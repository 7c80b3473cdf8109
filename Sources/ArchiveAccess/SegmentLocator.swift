import Codecs
import Foundation
import Segments

/// Finds segment files in a directory tree.
package enum SegmentLocator {
    /// Every segment file under `root` (by name: `*.jsonl.lz4`, `*.jsonl.gz`, `*.jsonl.zst`), sorted by path;
    /// temporary files of interrupted writes are left out.
    package static func segmentFiles(under root: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            return []
        }
        var found: [URL] = []
        for case let url as URL in walker {
            let name = url.lastPathComponent
            guard !SegmentFiles.isTemporary(name) else { continue }
            if Codec.allCases.contains(where: { name.hasSuffix("." + $0.segmentExtension) }) { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Temporary files left by interrupted segment writes under `root`.
    package static func temporaryFiles(under root: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            return []
        }
        return walker.compactMap { $0 as? URL }.filter { SegmentFiles.isTemporary($0.lastPathComponent) }
    }
}
