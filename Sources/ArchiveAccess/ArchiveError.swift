import Foundation

/// Why an archive, or a segment in it, cannot be opened or read.
package enum ArchiveError: Error, CustomStringConvertible {
    case missingSegment(name: String, path: String)
    case noSuchSegment(name: String, archive: String)
    case badTime(String)
    case unreadableRecord(segment: String, reason: String)
    case badEndpoint(String)
    case badArchive(path: String, underlying: any Error)

    package var description: String {
        switch self {
        case .missingSegment(let name, let path):
            "Segment '\(name)' is in the catalog but its file '\(path)' is missing; restore it from a backup, "
                + "or run 'msgarchive catalog rebuild' to make the catalog match the files."
        case .noSuchSegment(let name, let archive):
            "The archive '\(archive)' has no segment named '\(name)'; check the name, "
                + "or give a segment file's path without --pipeline."
        case .badTime(let text):
            "'\(text)' is not a time; give RFC 3339 (2026-11-26T03:00:00Z) or a date (2026-11-26)."
        case .unreadableRecord(let segment, let reason):
            "Segment '\(segment)' holds a line that no longer scans (\(reason)); give 'export' the fields the "
                + "segment was written with ('--format', '--field' as given to 'compact', or the pipeline's sources)."
        case .badEndpoint(let text):
            "The S3 endpoint '\(text)' is not an http:// or https:// URL; fix 'endpoint' in the pipeline's store or "
                + "AWS_ENDPOINT_URL."
        case .badArchive(let path, let underlying):
            "The archive root '\(path)' cannot be used (\(underlying)); check the path and its permissions."
        }
    }
}
