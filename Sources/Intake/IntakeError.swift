import Foundation

/// Why a one-off compaction cannot start.
package enum IntakeError: Error, CustomStringConvertible {
    case noInputs(patterns: [String])
    case outputNotEmpty(path: String)

    package var description: String {
        switch self {
        case .noInputs(let patterns):
            "No input file matches \(patterns.map { "'\($0)'" }.joined(separator: ", ")); check the paths and globs."
        case .outputNotEmpty(let path):
            "The output directory '\(path)' already holds segments; compact into a new directory, or use "
                + "'msgarchive run' to add logs to an archive incrementally."
        }
    }
}
