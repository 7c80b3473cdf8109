/// What can go wrong in the Dedup module: stored dedup state that cannot be read back.
package enum DedupError: Error, CustomStringConvertible {
    /// Bytes given to `BloomFilter(serialized:)` are not a serialised filter.
    case badBloomFilter(why: String)

    package var description: String {
        switch self {
        case .badBloomFilter(let why):
            "The stored Bloom filter cannot be read because \(why); rebuild the partition's dedup state from its "
                + "segments with 'msgarchive verify'."
        }
    }
}
