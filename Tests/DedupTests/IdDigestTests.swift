import Crypto
import Testing

@testable import Dedup

@Suite struct IdDigestTests {
    @Test func isTheFirstHalfOfSHA256() {
        let digest = IdDigest(id: "abc")
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223 b00361a396177a9cb410ff61f20015ad
        #expect(digest.high == 0xba78_16bf_8f01_cfea)
        #expect(digest.low == 0x4141_40de_5dae_2223)
        #expect(IdDigest(bytes: digest.bytes) == digest)
        #expect(IdDigest(bytes: [1, 2, 3]) == nil)
    }

    /// Lengths around SHA-256's block (55 bytes fit one block with the padding, 56 need two) and far past it.
    @Test func agreesWithSwiftCryptoAtEveryLength() {
        for count in [0, 1, 36, 55, 56, 63, 64, 65, 119, 120, 1000] {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let digest = bytes.withUnsafeBytes { IdDigest(hashing: $0) }
            #expect(digest.bytes == Array(SHA256.hash(data: bytes).prefix(16)), "\(count) bytes")
        }
    }

    @Test func tellsApartIdsDifferingInTheLastDigit() {
        let ids = (0..<10).map { "12345678901234567\($0)" }
        #expect(Set(ids.map(IdDigest.init(id:))).count == 10)
    }

    @Test func hashesUnicodeIdsByTheirUTF8() {
        #expect(IdDigest(id: "café") == IdDigest(id: "caf\u{E9}"))
        // Decomposed é is a different byte sequence: a different id, as the log wrote it.
        #expect(IdDigest(id: "cafe\u{301}") != IdDigest(id: "caf\u{E9}"))
        #expect(IdDigest(id: "😀") != IdDigest(id: "😁"))
    }

    @Test func ordersLikeItsBytes() {
        let digests = (0..<100).map { IdDigest(id: "id-\($0)") }
        let byBytes = digests.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        #expect(digests.sorted() == byBytes)
    }

    /// Sizes around the cut to `sorted()` and the bucket counts' steps, uniform digests and digests crowded into a
    /// few buckets (equal first bits, equal `high`), duplicates included.
    @Test(arguments: [0, 1, 64, 65, 1_000, 33_333])
    func ascendingSortsAsSortedDoes(count: Int) {
        var generator = SystemRandomNumberGenerator()
        let uniform = (0..<count).map { IdDigest(id: "id-\($0)") }
        let crowded = (0..<count).map { _ in
            IdDigest(high: 0xABCD_0000_0000_0000 | UInt64.random(in: 0...3, using: &generator), low: .random(in: 0...9))
        }
        let mixed = uniform + crowded.prefix(count / 2) + uniform.prefix(count / 3)
        for digests in [uniform, crowded, mixed, uniform.reversed()] {
            #expect(IdDigest.ascending(digests) == digests.sorted())
        }
    }

    @Test func blobIsTheBytesOfEachDigestAndReadsBack() {
        let digests = (0..<50).map { IdDigest(id: "id-\($0)") }
        let blob = IdDigest.blob(digests)
        #expect(blob == digests.flatMap(\.bytes))
        #expect(IdDigest.digests(inBlob: blob) == digests)
        #expect(IdDigest.digests(inBlob: blob + [1, 2, 3]) == digests)
        #expect(IdDigest.digests(inBlob: []).isEmpty)
    }
}
