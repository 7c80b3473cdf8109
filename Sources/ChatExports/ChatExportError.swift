import FileIO

/// What stops a chat export from being read or written at all; damage inside an export is quarantined instead.
package enum ChatExportError: Error, CustomStringConvertible {
    /// The export to read does not exist or cannot be opened.
    case unreadable(path: String, cause: any Error)
    /// `export --format slack` found a record whose conversation or day cannot name a file of the tree.
    case unsafeName(name: String)
    /// The exported tree's folder cannot be created.
    case cannotCreate(path: String, cause: any Error)
    /// A system call writing the exported tree failed.
    case writeFailed(path: String, operation: String, errno: Int32)
    /// The export tree's folder exists and is not empty.
    case outputNotEmpty(path: String)

    package var description: String {
        switch self {
        case .unreadable(let path, let cause):
            "Export '\(path)' cannot be read (\(cause)); check the path and its permissions."
        case .unsafeName(let name):
            "The archived name '\(name)' cannot be a file or folder name of an export tree (it is empty, '.', '..' "
                + "or holds '/'); export that conversation as JSON Lines instead."
        case .cannotCreate(let path, let cause):
            "Cannot create the folder '\(path)' (\(cause)); check the path and the permissions of its parent."
        case .writeFailed(let path, let operation, let code):
            "Cannot write '\(path)': \(operation) failed with \(FileIO.explain(code))."
        case .outputNotEmpty(let path):
            "The export tree folder '\(path)' is not empty; name a new or empty folder with --out."
        }
    }
}
