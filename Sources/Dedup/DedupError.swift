import FileIO
import Foundation

/// What can go wrong in the Dedup module: stored dedup state that cannot be read back or written.
package enum DedupError: Error, CustomStringConvertible {
    /// Bytes given to `BloomFilter(serialized:)` are not a serialised filter.
    case badBloomFilter(why: String)
    /// A `SpillFile` (temporary id digests) could not be created, written or read.
    case spill(path: String, operation: String, errno: Int32)

    package var description: String {
        switch self {
        case .badBloomFilter(let why):
            "The stored Bloom filter cannot be read because \(why); rebuild the partition's dedup state from its "
                + "segments with 'msgarchive verify'."
        case .spill(let path, let operation, let code):
            "Could not \(operation) the temporary id digest file '\(path)' (\(FileIO.explain(code))); "
                + "make room on the disk that holds that directory (about 16 bytes a record read), and run again."
        }
    }
}
