import Foundation

/// Failures of the pipeline's commands.
package enum PipelineError: Error, CustomStringConvertible {
    /// A path given as input matched no file.
    case noInputs(patterns: [String])
    /// `compact --out` names a directory that already holds segments.
    case outputNotEmpty(path: String)
    /// A segment the catalog lists is missing from disk.
    case missingSegment(name: String, path: String)
    /// `inspect --pipeline` names a segment the catalog does not have.
    case noSuchSegment(name: String, archive: String)
    /// A time given on the command line could not be read.
    case badTime(String)
    /// A segment could not be merged because a line in it no longer scans.
    case unreadableRecord(segment: String, reason: String)
    /// An uploaded object does not match what was sent.
    case uploadMismatch(key: String, detail: String)
    /// An S3 endpoint that is not an http(s) URL.
    case badEndpoint(String)
    /// The archive root exists but is not a directory, or cannot be created.
    case badArchive(path: String, underlying: any Error)

    package var description: String {
        switch self {
        case .noInputs(let patterns):
            "No input file matches \(patterns.map { "'\($0)'" }.joined(separator: ", ")); check the paths and globs."
        case .outputNotEmpty(let path):
            "The output directory '\(path)' already holds segments; compact into a new directory, or use "
                + "'msgarchive run' to add logs to an archive incrementally."
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
        case .uploadMismatch(let key, let detail):
            "The object '\(key)' in the cold store does not match the local segment (\(detail)); the local copy "
                + "is kept and the upload is retried on the next run."
        case .badEndpoint(let text):
            "The S3 endpoint '\(text)' is not an http:// or https:// URL; fix 'endpoint' in the pipeline's store or "
                + "AWS_ENDPOINT_URL."
        case .badArchive(let path, let underlying):
            "The archive root '\(path)' cannot be used (\(underlying)); check the path and its permissions."
        }
    }
}
