/// A Bloom filter over id digests for partitions past the dedup horizon (DESIGN.md "Dedup state must stay small").
///
/// Probes come from the digest's own bits (double hashing: `high + i * (low | 1)` modulo the bit count), since a
/// SHA-256 prefix is already uniform. With 10 bits an element and k = 7 the false-positive rate is about 0.8%.
///
/// Serialised form (little-endian): magic `MABF`, version byte 1, k (1 byte), 2 zero bytes, bit count (UInt64),
/// element count (UInt64), then the bit array as UInt64 words; 24 header bytes in all.
package struct BloomFilter: Sendable, Equatable {
    /// Number of bits (a multiple of 64).
    package private(set) var bitCount: Int
    /// Number of probes an element sets.
    package private(set) var hashCount: Int
    /// Number of elements inserted.
    package private(set) var count: Int
    private var words: [UInt64]

    private static let magic: [UInt8] = Array("MABF".utf8)
    private static let headerSize = 24

    /// An empty filter for about `expectedCount` elements at `bitsPerElement` bits each.
    package init(expectedCount: Int, bitsPerElement: Int = 10) {
        let bits = max(64, expectedCount * bitsPerElement)
        bitCount = (bits + 63) / 64 * 64
        // k = bits per element x ln 2 minimises the false-positive rate.
        hashCount = max(1, Int((Double(bitsPerElement) * 0.693).rounded()))
        count = 0
        words = [UInt64](repeating: 0, count: bitCount / 64)
    }

    /// A filter sized for and holding `digests`.
    package init(_ digests: [IdDigest], bitsPerElement: Int = 10) {
        self.init(expectedCount: digests.count, bitsPerElement: bitsPerElement)
        for d in digests { insert(d) }
    }

    /// Reads a filter written by `serialized()`.
    /// - Throws: `DedupError.badBloomFilter` when the bytes are not one.
    package init(serialized bytes: [UInt8]) throws {
        guard bytes.count >= Self.headerSize, Array(bytes[0..<4]) == Self.magic else {
            throw DedupError.badBloomFilter(why: "it does not start with the 'MABF' magic")
        }
        guard bytes[4] == 1 else { throw DedupError.badBloomFilter(why: "its version \(bytes[4]) is unknown") }
        let (bits, elements) = bytes.withUnsafeBytes {
            (
                UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            )
        }
        guard bits > 0, bits % 64 == 0, bits <= UInt64(Int.max), bytes[5] > 0,
            bytes.count == Self.headerSize + Int(bits / 8), elements <= bits
        else {
            throw DedupError.badBloomFilter(why: "its header does not match its length of \(bytes.count) bytes")
        }
        bitCount = Int(bits)
        hashCount = Int(bytes[5])
        count = Int(elements)
        words = bytes[Self.headerSize...].withUnsafeBytes { raw in
            (0..<Int(bits / 64)).map {
                UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))
            }
        }
    }

    /// Adds `d`.
    package mutating func insert(_ d: IdDigest) {
        var probe = d.high
        let step = d.low | 1
        let bits = UInt64(bitCount)
        for _ in 0..<hashCount {
            let bit = Int(probe % bits)
            words[bit >> 6] |= 1 << UInt64(bit & 63)
            probe &+= step
        }
        count += 1
    }

    /// False when `d` was surely never inserted; true when it probably was.
    package func mightContain(_ d: IdDigest) -> Bool {
        var probe = d.high
        let step = d.low | 1
        let bits = UInt64(bitCount)
        for _ in 0..<hashCount {
            let bit = Int(probe % bits)
            if words[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return false }
            probe &+= step
        }
        return true
    }

    /// The filter's bytes, header first (see the type's documentation).
    package func serialized() -> [UInt8] {
        var out = Self.magic + [1, UInt8(hashCount), 0, 0]
        out.reserveCapacity(Self.headerSize + words.count * 8)
        withUnsafeBytes(of: UInt64(bitCount).littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(count).littleEndian) { out.append(contentsOf: $0) }
        for word in words {
            withUnsafeBytes(of: word.littleEndian) { out.append(contentsOf: $0) }
        }
        return out
    }
}

extension IdDigest {
    /// What the catalog keeps of a segment's ids: their sorted digests, or for a segment of several days, whose
    /// ids may repeat across its days, a Bloom filter of them (a hit is confirmed against that day's records).
    package static func segmentBlob(_ digests: [IdDigest], severalDays: Bool) -> [UInt8] {
        severalDays ? BloomFilter(digests).serialized() : blob(ascending(digests))
    }
}
