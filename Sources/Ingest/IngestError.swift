import FileIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What can go wrong reading logs, expanding source globs or writing the quarantine file.
package enum IngestError: Error, CustomStringConvertible {
    /// The log does not exist.
    case fileNotFound(path: String)
    /// `open`, `read` or `lseek` failed with `errno`.
    case unreadable(path: String, errno: Int32)
    /// A compressed log ends in the middle of a gzip member or LZ4 frame.
    case truncated(path: String, cause: any Error)
    /// A compressed log holds bytes its codec cannot decode.
    case corrupt(path: String, cause: any Error)
    /// A source glob pattern is malformed (e.g. an unclosed `[`).
    case badPattern(pattern: String, why: String)
    /// Writing the quarantine file failed with `errno`.
    case quarantineWriteFailed(path: String, errno: Int32)

    package var description: String {
        switch self {
        case .fileNotFound(let path):
            "Log '\(path)' does not exist; check the source glob or remove the file from the pipeline."
        case .unreadable(let path, let code):
            "Log '\(path)' cannot be read (\(Self.reason(code))); check its permissions and the disk."
        case .truncated(let path, let cause):
            "Log '\(path)' ends in the middle of a compressed frame, so it is truncated; the lines before the cut "
                + "were read: re-copy the file from its source. Cause: \(cause)"
        case .corrupt(let path, let cause):
            "Log '\(path)' holds damaged compressed data; the lines before the damage were read: re-copy the "
                + "file from its source. Cause: \(cause)"
        case .badPattern(let pattern, let why):
            "Source pattern '\(pattern)' is malformed: \(why); fix it in the pipeline file."
        case .quarantineWriteFailed(let path, let code):
            "Quarantine file '\(path)' cannot be written (\(Self.reason(code))); check the disk space and "
                + "the directory's permissions."
        }
    }

    private static func reason(_ code: Int32) -> String {
        FileIO.explain(code)
    }
}
