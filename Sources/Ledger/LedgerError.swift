import FileIO
import Foundation

/// Every way reading or appending to the ledger can fail.
package enum LedgerError: Error, CustomStringConvertible {
    /// The ledger file could not be opened, read, written or synced; `errno` is the POSIX cause.
    case io(path: String, operation: String, errno: Int32)
    /// The file does not end in a newline: the last append was cut short (a crash mid-write).
    case tornTail(path: String, line: Int, bytes: Int)
    /// The last complete line is not a ledger entry, so the next entry cannot be chained to it.
    case unreadableLine(path: String, line: Int, reason: String)
    /// An entry could not be turned into JSON.
    case encoding(reason: String)

    /// A full sentence naming the file and saying what to do.
    package var description: String {
        switch self {
        case .io(let path, let operation, let errno):
            return "Could not \(operation) the ledger '\(path)': \(FileIO.explain(errno)); "
                + "check that the archive root exists and is writable."
        case .tornTail(let path, let line, let bytes):
            return "The ledger '\(path)' ends in an incomplete line \(line) (\(bytes) bytes without a newline), "
                + "left by a run that stopped while writing it; no entry is chained onto it. Run 'msgarchive audit' "
                + "to see the damage, then remove that last partial line (the pipeline's recovery moves it to "
                + "'ledger.jsonl.torn') and run again."
        case .unreadableLine(let path, let line, let reason):
            return "Line \(line) of the ledger '\(path)' is not a ledger entry (\(reason)), so the next entry cannot "
                + "be chained to it; run 'msgarchive audit' and restore the ledger from the cold store's "
                + "'ledger/ledger.jsonl' copy."
        case .encoding(let reason):
            return "A ledger entry could not be encoded as JSON (\(reason)); this is a bug: please report it."
        }
    }
}
