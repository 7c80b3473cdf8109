/// What stops a chat export from being read or written at all; damage inside an export is quarantined instead.
package enum ChatExportError: Error, CustomStringConvertible {
    /// The export to read does not exist or cannot be opened.
    case unreadable(path: String, cause: any Error)
    /// `export --format slack` found a record whose conversation or day cannot name a file of the tree.
    case unsafeName(name: String)
    /// Writing the exported tree failed.
    case writeFailed(path: String, cause: any Error)
    /// The export tree's folder exists and is not empty.
    case outputNotEmpty(path: String)

    package var description: String {
        switch self {
        case .unreadable(let path, let cause):
            "Export '\(path)' cannot be read (\(cause)); check the path and its permissions."
        case .unsafeName(let name):
            "The archived name '\(name)' cannot be a file or folder name of an export tree (it is empty, '.', '..' "
                + "or holds '/'); export that conversation as JSON Lines instead."
        case .writeFailed(let path, let cause):
            "Cannot write '\(path)' (\(cause)); check the disk space and the folder's permissions."
        case .outputNotEmpty(let path):
            "The export tree folder '\(path)' is not empty; name a new or empty folder with --out."
        }
    }
}
