import Testing

@testable import Dedup

/// splitmix64: a fast seeded generator, so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct DigestSetTests {
    @Test func holdsAMillionRandomDigestsExactly() {
        var random = SplitMix(state: 42)
        let digests = (0..<1_000_000).map { _ in IdDigest(high: random.next(), low: random.next()) }
        var set = DigestSet()
        let fresh = digests.filter { set.insert($0) }.count
        #expect(fresh == 1_000_000)
        #expect(set.count == 1_000_000)
        let again = digests.prefix(1000).filter { set.insert($0) }.count
        #expect(again == 0)
        #expect(set.count == 1_000_000)
        #expect(digests.allSatisfy { set.contains($0) })
        // Fresh digests, and digests sharing one half with a member, are absent.
        var falsePositives = 0
        for d in digests.prefix(100_000) {
            if set.contains(IdDigest(high: d.high, low: d.low ^ 1)) { falsePositives += 1 }
            if set.contains(IdDigest(high: random.next(), low: random.next())) { falsePositives += 1 }
        }
        #expect(falsePositives == 0)
        let sorted = set.sortedDigests()
        #expect(sorted == digests.sorted())
    }

    @Test func keepsTheAllZeroDigest() {
        var set = DigestSet(capacity: 4)
        let zero = IdDigest(high: 0, low: 0)
        #expect(!set.contains(zero))
        let first = set.insert(zero)
        let second = set.insert(zero)
        #expect(first && !second)
        #expect(set.contains(zero))
        #expect(set.count == 1)
        #expect(set.sortedDigests() == [zero])
    }

    @Test func collidingSlotsStayDistinct() {
        // Same `high` (same start slot), different `low`: linear probing must keep all.
        var set = DigestSet()
        for k in 1...1000 { set.insert(IdDigest(high: 7, low: UInt64(k))) }
        #expect(set.count == 1000)
        #expect((1...1000).allSatisfy { set.contains(IdDigest(high: 7, low: UInt64($0))) })
        #expect(!set.contains(IdDigest(high: 7, low: 1001)))
    }
}
