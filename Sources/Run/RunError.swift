import Foundation

/// Why a run cannot finish a step; the next run retries it.
package enum RunError: Error, CustomStringConvertible {
    case uploadMismatch(key: String, detail: String)

    package var description: String {
        switch self {
        case .uploadMismatch(let key, let detail):
            "The object '\(key)' in the cold store does not match the local segment (\(detail)); the local copy "
                + "is kept and the upload is retried on the next run."
        }
    }
}
