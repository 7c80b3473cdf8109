import Crypto

/// The first 128 bits of SHA-256 of a message id: enough to compare ids exactly (DESIGN.md invariant 3).
///
/// `high` holds bytes 0-7 of the hash and `low` bytes 8-15, both big-endian, so ordering digests orders their
/// `bytes` lexicographically.
package struct IdDigest: Hashable, Sendable, Comparable {
    /// Bytes 0-7 of the SHA-256, big-endian.
    package var high: UInt64
    /// Bytes 8-15 of the SHA-256, big-endian.
    package var low: UInt64

    /// A digest from its two halves.
    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The digest of `id`'s UTF-8 bytes.
    package init(id: String) {
        var id = id
        self = id.withUTF8 { IdDigest(hashing: UnsafeRawBufferPointer($0)) }
    }

    /// The digest of raw bytes (the first 128 bits of their SHA-256).
    package init(hashing bytes: UnsafeRawBufferPointer) {
        #if os(Linux)
            var hash: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            self = withUnsafeMutableBytes(of: &hash) { out in
                _ = boringSSLSHA256(bytes.baseAddress, bytes.count, out.baseAddress!)
                return IdDigest(bigEndianBytes: UnsafeRawBufferPointer(out))
            }
        #else
            self = SHA256.hash(data: bytes).withUnsafeBytes { IdDigest(bigEndianBytes: $0) }
        #endif
    }

    /// A digest from the 16 bytes `bytes` returns; nil when there are not exactly 16.
    package init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self = bytes.withUnsafeBytes { IdDigest(bigEndianBytes: $0) }
    }

    /// The 16 bytes for storage (the first 16 bytes of the SHA-256).
    package var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        out.withUnsafeMutableBytes { buffer in
            buffer.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            buffer.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return out
    }

    private init(bigEndianBytes b: UnsafeRawBufferPointer) {
        high = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        low = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// Orders by `high`, then `low`: the order of `bytes`.
    package static func < (a: IdDigest, b: IdDigest) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

extension IdDigest {
    /// `digests` in ascending order, in linear time: digests are uniform, so one pass places them in buckets by
    /// their first bits (a few to a bucket), and each bucket is sorted on its own. It took a third of the time
    /// of `sorted()`, whose merge sort was 2.7% of a compaction's CPU. A bucket crowded by ids ground to share
    /// their first bits is sorted by `sort()`, so such ids cost no more than `sorted()` would.
    package static func ascending(_ digests: [IdDigest]) -> [IdDigest] {
        let n = digests.count
        guard n > 64 else { return digests.sorted() }
        let bits = min(24, Int.bitWidth - (n / 4).leadingZeroBitCount)
        let shift = UInt64(64 - bits)
        var starts = [Int](repeating: 0, count: (1 << bits) + 1)
        for d in digests { starts[Int(truncatingIfNeeded: d.high >> shift) + 1] += 1 }
        for b in 1..<starts.count { starts[b] += starts[b - 1] }
        var next = starts
        var out = [IdDigest](repeating: IdDigest(high: 0, low: 0), count: n)
        out.withUnsafeMutableBufferPointer { out in
            for d in digests {
                let b = Int(truncatingIfNeeded: d.high >> shift)
                out[next[b]] = d
                next[b] += 1
            }
            for b in 0..<(1 << bits) where starts[b + 1] - starts[b] > 1 {
                let bucket = starts[b]..<starts[b + 1]
                guard bucket.count <= 16 else {
                    out[bucket].sort()
                    continue
                }
                for i in bucket.dropFirst() {
                    let d = out[i]
                    var j = i
                    while j > bucket.lowerBound && d < out[j - 1] {
                        out[j] = out[j - 1]
                        j -= 1
                    }
                    out[j] = d
                }
            }
        }
        return out
    }

    /// Digests as they are stored (catalog blobs, spill files): `bytes` of each, concatenated in the order given.
    package static func blob(_ digests: some Collection<IdDigest>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: digests.count * 16)
        out.withUnsafeMutableBytes { buffer in
            for (i, d) in digests.enumerated() {
                buffer.storeBytes(of: d.high.bigEndian, toByteOffset: i * 16, as: UInt64.self)
                buffer.storeBytes(of: d.low.bigEndian, toByteOffset: i * 16 + 8, as: UInt64.self)
            }
        }
        return out
    }

    /// The digests of a `blob`; a trailing partial digest is ignored.
    package static func digests(inBlob blob: [UInt8]) -> [IdDigest] {
        blob.withUnsafeBytes { raw in
            (0..<blob.count / 16).map { IdDigest(bigEndianBytes: UnsafeRawBufferPointer(rebasing: raw[($0 * 16)...])) }
        }
    }
}

#if os(Linux)
    /// BoringSSL's one-shot `SHA256()`, which swift-crypto links in under its `CCryptoBoringSSL_` prefix without
    /// importing it to Swift. It hashes with a context on the stack; `SHA256.hash(data:)` allocates a context and
    /// copies it to finalize, which for ids of a few dozen bytes cost three times the hashing (5% of a compaction).
    @_silgen_name("CCryptoBoringSSL_SHA256")
    private func boringSSLSHA256(
        _ data: UnsafeRawPointer?, _ count: Int, _ out: UnsafeMutableRawPointer
    ) -> UnsafeMutableRawPointer?
#endif
