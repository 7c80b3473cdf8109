import ArchiveAccess
import Catalog
import Foundation
import Logging
import Segments

/// Checks segments against their own checksums and against the catalog: `msgarchive verify` and
/// `audit --sample/--deep`.
package struct ArchiveVerifier {
    /// One segment that failed a check, with the sentence saying why.
    package struct Problem: Sendable, CustomStringConvertible {
        package var segment: String
        package var description: String
    }

    let archive: Archive
    let logger: Logger

    package init(archive: Archive, logger: Logger) {
        self.archive = archive
        self.logger = logger
    }

    /// Verifies `rows` (every segment when nil): every block's CRC, the raw SHA-256, the record count, and the
    /// figures the catalog holds; returns the problems found, empty when all is well.
    package func verify(_ rows: [SegmentRow]? = nil) async throws -> [Problem] {
        var problems: [Problem] = []
        for row in try rows ?? archive.catalog.segments() {
            do {
                let reader = try await SegmentReader.open(archive.byteSource(of: row))
                try await reader.verify()
                let index = reader.index
                var mismatches: [String] = []
                if Int64(index.recordCount) != row.records {
                    mismatches.append("\(index.recordCount) records, catalog says \(row.records)")
                }
                if Int64(index.rawBytes) != row.rawBytes {
                    mismatches.append("\(index.rawBytes) raw bytes, catalog says \(row.rawBytes)")
                }
                if Int64(reader.storedBytes) != row.storedBytes {
                    mismatches.append("\(reader.storedBytes) stored bytes, catalog says \(row.storedBytes)")
                }
                if hex(index.rawSHA256) != row.rawSHA256 { mismatches.append("raw SHA-256 differs from the catalog's") }
                if index.partition != row.partition || index.lastPartition != row.lastDay {
                    mismatches.append(
                        "days \(index.partition)..\(index.lastPartition), catalog says \(row.partition)..\(row.lastDay)"
                    )
                }
                if !mismatches.isEmpty {
                    problems.append(
                        Problem(
                            segment: row.name,
                            description:
                                "Segment '\(row.name)' disagrees with the catalog: \(mismatches.joined(separator: "; ")); "
                                + "run 'msgarchive catalog rebuild' if the segment is right."))
                }
                logger.debug("segment verified", metadata: ["segment.id": "\(row.name)"])
            } catch {
                problems.append(Problem(segment: row.name, description: "\(error)"))
            }
        }
        return problems
    }
}
