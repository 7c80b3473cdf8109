import Foundation

/// Failures of the archive catalog.
package enum CatalogError: Error, CustomStringConvertible {
    /// SQLite refused an operation.
    case database(path: String, operation: String, underlying: any Error)
    /// The catalog is missing but the archive holds segments.
    case missingButArchiveHasSegments(path: String)

    package var description: String {
        switch self {
        case .database(let path, let operation, let underlying):
            "The catalog '\(path)' failed to \(operation): \(underlying). Check the disk and permissions; if the "
                + "file is damaged, move it aside and run 'msgarchive catalog rebuild'."
        case .missingButArchiveHasSegments(let path):
            "The catalog '\(path)' is missing but the archive holds segments; run 'msgarchive catalog rebuild' "
                + "to recreate it from the segments and the cold store before the next run."
        }
    }
}
